package rules

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestBareTokenCookie: a Cookie header holding a bare base64 token (its
// padding looks like name=value) is one credential of the header, not a
// cookie named after the token; beside real cookies it is a credential of
// its own. Five refusals make retry-storm quote the credential, which must
// not show the token, however short.
func TestBareTokenCookie(t *testing.T) {
	for _, c := range []struct {
		cookie, tok string
		fields      []string
	}{
		{"dGhpc2lzYXNlY3JldHRva2VuMTIz==", "dGhpc2lzYXNl", []string{"request.headers.Cookie"}},
		{"dXNlcjpwYXNz==", "dXNlcjpwYXNz", []string{"request.headers.Cookie"}},
		{"theme=dark; dXNlcjpwYXNz==", "dXNlcjpwYXNz", []string{"request.cookies.theme", "request.headers.Cookie"}},
	} {
		one := "GET https://app.example.com/api/me\nCookie: " + c.cookie + "\n\n401\n"
		rec, err := ParseExample(one)
		if err != nil {
			t.Fatal(err)
		}
		f := NewFacts(nil)
		f.Reset(rec)
		var fields []string
		for _, cr := range f.Credentials() {
			fields = append(fields, cr.Field)
			if strings.Contains(cr.Value.String(), c.tok) {
				t.Errorf("%s: credential shown as %q", c.cookie, cr.Value.String())
			}
		}
		if !slices.Equal(fields, c.fields) {
			t.Errorf("%s: credentials %v, want %v", c.cookie, fields, c.fields)
		}
		storm, err := ParseExamples(strings.Repeat(one+"===\n", 4) + one)
		if err != nil {
			t.Fatal(err)
		}
		fired := false
		for _, r := range All() {
			fs := run(t, r, storm...)
			fired = fired || len(fs) > 0 && r.Meta().ID == "retry-storm"
			noRawSecrets(t, fs, c.tok)
		}
		if !fired {
			t.Errorf("%s: retry-storm did not fire, so the display went unchecked", c.cookie)
		}
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

// TestCredentialAsJSONKey: a body whose JSON key is itself a credential
// names the field without it.
func TestCredentialAsJSONKey(t *testing.T) {
	const key = "sk_live_51HabcdEFGHijklMNOPqrstUVWX"
	rec, err := ParseExample("POST https://api.example.com/v1/charges\nContent-Type: application/json\n--\n{\"keys\":{\"" + key + "\":{\"access_token\":\"9f8e7d6c5b4a39281706f5e4\"}}}\n\n401\n")
	if err != nil {
		t.Fatal(err)
	}
	fs := run(t, &tokenInBody{}, rec)
	if len(fs) == 0 {
		t.Fatal("token-in-body did not fire, so nothing was checked")
	}
	noRawSecrets(t, fs, key[:20])
}

// TestChallengeSchemeScrubbed: a challenge "scheme" that is a key is not
// quoted in scheme-mismatch's message.
func TestChallengeSchemeScrubbed(t *testing.T) {
	const key = "sk_live_51HabcdEFGHijklMNOPqrstUVWX"
	rec, err := ParseExample("GET https://api.example.com/v1/me\nAuthorization: Bearer 9f8e7d6c5b4a39281706f5e4\n\n401\nWWW-Authenticate: " + key + "\n")
	if err != nil {
		t.Fatal(err)
	}
	fs := run(t, &schemeMismatch{}, rec)
	if len(fs) == 0 {
		t.Fatal("scheme-mismatch did not fire, so nothing was checked")
	}
	noRawSecrets(t, fs, key[:20])
}

// TestRetryStormRateAndStatuses: a fast storm's rate is written in digits
// (not 2e+02), and each attempt keeps its own status.
func TestRetryStormRateAndStatuses(t *testing.T) {
	if got := perUnit(199.6); got != "200" {
		t.Errorf("perUnit(199.6) = %q", got)
	}
	if got := perUnit(2.46); got != "2.5" {
		t.Errorf("perUnit(2.46) = %q", got)
	}
	var text strings.Builder
	for i, st := range []int{403, 401, 401, 401, 401} {
		if i > 0 {
			text.WriteString("===\n")
		}
		text.WriteString("GET https://api.example.com/v1/orders/8812\nAuthorization: Bearer 9f8e7d6c5b4a39281706f5e4\n\n" + strconv.Itoa(st) + "\n")
	}
	recs, err := ParseExamples(text.String())
	if err != nil {
		t.Fatal(err)
	}
	fs := run(t, newRetryStorm(), recs...)
	statuses := map[int]int{}
	for _, f := range fs {
		if !f.Update {
			statuses[f.Status]++
		}
	}
	if statuses[403] != 1 || statuses[401] != 4 {
		t.Errorf("occurrence statuses %v, want 1×403 and 4×401", statuses)
	}
}
