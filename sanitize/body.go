package sanitize

import (
	"bytes"
	"mime"
	"strings"
	"unicode/utf8"

	"github.com/authtriage/authtriage/parsers"
	"github.com/authtriage/authtriage/secrets"
)

// body sanitizes a decoded request or response body by its type: the
// credential-named fields of a JSON document (access_token, refresh_token,
// id_token of a token endpoint's answer, a password in a login call), of a
// form or of a multipart body; then whatever the detectors find in any body.
func (r *replacer) body(mimeType, text, field string) string {
	if text == "" {
		return text
	}
	mt, params, _ := mime.ParseMediaType(mimeType)
	mt = strings.ToLower(mt)
	if mt == "" {
		mt = strings.ToLower(strings.TrimSpace(strings.Split(mimeType, ";")[0]))
	}
	trimmed := strings.TrimSpace(text)
	jsonish := strings.HasPrefix(trimmed, "{") || strings.HasPrefix(trimmed, "[")
	switch {
	case jsonish && !strings.HasPrefix(mt, "multipart/") && mt != "application/x-www-form-urlencoded":
		if root, err := parseJSON([]byte(text)); err == nil {
			r.jsonTree(root, field)
			text = string(root.render([]byte(text)))
		}
	case mt == "application/x-www-form-urlencoded" || (mt == "" || mt == "text/plain") && looksLikeForm(trimmed):
		text = r.query(text, field)
	case strings.HasPrefix(mt, "multipart/") && params["boundary"] != "":
		text = r.multipart(text, params["boundary"], field)
	}
	return r.detect(text, field)
}

// looksLikeForm: a=b&c=d with no blanks or markup.
func looksLikeForm(s string) bool {
	return strings.Contains(s, "=") && !strings.ContainsAny(s, " \n<{\"")
}

// jsonTree replaces, in a parsed JSON document, the string values of
// credential-named members (at any depth, also in arrays they hold) and
// sanitizes URLs held as values.
func (r *replacer) jsonTree(root *jnode, field string) {
	root.walkStrings("", func(key string, n *jnode) {
		v := n.str()
		f := field
		if key != "" {
			f = field + " " + key
		}
		switch {
		case credentialField(key, v):
			v = r.whole(v, "", f)
		case key != "" && secrets.IsAuthorizationHeader(key):
			v = r.authorization(v, f)
		case key != "" && (strings.EqualFold(key, "cookie") || strings.EqualFold(key, "set-cookie")):
			v = r.header(key, v, f)
		case strings.HasPrefix(v, "https://") || strings.HasPrefix(v, "http://"):
			v = r.url(v, f)
		}
		n.set(r.detect(v, f))
	})
}

// multipart replaces the values of credential-named, non-file parts.
func (r *replacer) multipart(text, boundary, field string) string {
	delim := "--" + boundary
	parts := strings.Split(text, delim)
	for i := 1; i < len(parts); i++ {
		p := parts[i]
		sep := "\r\n\r\n"
		hdrEnd := strings.Index(p, sep)
		if hdrEnd < 0 {
			sep = "\n\n"
			if hdrEnd = strings.Index(p, sep); hdrEnd < 0 {
				continue
			}
		}
		hdr := p[:hdrEnd]
		name := dispositionParam(hdr, "name")
		if name == "" || dispositionParam(hdr, "filename") != "" || !secrets.IsCredentialParam(name) {
			continue
		}
		body := p[hdrEnd+len(sep):]
		// the part's value ends before the line break that precedes the
		// next delimiter
		tail := ""
		if strings.HasSuffix(body, "\r\n") {
			body, tail = body[:len(body)-2], "\r\n"
		} else if strings.HasSuffix(body, "\n") {
			body, tail = body[:len(body)-1], "\n"
		}
		parts[i] = p[:hdrEnd+len(sep)] + r.whole(body, "", field+" "+name) + tail
	}
	return strings.Join(parts, delim)
}

// dispositionParam reads name="x" from a part's Content-Disposition.
func dispositionParam(hdr, param string) string {
	for _, line := range strings.Split(hdr, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(strings.ToLower(line), "content-disposition:") {
			continue
		}
		_, ps, err := mime.ParseMediaType(strings.TrimSpace(line[len("content-disposition:"):]))
		if err != nil {
			return ""
		}
		return ps[param]
	}
	return ""
}

// encodedBody sanitizes a HAR body that may be base64 (encoding "base64"):
// decoded, sanitized and re-encoded in the same alphabet. A body that does
// not decode, or decodes to binary (an image, gzip), keeps its text; the
// detectors still read that text.
func (r *replacer) encodedBody(mimeType, text, encoding, field string) string {
	if !strings.EqualFold(strings.TrimSpace(encoding), "base64") {
		return r.body(mimeType, text, field)
	}
	dec, enc, ok := parsers.DecodeBase64Encoding(text)
	if !ok {
		return r.detect(text, field)
	}
	if !parsers.IsTextual(mimeType) && !(utf8.Valid(dec) && bytes.IndexByte(dec, 0) < 0) {
		return text
	}
	out := r.body(mimeType, string(dec), field)
	if out == string(dec) {
		return text
	}
	return enc.EncodeToString([]byte(out))
}
