package secrets

import (
	"strconv"
	"strings"
)

// Marker is what a sanitized marker <redacted:KIND:PREFIX:LEN:FP> says about
// the credential it replaced: its kind, public prefix, length and the short
// fingerprint of the original value. It holds no secret.
type Marker struct {
	Kind   string
	Prefix string
	Len    int
	// FP is the 12 hex characters of the original value's fingerprint.
	FP string
}

// ParseMarker reads a marker written by `authtriage sanitize`. Other tools'
// redactions (REDACTED, <redacted>, ****) are not Markers: they say nothing
// about what they replaced.
func ParseMarker(v string) (Marker, bool) {
	if len(v) < len("<redacted::::>") || !strings.HasPrefix(v, "<redacted:") || v[len(v)-1] != '>' {
		return Marker{}, false
	}
	parts := strings.Split(v[len("<redacted:"):len(v)-1], ":")
	if len(parts) != 4 {
		return Marker{}, false
	}
	n, err := strconv.Atoi(parts[2])
	if err != nil || n < 0 || !isShortHex(parts[3]) {
		return Marker{}, false
	}
	for _, p := range parts[:2] {
		if strings.ContainsAny(p, "<> \t\r\n") {
			return Marker{}, false
		}
	}
	return Marker{Kind: parts[0], Prefix: parts[1], Len: n, FP: parts[3]}, true
}

// markerKindWord reports a KIND as sanitize writes it: a Kind, lower-case
// letters, digits and dashes (jwt, stripe-publishable, private-key).
func markerKindWord(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// knownPrefix reports a PREFIX sanitize can write: a row of the prefix
// table, or the JWT and legacy OpenAI prefixes Classify returns.
func knownPrefix(s string) bool {
	if s == "eyJ" || s == "sk-" {
		return true
	}
	for _, p := range prefixesByByte[s[0]] {
		if p.prefix == s {
			return true
		}
	}
	return false
}

func isShortHex(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// IsSanitized reports whether v is a value `authtriage sanitize` wrote in
// place of a credential: a marker, or a JWT whose signature is a marker.
// Unlike other tools' redactions, it stands for a credential that was
// really there, of a known kind.
func IsSanitized(v string) bool {
	if _, ok := ParseMarker(v); ok {
		return true
	}
	if _, _, sig, ok := splitJWT(v); ok {
		_, ok := ParseMarker(sig)
		return ok
	}
	return false
}

// markerText is the credential as sanitize would have replaced it: the
// Authorization value's credential, without the quotes and blanks sanitize
// keeps outside its marker.
func markerText(s Secret) string {
	return trimCredential(credentialText(s))
}

// SourceFingerprint is the short fingerprint of the credential as it was
// before sanitization: the FP a sanitized marker (or a sanitized JWT's
// signature marker) carries, else the fingerprint of the value itself. Two
// captures of the same credential, one sanitized and one not, compare equal.
func (s Secret) SourceFingerprint() string {
	if s.d == nil || s.d.raw == "" {
		return ""
	}
	t := markerText(s)
	if t == "" {
		return ""
	}
	if m, ok := ParseMarker(t); ok {
		return m.FP
	}
	if _, _, sig, ok := splitJWT(t); ok {
		if m, ok := ParseMarker(sig); ok {
			return m.FP
		}
	}
	if t == s.d.raw {
		return s.d.fp.Short()
	}
	return FingerprintOf(t).Short()
}

// SanitizedKind is the kind of the credential a sanitized value stands for
// (the KIND of its marker, jwt for a sanitized JWT), else the value's own
// kind.
func (s Secret) SanitizedKind() Kind {
	if m, ok := ParseMarker(markerText(s)); ok {
		return Kind(m.Kind)
	}
	return s.Kind()
}
