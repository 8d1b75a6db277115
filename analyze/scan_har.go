package analyze

import (
	"bytes"
	"context"
	"io"
	"sort"
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
		h.walk(p.Value, p.Pointer, h.path[:0])
		return nil
	})
}

type harScan struct {
	s    *scanSink
	part *parsers.HARPart
	seen map[secrets.Fingerprint]bool
	path []string // object keys from the part down, without array indices
	buf  []byte
}

// keyRank orders an object's members: the request before the response, and
// within them the places a credential is expected first.
var keyRank = map[string]int{
	"request": 1, "response": 2, "url": 3, "headers": 4, "queryString": 5, "cookies": 6,
	"postData": 7, "content": 8, "redirectURL": 9,
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		ri, rj := keyRank[keys[i]], keyRank[keys[j]]
		if ri == 0 {
			ri = 100
		}
		if rj == 0 {
			rj = 100
		}
		if ri != rj {
			return ri < rj
		}
		return keys[i] < keys[j]
	})
	return keys
}

func (h *harScan) walk(v any, ptr string, path []string) {
	switch x := v.(type) {
	case string:
		h.text(x, ptr, path)
	case []any:
		for i, e := range x {
			h.walk(e, ptr+"/"+strconv.Itoa(i), path)
		}
	case map[string]any:
		name, hasName := x["name"].(string)
		value, hasValue := x["value"].(string)
		paired := hasName && hasValue
		if paired {
			h.pair(name, value, ptr+"/value", path)
		}
		base64Body := false
		if enc, ok := x["encoding"].(string); ok && strings.EqualFold(enc, "base64") {
			base64Body = true
		}
		for _, k := range sortedKeys(x) {
			if paired && (k == "name" || k == "value") {
				continue
			}
			kp := ptr + "/" + parsers.PointerToken(k)
			if k == "text" {
				if t, ok := x[k].(string); ok {
					mime, _ := x["mimeType"].(string)
					if base64Body {
						h.base64Text(t, mime, kp, append(path, k))
					} else if !noCredentialsIn(mime) {
						h.text(t, kp, append(path, k))
					}
					continue
				}
			}
			h.walk(x[k], kp, append(path, k))
		}
	}
}

// pair scans a name/value object as the wire writes it.
func (h *harScan) pair(name, value, ptr string, path []string) {
	if value == "" {
		return
	}
	parent := ""
	if len(path) > 0 {
		parent = path[len(path)-1]
	}
	response := inResponse(path)
	b := h.buf[:0]
	switch parent {
	case "headers":
		b = append(append(append(b, name...), ": "...), value...)
	case "cookies":
		if response {
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
	place := placeOf(path) + "." + strings.ToLower(name)
	h.scan(b, ptr, path, place)
}

// text scans every line of a string value.
func (h *harScan) text(s, ptr string, path []string) {
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
		h.scan(h.buf, ptr, path, "")
	}
}

// base64Text decodes a body that the HAR stores in base64 and scans it
// when it is text.
func (h *harScan) base64Text(t, mime, ptr string, path []string) {
	if noCredentialsIn(mime) {
		return
	}
	dec, ok := parsers.DecodeBase64(t)
	if !ok {
		h.text(t, ptr, path)
		return
	}
	for len(dec) > 0 {
		line := dec
		if i := bytes.IndexByte(dec, '\n'); i >= 0 {
			line, dec = dec[:i], dec[i+1:]
		} else {
			dec = nil
		}
		h.scan(line, ptr, path, "")
	}
}

// scan runs the detectors over one line built from the value at ptr and
// files each credential once per entry.
func (h *harScan) scan(line []byte, ptr string, path []string, place string) {
	h.s.sc.Scan(line, func(m secrets.Match) {
		fp := m.Secret.Fingerprint()
		if h.seen[fp] {
			return
		}
		h.seen[fp] = true
		place := place // per match: a line may hold several fields
		if place == "" {
			place = placeOf(path) + "." + strings.ToLower(rules.PlaceField(m))
		}
		loc := Location{File: h.s.path, Entry: h.part.Entry, Line: h.part.Line, Pointer: ptr}
		k := leakKey{place: place, fp: fp}
		if g := h.s.known[k]; g != nil {
			// the session's token again, in the next entry
			g.count++
			if len(g.occ) < maxOccurrences {
				g.occ = append(g.occ, loc)
			} else {
				g.truncated = true
			}
			return
		}
		f := h.s.lb.Finding(m, harWhere(path), 0)
		f.Place = place
		f.Location = parsers.Source{File: loc.File, Format: parsers.FormatHAR, Entry: loc.Entry, Line: loc.Line, Pointer: ptr}
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
