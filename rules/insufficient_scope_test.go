package rules

import (
	"strings"
	"testing"
)

// TestInsufficientScopeScrubsChallenge: the required scope is the server's
// text and is shown scrubbed, as the challenge itself is.
func TestInsufficientScopeScrubsChallenge(t *testing.T) {
	const tok = "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"
	for _, scope := range []string{"admin:users " + tok, tok} {
		rec, err := ParseExample("DELETE https://api.example.com/v1/users/42\nAuthorization: Bearer 9f8e7d6c5b4a39281706f5e4\n\n403\nWWW-Authenticate: Bearer error=\"insufficient_scope\", scope=\"" + scope + "\"\n")
		if err != nil {
			t.Fatal(err)
		}
		fs := run(t, insufficientScope{}, rec)
		if len(fs) != 1 || !strings.Contains(fs[0].Message, "<redacted>") {
			t.Fatalf("findings: %+v", fs)
		}
		noRawSecrets(t, fs, tok, tok[4:16])
	}
}
