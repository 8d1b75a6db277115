package secrets

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// JWT is what can be read from a token without verifying it. It never holds
// the signature.
type JWT struct {
	Header map[string]any
	Claims map[string]any
	// Encrypted is true for a JWE (5 segments): its claims are unreadable.
	Encrypted bool
	// EmptySignature is true when the third segment is empty (alg none or a
	// stripped signature).
	EmptySignature bool
	// SanitizedSignature is true when the signature was replaced by a
	// redaction marker (sanitize's output, Cloudflare's "redacted").
	SanitizedSignature bool
	// SigLen is the length of the signature segment.
	SigLen int
}

// splitJWT splits a compact JWS into its three segments.
func splitJWT(s string) (header, payload, sig string, ok bool) {
	h, rest, ok1 := strings.Cut(s, ".")
	p, sg, ok2 := strings.Cut(rest, ".")
	if !ok1 || !ok2 || !strings.HasPrefix(h, "eyJ") || !isB64URL(h) || !isB64URL(p) {
		return "", "", "", false
	}
	return h, p, sg, true
}

func isB64URL(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '=') {
			return false
		}
	}
	return true
}

// DecodeJWT reads the header and claims of a compact JWS (3 segments) or
// recognises a JWE (5 segments). It does not verify anything.
//
// golang-jwt's ParseUnverified decodes the signature segment too, so a token
// whose signature was replaced by a marker is decoded from its split segments
// instead.
func DecodeJWT(s string) (*JWT, error) {
	s = strings.TrimSpace(s)
	if strings.Count(s, ".") == 4 && strings.HasPrefix(s, "eyJ") {
		hdr, _, _ := strings.Cut(s, ".")
		j := &JWT{Encrypted: true}
		if err := decodeSegment(hdr, &j.Header); err != nil {
			return nil, fmt.Errorf("jwe header: %w", err)
		}
		return j, nil
	}
	h, p, sig, ok := splitJWT(s)
	if !ok {
		return nil, fmt.Errorf("not a compact JWS")
	}
	j := &JWT{SigLen: len(sig), EmptySignature: sig == "", SanitizedSignature: sig != "" && IsRedactionMarker(sig)}
	if m, ok := ParseMarker(sig); ok {
		// sanitize's marker keeps the signature's length: 0 says the
		// token was unsigned before it was sanitized.
		j.SigLen, j.EmptySignature = m.Len, m.Len == 0
	}
	if !j.EmptySignature && !j.SanitizedSignature && isB64URL(sig) {
		claims := jwt.MapClaims{}
		parser := jwt.NewParser(jwt.WithJSONNumber())
		tok, _, err := parser.ParseUnverified(s, claims)
		if err == nil {
			j.Header = tok.Header
			j.Claims = claims
			return j, nil
		}
	}
	if err := decodeSegment(h, &j.Header); err != nil {
		return nil, fmt.Errorf("jwt header: %w", err)
	}
	if err := decodeSegment(p, &j.Claims); err != nil {
		return nil, fmt.Errorf("jwt payload: %w", err)
	}
	return j, nil
}

func decodeSegment(seg string, into *map[string]any) error {
	b, err := jwt.NewParser().DecodeSegment(strings.TrimRight(seg, "="))
	if err != nil {
		return err
	}
	d := json.NewDecoder(strings.NewReader(string(b)))
	d.UseNumber()
	return d.Decode(into)
}

// Alg is the header's alg, "" when absent.
func (j *JWT) Alg() string { return str(j.Header["alg"]) }

// Unsigned reports alg none or an empty signature — not a sanitized one,
// unless the header says alg none or sanitize's marker says the signature
// was empty before (<redacted:sig::0:fp>).
func (j *JWT) Unsigned() bool {
	if j.Encrypted {
		return false
	}
	return strings.EqualFold(j.Alg(), "none") || j.EmptySignature
}

// Issuer, Subject, ClientID read the usual claims.
func (j *JWT) Issuer() string  { return str(j.Claims["iss"]) }
func (j *JWT) Subject() string { return str(j.Claims["sub"]) }
func (j *JWT) ClientID() string {
	for _, k := range []string{"client_id", "azp", "cid", "appid"} {
		if v := str(j.Claims[k]); v != "" {
			return v
		}
	}
	return ""
}

// Audience is aud as a list (it may be a string or an array).
func (j *JWT) Audience() []string { return strs(j.Claims["aud"]) }

// Scopes merges scope (space separated), scp (string or array), roles and
// permissions.
func (j *JWT) Scopes() []string {
	var out []string
	for _, k := range []string{"scope", "scp", "scopes", "roles", "permissions"} {
		for _, v := range strs(j.Claims[k]) {
			out = append(out, strings.Fields(v)...)
		}
	}
	return out
}

// Expiry, NotBefore and IssuedAt return the time claims when present.
func (j *JWT) Expiry() (time.Time, bool)    { return numTime(j.Claims["exp"]) }
func (j *JWT) NotBefore() (time.Time, bool) { return numTime(j.Claims["nbf"]) }
func (j *JWT) IssuedAt() (time.Time, bool)  { return numTime(j.Claims["iat"]) }

// Summary lists the header fields and claims that matter for diagnosis, in a
// fixed order: alg, typ, iss, aud, sub, scope (scope, scp, scopes, roles,
// permissions), client_id (client_id, azp, cid, appid), iat, nbf, exp. No
// other claim, and never the signature.
func (j *JWT) Summary() string {
	if j.Encrypted {
		return "encrypted JWT (JWE) alg=" + j.Alg() + " enc=" + str(j.Header["enc"])
	}
	var parts []string
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, k+"="+cut(v, 80))
		}
	}
	add("alg", j.Alg())
	add("typ", str(j.Header["typ"]))
	add("iss", j.Issuer())
	add("aud", strings.Join(j.Audience(), ","))
	add("sub", j.Subject())
	if sc := j.Scopes(); len(sc) > 0 {
		add("scope", strings.Join(sc, " "))
	}
	add("client_id", j.ClientID())
	for _, k := range []string{"iat", "nbf", "exp"} {
		if t, ok := numTime(j.Claims[k]); ok {
			add(k, t.UTC().Format(time.RFC3339))
		}
	}
	return strings.Join(parts, " ")
}

// str reads a scalar claim. An object or array is not one: printing it
// would show whatever it nests (an email, a name) under an allowed claim's
// name.
func str(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case bool, float64:
		return fmt.Sprint(x)
	}
	return ""
}

func strs(v any) []string {
	switch x := v.(type) {
	case string:
		if x == "" {
			return nil
		}
		return []string{x}
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s := str(e); s != "" {
				out = append(out, s)
			}
		}
		return out
	case []string:
		return x
	}
	return nil
}

func numTime(v any) (time.Time, bool) {
	var f float64
	switch x := v.(type) {
	case json.Number:
		g, err := x.Float64()
		if err != nil {
			return time.Time{}, false
		}
		f = g
	case float64:
		f = x
	default:
		return time.Time{}, false
	}
	if math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > 1e11 {
		return time.Time{}, false
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC(), true
}
