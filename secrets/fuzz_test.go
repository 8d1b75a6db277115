package secrets

import (
	"strings"
	"testing"
)

// FuzzParseAuthorization: no panic, at most three scheme words, and every
// credential is a piece of the input (nothing invented, nothing lost).
func FuzzParseAuthorization(f *testing.F) {
	for _, s := range []string{"Bearer abc", "Bearer Bearer abc", "Bearer: x", `Basic "dXNlcjpwYXNz"`, "Bearer a, Bearer b", "", "''", `Digest username="u", response="x"`, "Bearer \r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		a := ParseAuthorization(v)
		if len(a.Schemes) > 3 {
			t.Fatalf("%q: %d schemes", v, len(a.Schemes))
		}
		if c := a.Credential.Reveal(); !strings.Contains(v, c) {
			t.Fatalf("%q: credential %q is not part of the input", v, c)
		}
		for _, p := range a.Parts {
			if c := p.Credential.Reveal(); !strings.Contains(v, c) {
				t.Fatalf("%q: part credential %q is not part of the input", v, c)
			}
		}
		_ = NewAuthorization(v).String()
	})
}

// FuzzDecodeJWT: no panic; a decoded token's summary never shows its
// signature.
func FuzzDecodeJWT(f *testing.F) {
	for _, s := range []string{
		"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl",
		"eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.",
		"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.<redacted:sig::43:3f9a1c02b7d4>",
		"eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d", "eyJ.e30.", "a.b.c",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		j, err := DecodeJWT(s)
		if err != nil || j.Encrypted {
			return
		}
		sig := s[strings.LastIndexByte(s, '.')+1:]
		if len(sig) >= 12 && strings.Contains(j.Summary(), sig) {
			t.Fatalf("summary shows the signature: %q", j.Summary())
		}
		_, _ = j.Expiry()
		_ = j.Scopes()
	})
}
