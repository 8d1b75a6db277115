package rules

import (
	"strings"
	"testing"
)

// TestServerReasonShowsNoEcho: what the server says is shown scrubbed (a
// server may echo the token it refused), and a vendor phrase is quoted
// exactly as it stands in the body, whatever non-ASCII text precedes it.
func TestServerReasonShowsNoEcho(t *testing.T) {
	const tok = "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"
	tests := []struct {
		name, http, says string
	}{
		{"token echoed in the challenge's error", "GET https://api.example.com/v1/me\nAuthorization: Bearer 9f8e7d6c5b4a39281706f5e4\n\n401\nWWW-Authenticate: Bearer error=\"bad token " + tok + "\"\n", "bad token <redacted>"},
		{"token echoed in the body's error", "GET https://api.example.com/v1/me\nAuthorization: Bearer 9f8e7d6c5b4a39281706f5e4\n\n401\nContent-Type: application/json\n--\n{\"error\":\"bad " + tok + "\"}\n", "bad <redacted>"},
		// U+212A KELVIN SIGN lower-cases to one byte instead of three,
		// U+023A to three bytes instead of two.
		{"text that shrinks when lower-cased", "GET https://api.example.com/v1/me\nAuthorization: Bearer 9f8e7d6c5b4a39281706f5e4\n\n401\nContent-Type: text/plain\n--\n" + tok + " \u212a\u212a\u212a\u212a\u212a\u212a\u212a\u212a Bad Credentials\n", `"Bad Credentials"`},
		{"text that grows when lower-cased", "GET https://api.example.com/v1/me\nAuthorization: Bearer 9f8e7d6c5b4a39281706f5e4\n\n401\nContent-Type: text/plain\n--\n\u023a\u023a\u023a\u023a\u023a\u023a Bad Credentials\n", `"Bad Credentials"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, err := ParseExample(tt.http)
			if err != nil {
				t.Fatal(err)
			}
			fs := run(t, serverRejectedToken{}, rec)
			if len(fs) != 1 {
				t.Fatalf("%d findings: %+v", len(fs), fs)
			}
			if !strings.Contains(fs[0].Message, tt.says) {
				t.Errorf("message %q lacks %q", fs[0].Message, tt.says)
			}
			noRawSecrets(t, fs, tok, tok[4:16])
		})
	}
}
