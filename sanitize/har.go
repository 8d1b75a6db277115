package sanitize

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/authtriage/authtriage/parsers"
	"github.com/authtriage/authtriage/secrets"
)

// The HAR rewrite streams: json.Decoder walks the document's tokens down to
// log.entries and decodes one entry at a time as a json.RawMessage (its
// exact bytes); the entry is sanitized on its span tree and written back.
// The bytes between values — whitespace, commas, keys, a BOM, a JSONP
// wrapper — are copied from the input as they were, so the output differs
// from the input only in the values that were replaced. One entry is in
// memory at a time.

// tee records what the decoder reads, so the bytes between values can be
// copied verbatim.
type tee struct {
	r    io.Reader
	buf  []byte // the input from offset base on
	base int64
}

func (t *tee) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	t.buf = append(t.buf, p[:n]...)
	return n, err
}

// slice returns input bytes [from, to).
func (t *tee) slice(from, to int64) []byte { return t.buf[from-t.base : to-t.base] }

// discard forgets the input before off.
func (t *tee) discard(off int64) {
	n := int(off - t.base)
	if n <= 0 {
		return
	}
	if n < 64<<10 && n < len(t.buf)/2 {
		return // move the buffer only when it pays
	}
	copy(t.buf, t.buf[n:])
	t.buf = t.buf[:len(t.buf)-n]
	t.base = off
}

// harWriter walks a HAR document and writes its sanitized copy.
type harWriter struct {
	r      *replacer
	w      io.Writer
	t      *tee
	dec    *json.Decoder
	copied int64
	stats  *Stats
	warn   func(string)
	name   string
}

// sanitizeHAR rewrites a HAR document. head is the start of the input (for
// the preamble checks).
func sanitizeHAR(br *bufio.Reader, w io.Writer, name string, r *replacer, st *Stats, warn func(string)) error {
	head, _ := br.Peek(512)
	// The reader's own checks: YAML, empty, not an object. Same messages
	// as analyze.
	if _, err := parsers.NewHARReader(bytes.NewReader(head), name, parsers.Options{}); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	// A BOM and a JSONP wrapper are copied as they are.
	skip := 0
	s := string(head)
	if strings.HasPrefix(s, "\uFEFF") {
		skip = 3
	}
	t := strings.TrimLeft(s[skip:], " \t\r\n")
	if t != "" && t[0] != '{' {
		if i := strings.IndexByte(t, '('); i > 0 {
			skip = len(s) - len(t) + i + 1
		}
	}
	pre := make([]byte, skip)
	if _, err := io.ReadFull(br, pre); err != nil {
		return err
	}
	if _, err := w.Write(pre); err != nil {
		return err
	}
	tt := &tee{r: br}
	h := &harWriter{r: r, w: w, t: tt, dec: json.NewDecoder(tt), stats: st, warn: warn, name: name}
	if err := h.document(); err != nil {
		return err
	}
	if st.Truncated {
		return nil
	}
	// After the document: a JSONP ")" or blanks, copied (through the
	// detectors, in case).
	rest, err := io.ReadAll(io.MultiReader(bytes.NewReader(tt.slice(h.copied, tt.base+int64(len(tt.buf)))), br))
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, r.detect(string(rest), "after the document"))
	return err
}

// copyTo writes the input up to off as it was.
func (h *harWriter) copyTo(off int64) error {
	if off > h.copied {
		if _, err := h.w.Write(h.t.slice(h.copied, off)); err != nil {
			return err
		}
		h.copied = off
	}
	h.t.discard(h.copied)
	return nil
}

// value decodes the next value and writes fn's rewrite of it.
func (h *harWriter) value(fn func(raw []byte) []byte) error {
	var raw json.RawMessage
	if err := h.dec.Decode(&raw); err != nil {
		return err
	}
	end := h.dec.InputOffset()
	if err := h.copyTo(end - int64(len(raw))); err != nil {
		return err
	}
	if _, err := h.w.Write(fn(raw)); err != nil {
		return err
	}
	h.copied = end
	h.t.discard(end)
	return nil
}

func (h *harWriter) delim(want json.Delim, what string) error {
	tok, err := h.dec.Token()
	if err != nil {
		return fmt.Errorf("%s: not a HAR document: %v", h.name, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("%s: not a HAR document: %s is not %s", h.name, what, map[json.Delim]string{'{': "an object", '[': "an array"}[want])
	}
	return nil
}

func (h *harWriter) document() error {
	if err := h.delim('{', "the document"); err != nil {
		return err
	}
	sawLog := false
	for h.dec.More() {
		key, err := h.dec.Token()
		if err != nil {
			return fmt.Errorf("%s: %w", h.name, err)
		}
		if k, _ := key.(string); k == "log" && !sawLog {
			sawLog = true
			if err := h.log(); err != nil {
				return err
			}
			if h.stats.Truncated {
				return nil
			}
			continue
		}
		if err := h.value(h.generic("/" + fmt.Sprint(key))); err != nil {
			return fmt.Errorf("%s: %w", h.name, err)
		}
	}
	if !sawLog {
		return fmt.Errorf(`%s: not a HAR document: no "log" object`, h.name)
	}
	if _, err := h.dec.Token(); err != nil { // the closing }
		return fmt.Errorf("%s: %w", h.name, err)
	}
	return h.copyTo(h.dec.InputOffset())
}

func (h *harWriter) log() error {
	if err := h.delim('{', `"log"`); err != nil {
		return err
	}
	sawEntries := false
	for h.dec.More() {
		key, err := h.dec.Token()
		if err != nil {
			return fmt.Errorf("%s: %w", h.name, err)
		}
		k, _ := key.(string)
		if k != "entries" || sawEntries {
			if err := h.value(h.generic("/log/" + k)); err != nil {
				return fmt.Errorf("%s: log.%s: %w", h.name, k, err)
			}
			continue
		}
		sawEntries = true
		if err := h.delim('[', `"log.entries"`); err != nil {
			return err
		}
		for h.dec.More() {
			idx := h.stats.Entries
			err := h.value(func(raw []byte) []byte { return h.entry(raw, idx) })
			if err != nil {
				var se *json.SyntaxError
				if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || errors.As(err, &se) {
					return h.truncated(idx, err)
				}
				return fmt.Errorf("%s: entry %d: %w", h.name, idx, err)
			}
			h.stats.Entries++
		}
		if _, err := h.dec.Token(); err != nil { // ]
			return h.truncated(h.stats.Entries, err)
		}
	}
	if !sawEntries {
		return fmt.Errorf(`%s: not a HAR document: no "log.entries" array`, h.name)
	}
	_, err := h.dec.Token() // }
	if err != nil {
		return h.truncated(h.stats.Entries, err)
	}
	return nil
}

// truncated closes a document that ends inside an entry: the entries read
// so far are written and the arrays and objects closed, so the output is
// valid JSON; the rest of the input is not copied (it holds a partial entry).
func (h *harWriter) truncated(idx int, err error) error {
	h.stats.Truncated = true
	h.warn(fmt.Sprintf("%s: entry %d: the file ends inside this entry (truncated HAR: %v); %d complete entries written, the document closed", h.name, idx, err, h.stats.Entries))
	if _, err := io.WriteString(h.w, "\n]}}\n"); err != nil {
		return err
	}
	return nil
}

// generic sanitizes a value outside the entries (pages, creator, custom
// fields): every string through the URL sanitizer and the detectors.
func (h *harWriter) generic(where string) func([]byte) []byte {
	return func(raw []byte) []byte {
		h.r.entry, h.r.line = -1, 0
		root, err := parseJSON(raw)
		if err != nil {
			return []byte(h.r.detect(string(raw), where))
		}
		h.r.jsonTree(root, where)
		return h.r.finish(root, raw)
	}
}

// entry sanitizes one entry.
func (h *harWriter) entry(raw []byte, idx int) []byte {
	h.r.entry, h.r.line = idx, 0
	root, err := parseJSON(raw)
	if err != nil || root.typ != '{' {
		return []byte(h.r.detect(string(raw), "entry"))
	}
	h.r.harEntry(root)
	return h.r.finish(root, raw)
}

// finish replaces the values already known anywhere in the rendered JSON,
// then reads the result as a line-based scan of the file would (the JSON
// escapes, a minified file's one long line) and replaces what the detectors
// still find there, inside the string that holds it.
func (r *replacer) finish(root *jnode, src []byte) []byte {
	root.walkStrings("", func(key string, n *jnode) {
		n.set(r.applyKnown(n.str(), key))
	})
	for round := 0; ; round++ {
		out, spans := root.renderSpans(src)
		if round == 3 {
			return out
		}
		changed := false
		for start := 0; start < len(out); {
			end := bytes.IndexByte(out[start:], '\n')
			if end < 0 {
				end = len(out)
			} else {
				end += start
			}
			base := start
			secrets.ScanLine(out[start:end], func(m secrets.Match) {
				a, b := base+m.Start, base+m.End
				i := sort.Search(len(spans), func(i int) bool { return spans[i].end > a })
				if i == len(spans) || spans[i].start > a || spans[i].end < b {
					return // not inside one string value
				}
				sp := spans[i]
				u := jsonFragment(out[a:b])
				v := sp.n.str()
				if u == "" || !strings.Contains(v, u) {
					return
				}
				repl, ok := r.value(u, m.Secret.Kind(), "as written", m.Detector)
				if ok {
					sp.n.set(strings.ReplaceAll(v, u, repl))
					changed = true
				}
			})
			start = end + 1
		}
		if !changed {
			return out
		}
	}
}

// jsonFragment decodes a piece of the inside of a JSON string (its escapes);
// the piece as it is when it does not decode.
func jsonFragment(b []byte) string {
	if bytes.IndexByte(b, '\\') < 0 {
		return string(b)
	}
	var s string
	q := append(append([]byte{'"'}, b...), '"')
	if json.Unmarshal(q, &s) != nil {
		return string(b)
	}
	return s
}

// harEntry applies the HAR structure: headers by name, URLs, query strings,
// cookies, bodies; then every string not yet looked at goes through the
// detectors (custom "_" fields, websocket messages, initiator stacks).
func (r *replacer) harEntry(e *jnode) {
	for _, side := range []string{"request", "response"} {
		m := e.get(side)
		if m == nil || m.typ != '{' {
			continue
		}
		r.harHeaders(m.get("headers"), side+".headers")
		r.harCookies(m.get("cookies"), side+".cookies")
		if side == "request" {
			if u := m.get("url"); u != nil && u.typ == '"' {
				u.set(r.url(u.str(), "request.url"))
				u.done = true
			}
			r.harParams(m.get("queryString"), "request.queryString")
			if pd := m.get("postData"); pd != nil && pd.typ == '{' {
				mt := pd.get("mimeType").str()
				if t := pd.get("text"); t != nil && t.typ == '"' {
					t.set(r.encodedBody(mt, t.str(), pd.get("encoding").str(), "request.postData.text"))
					t.done = true
				}
				r.harParams(pd.get("params"), "request.postData.params")
				if tj := pd.get("textJSON"); tj != nil {
					r.jsonTree(tj, "request.postData.textJSON")
					markDone(tj)
				}
			}
			continue
		}
		if c := m.get("content"); c != nil && c.typ == '{' {
			if t := c.get("text"); t != nil && t.typ == '"' {
				t.set(r.encodedBody(c.get("mimeType").str(), t.str(), c.get("encoding").str(), "response.content.text"))
				t.done = true
			}
		}
		if u := m.get("redirectURL"); u != nil && u.typ == '"' {
			u.set(r.url(u.str(), "response.redirectURL"))
			u.done = true
		}
	}
	e.walkStrings("", func(key string, n *jnode) {
		if n.done {
			return
		}
		v := n.str()
		switch {
		case credentialField(strings.TrimPrefix(key, "_"), v):
			v = r.whole(v, "", key)
		case strings.HasPrefix(v, "https://") || strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "wss://") || strings.HasPrefix(v, "ws://"):
			v = r.url(v, key)
		}
		n.set(r.detect(v, key))
	})
}

func markDone(n *jnode) {
	if n == nil {
		return
	}
	n.done = true
	for _, k := range n.kids {
		markDone(k)
	}
}

// harHeaders sanitizes a headers array by name. A value may be an array of
// strings (Polly 1.x).
func (r *replacer) harHeaders(hs *jnode, field string) {
	if hs == nil || hs.typ != '[' {
		return
	}
	for i, h := range hs.kids {
		name := h.get("name").str()
		v := h.get("value")
		if v == nil || name == "" {
			continue
		}
		f := field + "[" + strconv.Itoa(i) + "] " + name
		eachString(v, func(s *jnode) {
			s.set(r.header(name, s.str(), f))
			s.done = true
		})
	}
}

// harParams sanitizes queryString or postData.params: name/value pairs.
func (r *replacer) harParams(ps *jnode, field string) {
	if ps == nil || ps.typ != '[' {
		return
	}
	for i, p := range ps.kids {
		name := p.get("name").str()
		v := p.get("value")
		if v == nil {
			continue
		}
		f := field + "[" + strconv.Itoa(i) + "] " + name
		if v.typ == '"' {
			v.set(r.param(name, v.str(), f))
			v.done = true
		} else if v.typ == '{' || v.typ == '[' {
			// chrome-har writes a JSON object as the value: under a
			// credential's name, every string in it is the credential
			if secrets.IsCredentialParam(name) {
				v.walkStrings("", func(_ string, n *jnode) { n.set(r.whole(n.str(), "", f)) })
			} else {
				r.jsonTree(v, f)
			}
			markDone(v)
		}
	}
}

// harCookies sanitizes a cookies array (or IE11's single cookie object):
// every cookie value is replaced.
func (r *replacer) harCookies(cs *jnode, field string) {
	if cs == nil {
		return
	}
	one := func(i int, c *jnode) {
		v := c.get("value")
		if v == nil || v.typ != '"' {
			return
		}
		f := field + "[" + strconv.Itoa(i) + "] " + c.get("name").str()
		v.set(r.whole(v.str(), kindCookie, f))
		v.done = true
	}
	switch cs.typ {
	case '[':
		for i, c := range cs.kids {
			one(i, c)
		}
	case '{':
		if cs.get("value") != nil {
			one(0, cs)
			return
		}
		for i, v := range cs.kids {
			if v.typ == '"' {
				v.set(r.whole(v.str(), kindCookie, field+" "+cs.keys[i]))
				v.done = true
			}
		}
	}
}

// eachString calls fn for a string node, or for each string of an array.
func eachString(n *jnode, fn func(*jnode)) {
	switch n.typ {
	case '"':
		fn(n)
	case '[':
		for _, k := range n.kids {
			if k.typ == '"' {
				fn(k)
			}
		}
	}
}
