package parsers

import (
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"strings"

	"github.com/tidwall/gjson"
)

// maxFieldBody is the largest body whose fields are parsed: larger ones are
// data, not requests carrying a token.
const maxFieldBody = 256 << 10

// ParseBodyFields extracts form, multipart or JSON fields from a body, so
// rules can find tokens in it. Unknown or binary types yield nothing.
func ParseBodyFields(mimeType, text string, o Options) []Param {
	o = o.withDefaults()
	if text == "" || len(text) > maxFieldBody {
		return nil
	}
	mt, params, _ := mime.ParseMediaType(mimeType)
	mt = strings.ToLower(mt)
	trimmed := strings.TrimSpace(text)
	switch {
	case strings.Contains(mt, "json") || (mt == "" || mt == "text/plain") && (strings.HasPrefix(trimmed, "{") || strings.HasPrefix(trimmed, "[")):
		return jsonFields(trimmed, o)
	case mt == "application/x-www-form-urlencoded" || mt == "" && strings.Contains(trimmed, "=") && !strings.ContainsAny(trimmed, " \n<{"):
		return capFields(ParseQuery(trimmed, "form"), o.MaxFields)
	case mt == "multipart/form-data" && params["boundary"] != "":
		return multipartFields(text, params["boundary"], o)
	}
	return nil
}

func capFields(ps []Param, n int) []Param {
	if len(ps) > n {
		return ps[:n]
	}
	return ps
}

// jsonFields flattens the scalar leaves of a JSON document into Params whose
// Path is the dotted path (a.b.0.c) and Name the last key.
func jsonFields(text string, o Options) []Param {
	if !gjson.Valid(text) {
		return nil
	}
	var out []Param
	var walk func(r gjson.Result, path, name string, depth int)
	walk = func(r gjson.Result, path, name string, depth int) {
		if len(out) >= o.MaxFields || depth > o.MaxDepth {
			return
		}
		switch {
		case r.IsObject() || r.IsArray():
			r.ForEach(func(k, v gjson.Result) bool {
				// a key can be a credential ({"sk_live_…": {...}}):
				// the path and name are shown, the key is not
				key := redactSegment(k.String())
				if r.IsArray() {
					// Array elements inherit the array's name: a
					// token in "tokens": [...] is still a token.
					walk(v, joinPath(path, key), name, depth+1)
				} else {
					walk(v, joinPath(path, key), key, depth+1)
				}
				return len(out) < o.MaxFields
			})
		case r.Type == gjson.Null:
		default:
			out = append(out, NewParam(name, r.String(), path))
		}
	}
	walk(gjson.Parse(text), "", "", 0)
	return out
}

func joinPath(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

// multipartFields reads the non-file parts of a multipart body.
func multipartFields(text, boundary string, o Options) []Param {
	mr := multipart.NewReader(strings.NewReader(text), boundary)
	var out []Param
	for len(out) < o.MaxFields {
		p, err := mr.NextPart()
		if err != nil {
			break
		}
		if p.FileName() != "" {
			continue
		}
		b, err := io.ReadAll(io.LimitReader(p, 64<<10))
		if err != nil {
			break
		}
		out = append(out, NewParam(p.FormName(), string(b), "multipart"))
	}
	return out
}

// DecodeBase64 decodes a body that claims to be base64, accepting standard
// and URL alphabets with or without padding, and bad padding. ok is false
// when none decode.
func DecodeBase64(s string) ([]byte, bool) {
	b, _, ok := DecodeBase64Encoding(s)
	return b, ok
}

// DecodeBase64Encoding is DecodeBase64, also returning the encoding that
// read s, so a rewrite (sanitize) can encode its result the same way and
// decodes exactly what the readers decode.
func DecodeBase64Encoding(s string) ([]byte, *base64.Encoding, bool) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, enc, true
		}
	}
	// Bad padding: strip it and try the raw alphabets once more.
	t := strings.TrimRight(s, "=")
	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(t); err == nil {
			return b, enc, true
		}
	}
	return nil, nil, false
}

// IsTextual reports whether a MIME type is worth decoding as text: JSON, XML,
// forms, text/*, and unknown types.
func IsTextual(mimeType string) bool {
	mt := strings.ToLower(mimeType)
	if mt == "" {
		return true
	}
	if strings.HasPrefix(mt, "text/") {
		return !strings.HasPrefix(mt, "text/css")
	}
	for _, s := range []string{"json", "xml", "x-www-form-urlencoded", "graphql", "problem", "multipart/form-data", "event-stream", "plain"} {
		if strings.Contains(mt, s) {
			return true
		}
	}
	return false
}
