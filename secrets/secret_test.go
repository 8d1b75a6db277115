package secrets

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

const testJWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwic3ViIjoidXNlci0xMjM0IiwiYXVkIjoiaHR0cHM6Ly9hcGkuZXhhbXBsZS5jb20iLCJzY29wZSI6InJlYWQ6dXNlcnMiLCJpYXQiOjE3MDAwMDAwMDAsImV4cCI6MTcwMDAwMzYwMH0.tfjTLUFs-Guhy_zz-X7OyW1m3NvzEU68-CuRwwKXEhM"

// renderings returns every way a Secret can end up in output.
func renderings(s Secret) []string {
	j, _ := json.Marshal(s)
	t, _ := s.MarshalText()
	type wrap struct{ S Secret }
	w, _ := json.Marshal(wrap{s})
	return []string{s.String(), fmt.Sprint(s), fmt.Sprintf("%v %s %q %+v %#v %x", s, s, s, s, s, s),
		fmt.Sprintf("%v %+v %#v", wrap{s}, wrap{s}, wrap{s}), string(j), string(t), string(w), s.GoString()}
}

func TestSecretNeverRendersRaw(t *testing.T) {
	raws := []string{testJWT, "sk_live_51HxEXAMPLEabcdefghijklmnopqrstu", "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB", "CANARY-opaque-9f8e7d6c5b4a3928", "$CANARYPa55w0rd9f8e7d6c"}
	for _, raw := range raws {
		for _, s := range []Secret{New(raw), NewAuthorization("Bearer " + raw), NewAuthorization("Bearer Bearer " + raw), NewCookie("sid=" + raw + "; theme=dark")} {
			for _, r := range renderings(s) {
				if strings.Contains(r, raw) || strings.Contains(r, raw[len(raw)-12:]) {
					t.Fatalf("rendering leaks the secret: %q", r)
				}
			}
			if s.Reveal() == "" {
				t.Fatal("Reveal lost the value")
			}
		}
	}
}

func TestDisplayForm(t *testing.T) {
	tests := []struct {
		s    Secret
		want string
	}{
		{NewAuthorization("Bearer " + testJWT), "Bearer jwt eyJ…(" + fmt.Sprint(len(testJWT)) + " chars) #"},
		{NewAuthorization("Bearer Bearer abc"), "Bearer Bearer opaque (3 chars) #"},
		{NewAuthorization("Bearer: abcdef"), "Bearer: opaque (6 chars) #"},
		{NewAuthorization("Basic dXNlcjpwYXNz"), "Basic basic (12 chars) #"},
		{NewAuthorization("token REDACTED_3b1f"), `token redacted "REDACTED_3b1f"`},
		{New("hidden:Tr0ub4dor3Xyz"), `redacted "hidden:…(13 chars)"`},
		{New("masked-value"), `redacted "masked-value"`},
		{New("P@ss***word1"), `redacted "…***…(12 chars)"`},
		{New("sk_test_****9xQz"), `redacted "sk_test_****…(16 chars)"`},
		{New("****"), `redacted "****"`},
		{New("<redacted:stripe:sk_live_:107:3f9a1c02b7d4>"), "sanitized stripe sk_live_…(107 chars) #3f9a1c02b7d4"},
		// look-alikes of a marker show no more than a marker would
		{New("<redacted:ghp0123456789abcdefghijklmnopqrstuvwxyzAB::40:3f9a1c02b7d4>"), "sanitized credential (40 chars) #3f9a1c02b7d4"},
		{New("<redacted:opaque:9f8e7d6c5b4a3928:40:3f9a1c02b7d4>"), "sanitized credential (40 chars) #3f9a1c02b7d4"},
		{New("REDACTED-9f8e7d6c5b4a39281706f5e4d3c2b1a0"), `redacted "<redacted>"`},
		{NewAuthorization("Bearer undefined"), `Bearer placeholder "undefined"`},
		{NewAuthorization("Bearer {{accessToken}}"), `Bearer placeholder "{{accessToken}}"`},
		{New("${API_KEY}"), `placeholder "${API_KEY}"`},
		// the shape of $NAME, the look of a password: a credential
		{New("$ecretPassw0rd"), "opaque (14 chars) #"},
		{NewAuthorization("Bearer $TOKEN"), `Bearer placeholder "$TOKEN"`},
		// template syntax around a random string: a placeholder, not shown
		{New("{xYzAbCdEfGh}"), "placeholder (13 chars) #"},
		{New("${9f8e7d6c5b4a39281706f5e4}"), "placeholder (27 chars) #"},
		{NewAuthorization("Bearer"), "Bearer (empty)"},
		{NewAuthorization(""), "(empty)"},
		{New("sk_test_4eC39HqLyjWDarjtT1zdp7dc"), "stripe sk_test_…(32 chars) #"},
		{NewCookie("session=abc; csrftoken=def"), "cookie [session, csrftoken] (26 chars) #"},
		// a bare base64 token is no pair: its "name" is not shown
		{NewCookie("dGhpc2lzYXNlY3JldHRva2VuMTIz=="), "cookie [] (30 chars) #"},
		{NewCookie("wordpress_logged_in_5c1f8a6e7c2d9b1a=admin%7C1700"), "cookie [wordpress_logged_in_5c1f8a6e7c2d9b1a] (49 chars) #"},
		{Secret{}, "(none)"},
	}
	for _, tt := range tests {
		if got := tt.s.String(); !strings.HasPrefix(got, tt.want) {
			t.Errorf("got %q, want prefix %q", got, tt.want)
		}
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		raw    string
		kind   Kind
		prefix string
	}{
		{testJWT, KindJWT, "eyJ"},
		{"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.<redacted:sig::43:3f9a1c02b7d4>", KindJWT, "eyJ"},
		{"eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a.b.c.d", KindJWE, "eyJ"},
		{"eyJhbm9ueW1vdXMiOnRydWV9", KindOpaque, ""},
		{"sk_live_51HxEXAMPLEabcdefghijklmn", "stripe", "sk_live_"},
		{"ghp_0123456789abcdefghijklmnopqrstuvwxyzAB", "github", "ghp_"},
		{"xoxb-123456789012-abcdefghijkl", "slack", "xoxb-"},
		{"AKIAIOSFODNN7EXAMPLE", "aws", "AKIA"},
		{"REDACTED", KindRedacted, ""},
		{"[REDACTED]", KindRedacted, ""},
		{"<redacted:stripe:sk_live_:107:3f9a1c02b7d4>", KindRedacted, ""},
		{"sk_test_****9xQz", KindRedacted, ""},
		{"****", KindRedacted, ""},
		{"[Authorization redacted]", KindRedacted, ""},
		{"undefined", KindPlaceholder, ""},
		{"${TOKEN}", KindPlaceholder, ""},
		{"$API_KEY", KindPlaceholder, ""},
		{"%TOKEN%", KindPlaceholder, ""},
		{"{{token}}", KindPlaceholder, ""},
		{"<token>", KindPlaceholder, ""},
		{"YOUR_ACCESS_TOKEN", KindPlaceholder, ""},
		{"your-api-key-here", KindPlaceholder, ""},
		{"9f8e7d6c5b4a39281706f5e4", KindOpaque, ""},
		{"", KindEmpty, ""},
	}
	for _, tt := range tests {
		k, p := Classify(tt.raw)
		if k != tt.kind || p != tt.prefix {
			t.Errorf("Classify(%q) = %s %q, want %s %q", tt.raw, k, p, tt.kind, tt.prefix)
		}
	}
}

func TestParseAuthorization(t *testing.T) {
	tests := []struct {
		in      string
		schemes string
		colon   bool
		cred    string
		parts   int
	}{
		{"Bearer abc", "Bearer", false, "abc", 0},
		{"bearer abc", "bearer", false, "abc", 0},
		{"Bearer Bearer abc", "Bearer Bearer", false, "abc", 0},
		{"Bearer: Bearer abc", "Bearer Bearer", true, "abc", 0},
		{"Basic Basic dXNlcjpwYXNz", "Basic Basic", false, "dXNlcjpwYXNz", 0},
		{"abc123def456", "", false, "abc123def456", 0},
		{"Bearer", "Bearer", false, "", 0},
		{`Bearer "abc"`, "Bearer", false, `"abc"`, 0},
		{"Bearer abc\r", "Bearer", false, "abc\r", 0},
		{"api_key mob-abc", "api_key", false, "mob-abc", 0},
		{"SSWS 00abc", "SSWS", false, "00abc", 0},
		{"Bearer a, Bearer b", "Bearer", false, "a", 2},
		{`Digest username="u", realm="r", response="x"`, "Digest", false, `username="u", realm="r", response="x"`, 0},
		{"AWS4-HMAC-SHA256 Credential=AKIA/20261130/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=abc", "AWS4-HMAC-SHA256", false, "Credential=AKIA/20261130/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=abc", 0},
	}
	for _, tt := range tests {
		a := ParseAuthorization(tt.in)
		if got := strings.Join(a.Schemes, " "); got != tt.schemes || a.SchemeColon != tt.colon || len(a.Parts) != tt.parts {
			t.Errorf("ParseAuthorization(%q) = schemes %q colon %v parts %d", tt.in, got, a.SchemeColon, len(a.Parts))
		}
		if tt.parts == 0 && a.Credential.Reveal() != tt.cred {
			t.Errorf("ParseAuthorization(%q) credential %q, want %q", tt.in, a.Credential.Reveal(), tt.cred)
		}
	}
}

func TestDecodeJWT(t *testing.T) {
	j, err := DecodeJWT(testJWT)
	if err != nil {
		t.Fatal(err)
	}
	if j.Alg() != "HS256" || j.Issuer() != "https://auth.example.com/" || j.Unsigned() || j.Encrypted {
		t.Fatalf("decoded %+v", j)
	}
	exp, ok := j.Expiry()
	if !ok || exp.Unix() != 1700003600 {
		t.Fatalf("exp %v %v", exp, ok)
	}
	if got := j.Scopes(); len(got) != 1 || got[0] != "read:users" {
		t.Fatalf("scopes %v", got)
	}
	if s := j.Summary(); strings.Contains(s, "tfjTLUFs") || !strings.Contains(s, "exp=2023-11-14T23:13:20Z") {
		t.Fatalf("summary %q", s)
	}

	none, err := DecodeJWT("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJhZG1pbiJ9.")
	if err != nil || !none.Unsigned() {
		t.Fatalf("alg none: %v %+v", err, none)
	}
	san, err := DecodeJWT("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.<redacted:sig::43:3f9a1c02b7d4>")
	if err != nil || san.Unsigned() || !san.SanitizedSignature || san.Subject() != "1" {
		t.Fatalf("sanitized: %v %+v", err, san)
	}
	jwe, err := DecodeJWT("eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a.b.c.d")
	if err != nil || !jwe.Encrypted || jwe.Alg() != "RSA-OAEP" {
		t.Fatalf("jwe: %v %+v", err, jwe)
	}
	if _, err := DecodeJWT("eyJhbm9ueW1vdXMiOnRydWV9"); err == nil {
		t.Fatal("base64 JSON without dots decoded as a JWT")
	}
}

func TestScrubText(t *testing.T) {
	in := "Incorrect API key provided: sk_live_51HxEXAMPLEabcdefghijklmn. The token " + testJWT + " expired at 2026-11-30."
	out := ScrubText(in)
	if strings.Contains(out, "sk_live_51") || strings.Contains(out, "eyJhbGci") || !strings.Contains(out, "Incorrect API key provided") {
		t.Fatalf("ScrubText = %q", out)
	}
}

func TestFingerprintKeyed(t *testing.T) {
	a := FingerprintOf("secret")
	if a == FingerprintOf("secret2") || a != FingerprintOf("secret") || len(a.Short()) != 12 {
		t.Fatal("fingerprints not stable or not distinct")
	}
	if HashParts("ab", "c") == HashParts("a", "bc") {
		t.Fatal("HashParts is ambiguous")
	}
}

func TestHostLabelEnvironment(t *testing.T) {
	tests := map[string]Environment{
		"api.sandbox.example.com": EnvSandbox, "api-staging.example.com:8443": EnvSandbox, "dev.example.com": EnvSandbox,
		"api.example.com": EnvUnknown, "test.com": EnvUnknown, "127.0.0.1": EnvUnknown, "localhost": EnvUnknown,
	}
	for h, want := range tests {
		if got := HostLabelEnvironment(h); got != want {
			t.Errorf("%s: %s, want %s", h, got, want)
		}
	}
}

func FuzzSecretDisplay(f *testing.F) {
	for _, s := range []string{testJWT, "Bearer Bearer abc", "Basic dXNlcjpwYXNz", "sid=abc; x=y", "sk_live_abcdefghijklmnopqrstuvwx"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if len(raw) < 12 {
			return
		}
		check := func(s Secret, secret string) {
			if len(secret) < 8 || s.Kind() == KindRedacted || s.Kind() == KindPlaceholder && plainPlaceholder(s.Reveal()) {
				return // markers and name-like placeholders are shown (cut): no secret
			}
			for _, r := range renderings(s) {
				if strings.Contains(r, secret) {
					t.Fatalf("secret %q rendered: %q", secret, r)
				}
			}
		}
		check(New(raw), raw)
		check(NewCookie(raw), raw)
		// For an Authorization value the scheme words are shown by
		// design; the credential after them must not be.
		a := NewAuthorization(raw)
		cred := a.Authorization().Credential
		check(cred, strings.TrimSpace(cred.Reveal()))
		shown := strings.TrimPrefix(a.String(), strings.Join(a.Authorization().Schemes, " "))
		if c := strings.TrimSpace(cred.Reveal()); len(c) >= 8 && cred.Kind() != KindRedacted && !(cred.Kind() == KindPlaceholder && plainPlaceholder(c)) && strings.Contains(shown, c) {
			t.Fatalf("credential %q rendered: %q", c, a.String())
		}
	})
}

// TestQuotedEmptyCredential: "Bearer ”" is what a shell sends for an unset
// variable inside quotes; it must parse as an empty credential, not panic.
func TestQuotedEmptyCredential(t *testing.T) {
	for _, v := range []string{`Bearer ''`, `Bearer ""`, `Bearer " "`, `''`} {
		a := NewAuthorization(v)
		if k := a.Authorization().Credential.Kind(); k != KindEmpty {
			t.Errorf("%q: kind %s", v, k)
		}
		_ = a.String()
	}
}

// TestJWTSummaryScalarsOnly: an allowed claim whose value is an object
// does not carry what it nests into the summary.
func TestJWTSummaryScalarsOnly(t *testing.T) {
	// {"alg":"HS256"} . {"sub":{"email":"ann@example.com"},"aud":["api",{"name":"Ann"}],"iss":"https://auth.example.com/"}
	j, err := DecodeJWT("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOnsiZW1haWwiOiJhbm5AZXhhbXBsZS5jb20ifSwiYXVkIjpbImFwaSIseyJuYW1lIjoiQW5uIn1dLCJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIn0.c2lnbmF0dXJlc2lnbmF0dXJl")
	if err != nil {
		t.Fatal(err)
	}
	if s := j.Summary(); strings.Contains(s, "ann@") || strings.Contains(s, "Ann") || !strings.HasSuffix(s, " aud=api") || !strings.Contains(s, "iss=https://auth.example.com/") {
		t.Fatalf("summary %q", s)
	}
}

// TestSanitizedKindAndSource: a sanitized credential inside an
// Authorization value or quotes tells its kind and its source's
// fingerprint alike.
func TestSanitizedKindAndSource(t *testing.T) {
	const m = "<redacted:stripe:sk_live_:107:3f9a1c02b7d4>"
	for _, s := range []Secret{New(m), New(`"` + m + `"`), NewAuthorization("Bearer " + m)} {
		if k, fp := s.SanitizedKind(), s.SourceFingerprint(); k != "stripe" || fp != "3f9a1c02b7d4" {
			t.Errorf("%s: kind %q, source %q", s, k, fp)
		}
	}
}
