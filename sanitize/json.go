package sanitize

import (
	"bytes"
	"encoding/json"
	"errors"
	"sort"
	"unicode/utf8"
)

// A small span tree over JSON text. The sanitizer needs to know, for every
// string, where it sits (a header's name beside its value, a body field's
// key) and to rewrite only the strings it changes, so that everything else
// — field order, whitespace, number spelling, escapes, unknown "_" fields —
// comes out byte for byte as it went in. encoding/json's decoding would
// reorder and respell; this keeps spans instead.

// jnode is one JSON value: its kind, its byte span in the source, and for
// objects and arrays its members.
type jnode struct {
	typ        byte // '{', '[', '"', or 'x' for numbers, true, false, null
	start, end int
	keys       []string // object member names, decoded
	kids       []*jnode // object member values, or array elements
	// for strings: the value after sanitization, when it changed
	repl    string
	changed bool
	// for strings: the decoded source, once asked for (every pass over
	// the tree reads it, and decoding allocates)
	dec     string
	decoded bool
	// done marks a string the HAR structure already sanitized, so the
	// final pass over every string skips it
	done bool
	src  []byte
}

// maxJSONDepth matches encoding/json's nesting limit.
const maxJSONDepth = 10000

var errJSON = errors.New("invalid JSON")

// parseJSON builds the span tree of one JSON value (leading and trailing
// blanks allowed).
func parseJSON(src []byte) (*jnode, error) {
	p := &jparser{src: src}
	p.blank()
	n, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.blank()
	if p.i != len(src) {
		return nil, errJSON
	}
	return n, nil
}

type jparser struct {
	src []byte
	i   int
}

func (p *jparser) blank() {
	for p.i < len(p.src) {
		switch p.src[p.i] {
		case ' ', '\t', '\r', '\n':
			p.i++
		default:
			return
		}
	}
}

func (p *jparser) value(depth int) (*jnode, error) {
	if depth > maxJSONDepth || p.i >= len(p.src) {
		return nil, errJSON
	}
	n := &jnode{start: p.i, src: p.src}
	switch c := p.src[p.i]; c {
	case '{':
		n.typ = '{'
		p.i++
		p.blank()
		if p.i < len(p.src) && p.src[p.i] == '}' {
			p.i++
			break
		}
		for {
			p.blank()
			if p.i >= len(p.src) || p.src[p.i] != '"' {
				return nil, errJSON
			}
			k, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			p.blank()
			if p.i >= len(p.src) || p.src[p.i] != ':' {
				return nil, errJSON
			}
			p.i++
			p.blank()
			v, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			n.keys = append(n.keys, k.str())
			n.kids = append(n.kids, v)
			p.blank()
			if p.i < len(p.src) && p.src[p.i] == ',' {
				p.i++
				continue
			}
			if p.i < len(p.src) && p.src[p.i] == '}' {
				p.i++
				break
			}
			return nil, errJSON
		}
	case '[':
		n.typ = '['
		p.i++
		p.blank()
		if p.i < len(p.src) && p.src[p.i] == ']' {
			p.i++
			break
		}
		for {
			p.blank()
			v, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			n.kids = append(n.kids, v)
			p.blank()
			if p.i < len(p.src) && p.src[p.i] == ',' {
				p.i++
				continue
			}
			if p.i < len(p.src) && p.src[p.i] == ']' {
				p.i++
				break
			}
			return nil, errJSON
		}
	case '"':
		n.typ = '"'
		p.i++
		for p.i < len(p.src) {
			switch p.src[p.i] {
			case '\\':
				p.i += 2
				continue
			case '"':
				p.i++
				n.end = p.i
				return n, nil
			}
			p.i++
		}
		return nil, errJSON
	default:
		n.typ = 'x'
		for p.i < len(p.src) {
			c := p.src[p.i]
			if c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\r' || c == '\n' {
				break
			}
			p.i++
		}
		if p.i == n.start {
			return nil, errJSON
		}
	}
	n.end = p.i
	return n, nil
}

// str is a string node's current value: the replacement when it changed,
// else the decoded source.
func (n *jnode) str() string {
	if n == nil || n.typ != '"' {
		return ""
	}
	if n.changed {
		return n.repl
	}
	if !n.decoded {
		n.dec, n.decoded = decodeJSONString(n.src[n.start:n.end]), true
	}
	return n.dec
}

// decodeJSONString decodes a JSON string literal; its inside as it is when
// it does not decode.
func decodeJSONString(raw []byte) string {
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : len(raw)-1])
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return string(raw[1 : len(raw)-1])
	}
	return s
}

// set replaces a string node's value (when it differs).
func (n *jnode) set(v string) {
	if n == nil || n.typ != '"' || v == n.str() {
		return
	}
	n.repl, n.changed = v, true
}

// get returns an object member by exact name.
func (n *jnode) get(key string) *jnode {
	if n == nil || n.typ != '{' {
		return nil
	}
	for i, k := range n.keys {
		if k == key {
			return n.kids[i]
		}
	}
	return nil
}

// walkStrings calls fn for every string value under n (not object keys),
// with the name of the member that holds it ("" in arrays of arrays and at
// the top). Array elements inherit their array's member name.
func (n *jnode) walkStrings(key string, fn func(key string, s *jnode)) {
	if n == nil {
		return
	}
	switch n.typ {
	case '"':
		fn(key, n)
	case '{':
		for i, k := range n.kids {
			k.walkStrings(n.keys[i], fn)
		}
	case '[':
		for _, k := range n.kids {
			k.walkStrings(key, fn)
		}
	}
}

// render writes the source with every changed string re-encoded in place.
func (n *jnode) render(src []byte) []byte {
	out, _ := n.renderSpans(src)
	return out
}

// span is where a string node ends up in the rendered output.
type span struct {
	n          *jnode
	start, end int
}

// renderSpans renders and reports where every string value (not object
// keys) sits in the output, in order.
func (n *jnode) renderSpans(src []byte) ([]byte, []span) {
	var strs []*jnode
	var collect func(x *jnode)
	collect = func(x *jnode) {
		if x == nil {
			return
		}
		if x.typ == '"' {
			strs = append(strs, x)
		}
		for _, k := range x.kids {
			collect(k)
		}
	}
	collect(n)
	sort.Slice(strs, func(i, j int) bool { return strs[i].start < strs[j].start })
	spans := make([]span, 0, len(strs))
	out := make([]byte, 0, len(src)+64)
	last := 0
	for _, x := range strs {
		out = append(out, src[last:x.start]...)
		st := len(out)
		if x.changed {
			out = appendJSONString(out, x.repl)
		} else {
			out = append(out, src[x.start:x.end]...)
		}
		spans = append(spans, span{x, st, len(out)})
		last = x.end
	}
	out = append(out, src[last:]...)
	return out, spans
}

// appendJSONString encodes s as a JSON string without HTML escaping, so a
// marker stays "<redacted:…>" in the file (a detector reading the raw text
// must see it as a marker, not as "\u003credacted…").
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c == '\n':
				dst = append(dst, '\\', 'n')
			case c == '\r':
				dst = append(dst, '\\', 'r')
			case c == '\t':
				dst = append(dst, '\\', 't')
			case c < 0x20 || c == 0x7f:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return append(dst, '"')
}
