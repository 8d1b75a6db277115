package parsers

import (
	"strings"
	"testing"
)

// FuzzRoute: no panic; a route starts with "/", keeps no segment that looks
// like a credential, and templating it again changes nothing.
func FuzzRoute(f *testing.F) {
	for _, s := range []string{"/v1/users/123", "/v1/users/550e8400-e29b-41d4-a716-446655440000/orders", "/customers/cus_NffrFeUfNV2Hib",
		"/api/sk_live_51HxEXAMPLEabcdefghijklmn/charges", "/", "", "//a//b/", "/v2/2024-06-01/x", "/app.3f9a1c02b7d4.js"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		r := Route(p)
		if !strings.HasPrefix(r, "/") {
			t.Fatalf("Route(%q) = %q", p, r)
		}
		for _, seg := range strings.Split(r, "/") {
			if seg != "" && LooksLikeCredential(seg) {
				t.Fatalf("Route(%q) keeps a credential-like segment %q", p, seg)
			}
		}
		if again := Route(r); again != r {
			t.Fatalf("Route not idempotent: %q -> %q -> %q", p, r, again)
		}
	})
}

// FuzzParseCurlCommand: no panic on any pasted command line, and a parsed
// command never keeps a credential header outside a Secret.
func FuzzParseCurlCommand(f *testing.F) {
	for _, s := range []string{
		`curl -v -H "Authorization: Bearer abc" https://api.example.com/v1/me`,
		`$ curl -u user:pass --data 'a=b' -L https://x/`,
		`curl --oauth2-bearer tok -H 'X-API-Key: k' --json '{"a":1}' http://h/`,
		`curl "unterminated`, `curl \`, `curl -H`, ``,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		cmd, err := ParseCurlCommand(line, Options{})
		if err != nil || cmd == nil {
			return
		}
		for _, h := range cmd.Headers {
			if h.Sensitive() && h.Value != "" {
				t.Fatalf("credential header %q keeps a plain value", h.Name)
			}
		}
	})
}
