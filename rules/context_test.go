package rules

import "testing"

// TestBareTokenCookie: a Cookie header holding a bare base64 token (its
// padding looks like name=value) is one credential of the header, not a
// cookie named after the token.
func TestBareTokenCookie(t *testing.T) {
	const tok = "dGhpc2lzYXNlY3JldHRva2VuMTIz"
	rec, err := ParseExample("GET https://app.example.com/api/me\nCookie: " + tok + "==\n\n401\n")
	if err != nil {
		t.Fatal(err)
	}
	f := NewFacts(nil)
	f.Reset(rec)
	creds := f.Credentials()
	if len(creds) != 1 || creds[0].Field != "request.headers.Cookie" {
		t.Fatalf("credentials: %+v", creds)
	}
	for _, r := range All() {
		noRawSecrets(t, run(t, r, rec), tok[:12])
	}
}
