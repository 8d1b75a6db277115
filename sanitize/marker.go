package sanitize

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/authtriage/authtriage/secrets"
)

// replacer turns credential values into their sanitized forms and reports
// every replacement. It is deterministic: the same value always becomes the
// same marker, so a token that appears in a header, a cookie array and a
// response body is still recognisably one token after sanitizing.
type replacer struct {
	drop   map[string]bool
	report func(Replacement)
	// where the values being replaced come from (for reports)
	entry, line int
	count       int
	known       knownValues
}

// Kinds a caller may know better than the value's shape.
const (
	kindCookie   secrets.Kind = "cookie"
	kindPassword secrets.Kind = "password"
)

// value returns the sanitized form of one bare credential value, and false
// when the value is kept: empty, a placeholder (undefined, ${TOKEN}: evidence,
// not a secret) or already redacted by this tool or another. hint replaces an
// opaque classification (basic, cookie, password). field says where the
// value was, for the report.
func (r *replacer) value(raw string, hint secrets.Kind, field, detector string) (string, bool) {
	if raw == "" || noAlnum(raw) || strings.Contains(strings.ToLower(raw), "%3credacted%3a") {
		// "-", "***": logs write these for an absent value; a marker
		// percent-encoded in URL userinfo is one already
		return raw, false
	}
	kind, prefix := secrets.Classify(raw)
	switch kind {
	case secrets.KindEmpty, secrets.KindPlaceholder, secrets.KindRedacted:
		return raw, false
	}
	fp := secrets.FingerprintOf(raw)
	var out string
	if kind == secrets.KindJWT {
		var ok bool
		if out, ok = r.jwt(raw, fp); !ok {
			return raw, false
		}
	} else {
		if hint != "" && kind == secrets.KindOpaque {
			kind = hint
		}
		out = secrets.SanitizedMarker(string(kind), prefix, len(raw), fp)
	}
	d := r.note(kind, prefix, len(raw), fp, field, detector)
	r.known.add(raw, out, string(kind), d)
	// A JWT's signature alone is a secret too: another copy of the token
	// with a mangled header or payload (a log that cut, split or escaped
	// it) still carries it, and is replaced as a known value.
	if sig := jwtSignature(raw); len(sig) >= 16 && !secrets.IsRedactionMarker(sig) {
		r.known.add(sig, secrets.SanitizedMarker("sig", "", len(sig), fp), string(kind), d)
	}
	return out, true
}

// note reports one replacement in display form only, and returns that form.
func (r *replacer) note(kind secrets.Kind, prefix string, n int, fp secrets.Fingerprint, field, detector string) string {
	r.count++
	d := display(kind, prefix, n, fp)
	if r.report != nil {
		r.report(Replacement{Entry: r.entry, Line: r.line, Field: field, Kind: string(kind), Detector: detector, Display: d})
	}
	return d
}

// known replaces, in s, the credentials already replaced elsewhere.
func (r *replacer) applyKnown(s, field string) string {
	return r.known.apply(s, func(v knownValue) {
		r.count++
		if r.report != nil {
			r.report(Replacement{Entry: r.entry, Line: r.line, Field: field, Kind: v.kind, Detector: "same-value", Display: v.display})
		}
	})
}

// display is the redacted display form: "stripe sk_live_…(107 chars) #3f9a1c02b7d4".
func display(kind secrets.Kind, prefix string, n int, fp secrets.Fingerprint) string {
	var b strings.Builder
	b.WriteString(string(kind))
	b.WriteByte(' ')
	if prefix != "" {
		b.WriteString(prefix)
		b.WriteString("…")
	}
	b.WriteString("(" + strconv.Itoa(n) + " chars) #" + fp.Short())
	return b.String()
}

// jwt keeps a JWT's header and payload and replaces its signature with
// <redacted:sig::LEN:FP>, where LEN is the signature's length (0 for an
// unsigned token, which stays recognisably unsigned) and FP the fingerprint
// of the whole token — the one analyze shows for it. With --drop-claims the
// payload is re-encoded without the named claims.
func (r *replacer) jwt(raw string, fp secrets.Fingerprint) (string, bool) {
	h, rest, ok1 := strings.Cut(raw, ".")
	p, sig, ok2 := strings.Cut(rest, ".")
	if !ok1 || !ok2 || strings.Contains(sig, ".") && !strings.HasPrefix(sig, "<") {
		return secrets.SanitizedMarker(string(secrets.KindJWT), "eyJ", len(raw), fp), true
	}
	payload := p
	if len(r.drop) > 0 {
		if np, ok := dropClaims(p, r.drop); ok {
			payload = np
		}
	}
	if secrets.IsRedactionMarker(sig) {
		// already sanitized (by us or another tool): only claims to drop
		if payload == p {
			return raw, false
		}
		return h + "." + payload + "." + sig, true
	}
	return h + "." + payload + "." + secrets.SanitizedMarker("sig", "", len(sig), fp), true
}

// jwtSignature is the last segment of a JWT-shaped value (eyJ…, three
// segments or more: a well-formed token, or a mangled one classified as
// opaque), else "".
func jwtSignature(raw string) string {
	if !strings.HasPrefix(raw, "eyJ") || strings.Count(raw, ".") < 2 {
		return ""
	}
	return raw[strings.LastIndexByte(raw, '.')+1:]
}

// dropClaims re-encodes a JWT payload without the named top-level claims,
// keeping the others in their order. ok is false when nothing was dropped
// (the segment then stays byte for byte as it was).
func dropClaims(seg string, drop map[string]bool) (string, bool) {
	dec, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(seg, "="))
	if err != nil {
		return seg, false
	}
	root, err := parseJSON(dec)
	if err != nil || root.typ != '{' {
		return seg, false
	}
	var b []byte
	b = append(b, '{')
	dropped := false
	kept := 0
	for i, k := range root.keys {
		if drop[k] {
			dropped = true
			continue
		}
		if kept > 0 {
			b = append(b, ',')
		}
		kept++
		b = appendJSONString(b, k)
		b = append(b, ':')
		v := root.kids[i]
		b = append(b, dec[v.start:v.end]...)
	}
	b = append(b, '}')
	if !dropped {
		return seg, false
	}
	return base64.RawURLEncoding.EncodeToString(b), true
}

func noAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80 {
			return false
		}
	}
	return true
}
