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

func TestEndpointHostPort(t *testing.T) {
	for url, want := range map[string]string{
		"https://API.example.com/v1": "api.example.com", "https://api.example.com:8443/v1": "api.example.com:8443",
		"http://[::1]:8080/x": "[::1]:8080", "http://[::1]/x": "::1",
	} {
		rec, err := ParseExample("GET " + url + "\n\n200\n")
		if err != nil {
			t.Fatal(err)
		}
		if got := EndpointOf(rec.Exchange, nil).Host; got != want {
			t.Errorf("%s: host %q, want %q", url, got, want)
		}
	}
}
