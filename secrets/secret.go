package secrets

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// shape says what a Secret's raw value is, which decides how it is displayed.
type shape uint8

const (
	shapeValue         shape = iota // a bare credential: token, key, password
	shapeAuthorization              // an Authorization-style header value: scheme + credential
	shapeCookie                     // a Cookie or Set-Cookie header value
)

// Secret holds a credential. Its raw value is reachable only through Reveal;
// String, Format, GoString, MarshalJSON and MarshalText all yield the display
// form, so printing a Secret can never leak it.
//
// The zero Secret is empty and displays as "(none)".
type Secret struct {
	d *secretData
}

type secretData struct {
	raw    string
	shape  shape
	kind   Kind
	prefix string
	fp     Fingerprint
	auth   *Authorization // parsed once for shapeAuthorization
}

// New wraps a bare credential value (a token, an API key, a password).
func New(raw string) Secret {
	if raw == "" {
		return Secret{}
	}
	raw = strings.Clone(raw) // owned: a Secret must not pin the line it was read from
	k, p := Classify(raw)
	return Secret{&secretData{raw: raw, shape: shapeValue, kind: k, prefix: p, fp: FingerprintOf(raw)}}
}

// NewAuthorization wraps the value of an Authorization or Proxy-Authorization
// header. The scheme words stay visible in the display form; the credential
// after them does not.
func NewAuthorization(raw string) Secret {
	if raw == "" {
		return Secret{&secretData{shape: shapeAuthorization, kind: KindEmpty, auth: &Authorization{Credential: Secret{&secretData{kind: KindEmpty}}}}}
	}
	raw = strings.Clone(raw) // owned, and the parts below are slices of it
	a := ParseAuthorization(raw)
	k, p := a.Credential.Kind(), a.Credential.Prefix()
	return Secret{&secretData{raw: raw, shape: shapeAuthorization, kind: k, prefix: p, fp: FingerprintOf(raw), auth: &a}}
}

// NewCookie wraps a Cookie or Set-Cookie header value. Cookie names stay
// visible (they say which session is meant); values do not.
func NewCookie(raw string) Secret {
	if raw == "" {
		return Secret{}
	}
	raw = strings.Clone(raw)
	return Secret{&secretData{raw: raw, shape: shapeCookie, kind: KindCookie, fp: FingerprintOf(raw)}}
}

// IsZero reports whether s holds nothing at all (not even an empty header).
func (s Secret) IsZero() bool { return s.d == nil }

// Empty reports whether the raw value is empty.
func (s Secret) Empty() bool { return s.d == nil || s.d.raw == "" }

// Reveal returns the raw value. Only rules, detectors and the sanitizer call
// it, to inspect a value; nothing that writes output may.
func (s Secret) Reveal() string {
	if s.d == nil {
		return ""
	}
	return s.d.raw
}

// Len is the length of the raw value in bytes.
func (s Secret) Len() int {
	if s.d == nil {
		return 0
	}
	return len(s.d.raw)
}

// Kind is the credential's kind (jwt, stripe, github, basic, opaque, ...).
func (s Secret) Kind() Kind {
	if s.d == nil {
		return KindEmpty
	}
	return s.d.kind
}

// Prefix is the public prefix of the format (sk_live_, ghp_, eyJ), or "".
func (s Secret) Prefix() string {
	if s.d == nil {
		return ""
	}
	return s.d.prefix
}

// Fingerprint is the keyed hash of the raw value; zero for an empty Secret.
func (s Secret) Fingerprint() Fingerprint {
	if s.d == nil || s.d.raw == "" {
		return Fingerprint{}
	}
	return s.d.fp
}

// Authorization returns the parsed header value for a Secret made by
// NewAuthorization, or a parse of the raw value otherwise.
func (s Secret) Authorization() Authorization {
	if s.d == nil {
		return Authorization{}
	}
	if s.d.auth != nil {
		return *s.d.auth
	}
	return ParseAuthorization(s.d.raw)
}

// Redacted reports whether the value is already a redaction marker written by
// this tool or another (REDACTED, <redacted:...>, ****, sk_test_****9xQz):
// such a value is neither a leak nor a malformed credential.
func (s Secret) Redacted() bool { return s.d != nil && s.d.kind == KindRedacted }

// String returns the display form, e.g. "Bearer jwt eyJ…(243 chars) #3f9a1c02b7d4".
func (s Secret) String() string {
	if s.d == nil {
		return "(none)"
	}
	switch s.d.shape {
	case shapeAuthorization:
		return s.d.auth.display()
	case shapeCookie:
		return displayCookie(s.d.raw, s.d.fp)
	}
	return displayValue(s.d.raw, s.d.kind, s.d.prefix, s.d.fp)
}

// Format makes every fmt verb print the display form.
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		fmt.Fprint(f, strconv.Quote(s.String()))
		return
	}
	fmt.Fprint(f, s.String())
}

// GoString keeps %#v from dumping the struct.
func (s Secret) GoString() string { return "secrets.Secret(" + strconv.Quote(s.String()) + ")" }

// MarshalJSON writes the display form as a JSON string.
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// MarshalText writes the display form.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Sanitized is the form `sanitize` writes into files:
// <redacted:KIND:PREFIX:LEN:FP>. A value that is already a redaction marker
// is kept as it is.
func (s Secret) Sanitized() string {
	if s.d == nil || s.d.raw == "" {
		return ""
	}
	if s.d.kind == KindRedacted {
		return s.d.raw
	}
	return SanitizedMarker(string(s.d.kind), s.d.prefix, len(s.d.raw), s.d.fp)
}

// redactedWordTail shows a REDACTED-word marker (hidden:…, masked-…) with
// its tail only when the tail reads as a name (REDACTED_TOKEN): anything
// else after the word may be what was meant to be hidden (hidden:Tr0ub4dor3),
// and is shown by length. A hex tail is the redacting tool's digest.
func redactedWordTail(raw string) string {
	v := strings.TrimSpace(raw)
	if !reRedactedWord.MatchString(v) {
		return raw
	}
	i := strings.IndexAny(v, "_:-")
	if tail := v[i+1:]; i < 0 || nameLike(tail) || allHex(tail) {
		return raw // REDACTED_TOKEN, or a digest: REDACTED_3b1f
	}
	return v[:i+1] + "…(" + strconv.Itoa(len(v)-i-1) + " chars)"
}

// maskedShown shows a partly masked value (sk_test_****9xQz, P@ss***word1)
// as its known provider prefix, the mask and its length: what the masking
// tool left in clear may be most of a short password.
func maskedShown(raw string) string {
	v := strings.TrimSpace(raw)
	start, n := firstMaskRun(v)
	if n == 0 || n == len(v) {
		return raw
	}
	shown := ""
	if start > 0 {
		if knownPrefix(v[:start]) {
			shown = v[:start]
		} else {
			shown = "…"
		}
	}
	return shown + v[start:start+n] + "…(" + strconv.Itoa(len(v)) + " chars)"
}

func allHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isHex(s[i]) {
			return false
		}
	}
	return true
}

// SanitizedMarker builds <redacted:KIND:PREFIX:LEN:FP>.
func SanitizedMarker(kind, prefix string, n int, fp Fingerprint) string {
	return "<redacted:" + kind + ":" + prefix + ":" + strconv.Itoa(n) + ":" + fp.Short() + ">"
}

// displayValue renders a bare credential: kind, public prefix, length, fingerprint.
func displayValue(raw string, k Kind, prefix string, fp Fingerprint) string {
	switch k {
	case KindEmpty:
		return "(empty)"
	case KindRedacted, KindPlaceholder:
		if m, ok := ParseMarker(raw); ok {
			// sanitize's marker: what it stands for, in the usual form,
			// "sanitized stripe sk_live_…(107 chars) #3f9a1c02b7d4". Its
			// kind and prefix are shown only as sanitize writes them: a
			// look-alike could carry anything there.
			kind, p := m.Kind, ""
			if m.Prefix != "" {
				p = m.Prefix + "…"
			}
			if !markerKindWord(m.Kind) || m.Prefix != "" && !knownPrefix(m.Prefix) {
				kind, p = "credential", ""
			}
			return "sanitized " + kind + " " + p + "(" + strconv.Itoa(m.Len) + " chars) #" + m.FP
		}
		// Markers and placeholders carry no secret; showing them tells the
		// reader what was sent. Long ones are cut, and words that look like
		// credentials are scrubbed: REDACTED-… or a template can wrap
		// anything. A placeholder that does not read as a name
		// (${9f8e7d6c…}) is shown like a credential, below.
		if k == KindRedacted || plainPlaceholder(raw) {
			return string(k) + " " + strconv.Quote(cut(ScrubText(maskedShown(redactedWordTail(raw))), 40))
		}
	}
	var b strings.Builder
	b.WriteString(string(k))
	b.WriteByte(' ')
	if prefix != "" {
		b.WriteString(prefix)
		b.WriteString("…")
	}
	b.WriteString("(")
	b.WriteString(strconv.Itoa(len(raw)))
	b.WriteString(" chars) #")
	b.WriteString(fp.Short())
	return b.String()
}

// displayCookie shows cookie names and the fingerprint of the whole value.
func displayCookie(raw string, fp Fingerprint) string {
	var names []string
	for _, part := range strings.Split(raw, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, val, ok := strings.Cut(part, "=")
		if !ok || !isTokenName(name) || strings.Trim(val, "=") == "" {
			// "dXNlcjpwYXNz==": a bare token whose base64 padding
			// looks like a pair; its "name" is the credential. The
			// same test as the rules' cookie split, so nothing they
			// call a bare token is ever shown as a name.
			continue
		}
		names = append(names, name)
		if len(names) == 8 {
			names = append(names, "…")
			break
		}
	}
	return "cookie [" + strings.Join(names, ", ") + "] (" + strconv.Itoa(len(raw)) + " chars) #" + fp.Short()
}

// isTokenName reports whether s is a plausible cookie or parameter name, the
// only part of such a pair ever shown.
func isTokenName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_.[]$:", c) >= 0) {
			return false
		}
	}
	return true
}

func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
