package analyze

import (
	"bytes"
	"cmp"
	"context"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/authtriage/authtriage/parsers"
	"github.com/authtriage/authtriage/rules"
	"github.com/authtriage/authtriage/secrets"
)

// A HAR is scanned structurally: a pretty-printed HAR spreads one header
// over several lines, and its values are JSON strings (escaped, base64 for
// binary bodies), so lines of the file are the wrong unit. Every string of
// every entry is examined — header and cookie values, query parameters,
// URLs, request bodies and form parameters, response content (base64
// decoded when textual) — and so are the parts outside the entries (pages,
// comments). A name/value pair (a header, a cookie, a query parameter) is
// scanned as it would be written on the wire, "Name: value" or
// "?name=value", so its name gives the detectors their context.
//
// For scan every credential a HAR holds is a finding, request headers
// included: a HAR that is committed or shared leaks them all. A credential
// that appears in several places of one entry (the Cookie header and the
// cookies array, the URL and queryString) is reported once per entry, at
// the first place in the order request URL, headers, query string,
// cookies, body, then response.

// scanHAR walks a HAR document and files what it holds.
func (s *scanSink) scanHAR(ctx context.Context, r io.Reader) error {
	h := &harScan{s: s, seen: map[secrets.Fingerprint]bool{}}
	return parsers.WalkHAR(r, s.path, func(p *parsers.HARPart) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if p.Entry >= 0 {
			s.records++
		}
		h.part = p
		clear(h.seen)
		h.walk(p.Value)
		return nil
	})
}

// harScan walks one part of a HAR. The place of the value being examined
// is kept as two stacks, turned into strings only when a credential is
// found there: most values hold none.
type harScan struct {
	s    *scanSink
	part *parsers.HARPart
	seen map[secrets.Fingerprint]bool
	// path holds the object keys from the part down, without array
	// indices (request, headers); ptr the JSON pointer's tokens below
	// the part's pointer.
	path []string
	ptr  []ptrToken
	keys []string // the sorted keys of the objects being walked, stacked
	buf  []byte
}

// ptrToken is an object key or an array index. The key can be "" ({"": …}
// is valid JSON, and its pointer token is empty), so the kind is a flag.
type ptrToken struct {
	key     string
	idx     int
	isIndex bool
}

// pointer is the JSON pointer of the value being examined.
func (h *harScan) pointer() string {
	b := append([]byte(nil), h.part.Pointer...)
	for _, t := range h.ptr {
		b = append(b, '/')
		if t.isIndex {
			b = strconv.AppendInt(b, int64(t.idx), 10)
		} else {
			b = append(b, parsers.PointerToken(t.key)...)
		}
	}
	return string(b)
}

// keyRank orders an object's members: the request before the response, and
// within them the places a credential is expected first.
var keyRank = map[string]int{
	"request": 1, "response": 2, "url": 3, "headers": 4, "queryString": 5, "cookies": 6,
	"postData": 7, "content": 8, "redirectURL": 9,
}

func rankOf(k string) int {
	if r := keyRank[k]; r > 0 {
		return r
	}
	return 100
}

// sortedKeys pushes m's keys, in keyRank order, onto h.keys and returns
// them; the caller pops them (h.keys = h.keys[:len(h.keys)-len(keys)]).
func (h *harScan) sortedKeys(m map[string]any) []string {
	start := len(h.keys)
	for k := range m {
		h.keys = append(h.keys, k)
	}
	keys := h.keys[start:]
	slices.SortFunc(keys, func(a, b string) int {
		return cmp.Or(cmp.Compare(rankOf(a), rankOf(b)), strings.Compare(a, b))
	})
	return keys
}

func (h *harScan) walk(v any) {
	switch x := v.(type) {
	case string:
		h.text(x)
	case []any:
		for i, e := range x {
			h.ptr = append(h.ptr, ptrToken{idx: i, isIndex: true})
			h.walk(e)
			h.ptr = h.ptr[:len(h.ptr)-1]
		}
	case map[string]any:
		name, hasName := x["name"].(string)
		value, hasValue := x["value"].(string)
		paired := hasName && hasValue
		if paired {
			h.ptr = append(h.ptr, ptrToken{key: "value"})
			h.pair(name, value)
			h.ptr = h.ptr[:len(h.ptr)-1]
		}
		base64Body := false
		if enc, ok := x["encoding"].(string); ok && strings.EqualFold(enc, "base64") {
			base64Body = true
		}
		keys := h.sortedKeys(x)
		for _, k := range keys {
			if paired && (k == "name" || k == "value") {
				continue
			}
			h.ptr = append(h.ptr, ptrToken{key: k})
			h.path = append(h.path, k)
			if t, ok := x[k].(string); ok && k == "text" {
				mime, _ := x["mimeType"].(string)
				if base64Body {
					h.base64Text(t, mime)
				} else if !noCredentialsIn(mime) {
					h.text(t)
				}
			} else {
				h.walk(x[k])
			}
			h.path = h.path[:len(h.path)-1]
			h.ptr = h.ptr[:len(h.ptr)-1]
		}
		h.keys = h.keys[:len(h.keys)-len(keys)]
	}
}

// pair scans a name/value object as the wire writes it.
func (h *harScan) pair(name, value string) {
	if value == "" {
		return
	}
	parent := ""
	if len(h.path) > 0 {
		parent = h.path[len(h.path)-1]
	}
	b := h.buf[:0]
	switch parent {
	case "headers":
		b = append(append(append(b, name...), ": "...), value...)
	case "cookies":
		if inResponse(h.path) {
			b = append(b, "Set-Cookie: "...)
		} else {
			b = append(b, "Cookie: "...)
		}
		b = append(append(append(b, name...), '='), value...)
	case "queryString", "params":
		b = append(append(append(append(b, '?'), name...), '='), value...)
	default:
		b = append(append(append(b, name...), ": "...), value...)
	}
	h.buf = b
	h.scan(b, name)
}

// text scans every line of a string value.
func (h *harScan) text(s string) {
	if len(s) < 8 {
		return // no credential is this short
	}
	for len(s) > 0 {
		line := s
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			line, s = s[:i], s[i+1:]
		} else {
			s = ""
		}
		h.buf = append(h.buf[:0], line...)
		h.scan(h.buf, "")
	}
}

// base64Text decodes a body that the HAR stores in base64 and scans it
// when it is text.
func (h *harScan) base64Text(t, mime string) {
	if noCredentialsIn(mime) {
		return
	}
	dec, ok := parsers.DecodeBase64(t)
	if !ok {
		h.text(t)
		return
	}
	for len(dec) > 0 {
		line := dec
		if i := bytes.IndexByte(dec, '\n'); i >= 0 {
			line, dec = dec[:i], dec[i+1:]
		} else {
			dec = nil
		}
		h.scan(line, "")
	}
}

// scan runs the detectors over one line built from the value being
// examined and files each credential once per entry. name is the pair's
// name when the line is one ("Authorization: …"), else "".
func (h *harScan) scan(line []byte, name string) {
	h.s.sc.Scan(line, func(m secrets.Match) {
		fp := m.Secret.Fingerprint()
		if h.seen[fp] {
			return
		}
		h.seen[fp] = true
		field := name // per match: a line may hold several fields
		if field == "" {
			field = rules.PlaceField(m)
		}
		place := placeOf(h.path) + "." + strings.ToLower(field)
		loc := Location{File: h.s.path, Entry: h.part.Entry, Line: h.part.Line, Pointer: h.pointer()}
		k := leakKey{place: place, fp: fp}
		if g := h.s.known[k]; g != nil {
			// the session's token again, in the next entry
			g.count++
			g.addOcc(loc)
			return
		}
		f := h.s.lb.Finding(m, harWhere(h.path), 0)
		f.Place = place
		f.Location = parsers.Source{File: loc.File, Format: parsers.FormatHAR, Entry: loc.Entry, Line: loc.Line, Pointer: loc.Pointer}
		if g := h.s.add(f); g.f.Place == place && g.f.Credential == fp && len(h.s.known) < DefaultMaxGroups {
			h.s.known[k] = g
		}
	})
}

func inResponse(path []string) bool {
	for _, p := range path {
		if p == "response" {
			return true
		}
	}
	return false
}

// placeOf is the logical place of a value: its object keys without the
// array indices (request.headers, response.content.text, log.pages.title).
func placeOf(path []string) string {
	return strings.Join(path, ".")
}

// harWhere names the place for a message.
func harWhere(path []string) string {
	side := "request"
	if inResponse(path) {
		side = "response"
	}
	for i := len(path) - 1; i >= 0; i-- {
		switch path[i] {
		case "headers":
			return "a " + side + " header of the capture"
		case "cookies":
			return "a " + side + " cookie of the capture"
		case "queryString", "url":
			return "the request URL of the capture"
		case "postData":
			return "the request body of the capture"
		case "content":
			return "the response body of the capture"
		case "redirectURL":
			return "the redirect URL of the capture"
		}
	}
	if len(path) == 0 {
		return "the capture"
	}
	return "the capture (" + placeOf(path) + ")"
}

// noCredentialsIn names bodies not worth reading for credentials: images,
// fonts, media, archives and style sheets (whose selectors, like
// .fa-user-secret:before, look like names of credentials).
func noCredentialsIn(mime string) bool {
	m := strings.ToLower(mime)
	if strings.Contains(m, "javascript") || strings.Contains(m, "ecmascript") {
		return false
	}
	return !parsers.IsTextual(mime)
}
