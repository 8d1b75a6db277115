package secrets

import (
	"strings"
	"testing"
)

func TestParseMarker(t *testing.T) {
	m, ok := ParseMarker("<redacted:stripe:sk_live_:107:3f9a1c02b7d4>")
	if !ok || m != (Marker{Kind: "stripe", Prefix: "sk_live_", Len: 107, FP: "3f9a1c02b7d4"}) {
		t.Fatalf("%+v %v", m, ok)
	}
	for _, v := range []string{"<redacted>", "<redacted:sig::43:xyz>", "REDACTED", "<redacted:a:b:-1:3f9a1c02b7d4>", "<redacted:a:b:c:3f9a1c02b7d4>", "<redacted:a::1:3f9a1c02b7d4:x>", " <redacted:a::1:3f9a1c02b7d4>"} {
		if _, ok := ParseMarker(v); ok {
			t.Errorf("%q parsed as a marker", v)
		}
	}
}

func TestSanitizedValues(t *testing.T) {
	const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIiwiZXhwIjoxNzAwMDAzNjAwfQ.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl"
	raw := New(jwt)
	fp := raw.Fingerprint().Short()
	sanJWT := "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIiwiZXhwIjoxNzAwMDAzNjAwfQ.<redacted:sig::36:" + fp + ">"
	if !IsSanitized(sanJWT) || !IsSanitized("<redacted:jwt:eyJ:120:"+fp+">") || IsSanitized(jwt) || IsSanitized("REDACTED") {
		t.Errorf("IsSanitized")
	}
	// the same credential, sanitized or not, has one source fingerprint
	for _, s := range []Secret{New(sanJWT), New("<redacted:jwt:eyJ:120:" + fp + ">"), NewAuthorization("Bearer " + sanJWT), NewAuthorization(`Bearer "` + jwt + `"`)} {
		if got := s.SourceFingerprint(); got != fp {
			t.Errorf("%v: source fingerprint %s, want %s", s, got, fp)
		}
	}
	// a sanitized JWT keeps its claims, its signature length, and says
	// whether it was signed
	j, err := DecodeJWT(sanJWT)
	if err != nil || !j.SanitizedSignature || j.SigLen != 36 || j.Unsigned() || j.Subject() != "1" {
		t.Errorf("sanitized JWT: %+v %v", j, err)
	}
	if exp, ok := j.Expiry(); !ok || exp.Unix() != 1700003600 {
		t.Errorf("exp %v", exp)
	}
	u, err := DecodeJWT("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.<redacted:sig::0:" + fp + ">")
	if err != nil || !u.Unsigned() {
		t.Errorf("an unsigned JWT, sanitized, is still unsigned: %+v %v", u, err)
	}
	// display: what the marker stands for
	if got := New("<redacted:stripe:sk_live_:107:3f9a1c02b7d4>").String(); got != "sanitized stripe sk_live_…(107 chars) #3f9a1c02b7d4" {
		t.Errorf("display %q", got)
	}
	if k := New("<redacted:stripe:sk_live_:107:3f9a1c02b7d4>").SanitizedKind(); k != "stripe" {
		t.Errorf("kind %q", k)
	}
	// the prefix keeps its environment
	env, why := NewEnvResolver(nil).Credential(NewAuthorization("Bearer <redacted:stripe:sk_test_:32:3f9a1c02b7d4>"))
	if env != EnvSandbox || !strings.Contains(why, "sk_test_") {
		t.Errorf("environment of a sanitized key: %s %q", env, why)
	}
	if env, _ := NewEnvResolver(nil).Credential(New("<redacted:stripe:sk_live_:4:3f9a1c02b7d4>")); env != EnvUnknown {
		t.Errorf("a marker too short for its prefix's format: %s", env)
	}
}

// TestDetectorsSkipSanitized: the detectors find nothing in what sanitize
// writes, whatever the context.
func TestDetectorsSkipSanitized(t *testing.T) {
	const m = "<redacted:opaque::32:3f9a1c02b7d4>"
	const sj = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTEifQ.<redacted:sig::43:3f9a1c02b7d4>"
	for _, line := range []string{
		"Authorization: Bearer " + m, "Authorization: Bearer " + sj, `Authorization: Bearer "` + m + `"`,
		"GET /v1/me?access_token=" + sj + "&page=2 HTTP/1.1", "token=" + sj, `{"id_token":"` + sj + `"}`,
		"Cookie: sid=" + m + "; theme=" + m, "curl -u 'admin:" + m + "' https://x", "https://admin:%3Credacted%3Apassword%3A%3A12%3A3f9a1c02b7d4%3E@x.example.com/",
		`Authorization: Digest username="bob", realm="x", response="` + m + `"`, "password=" + m, "x " + sj + " y",
		"/x?api_key=" + m, "/v1/me?access_token=" + sj + "&page=2", `{"client_secret":"` + m + `"}`, "X-Api-Key: " + m,
	} {
		ScanLine([]byte(line), func(mt Match) {
			t.Errorf("%s: %s finds %s", line, mt.Detector, mt.Secret)
		})
	}
}
