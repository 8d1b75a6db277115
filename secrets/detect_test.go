package secrets

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func scanAll(line string) []Match {
	var out []Match
	ScanLine([]byte(line), func(m Match) { out = append(out, m) })
	return out
}

func describe(ms []Match) string {
	var b strings.Builder
	for _, m := range ms {
		fmt.Fprintf(&b, "[%s %q %d:%d %s prov=%q env=%s scheme=%q] ", m.Detector, m.Field, m.Start, m.End, m.Secret, m.Provider, m.Environment, m.Scheme)
	}
	return b.String()
}

// checkInvariants holds for every match of every line: offsets inside the
// line, the bytes equal the secret, no raw value in any printed form.
func checkInvariants(t testing.TB, line string, ms []Match) {
	t.Helper()
	prevStart := -1
	for _, m := range ms {
		if m.Start < 0 || m.End > len(line) || m.Start >= m.End {
			t.Fatalf("%q: bad offsets %d:%d", line, m.Start, m.End)
		}
		if got := line[m.Start:m.End]; got != m.Secret.Reveal() {
			t.Fatalf("%q: line[%d:%d]=%q but secret holds %d bytes", line, m.Start, m.End, got, m.Secret.Len())
		}
		if m.Start < prevStart {
			t.Fatalf("%q: matches out of order", line)
		}
		prevStart = m.Start
		raw := m.Secret.Reveal()
		if k := m.Secret.Kind(); k == KindRedacted || k == KindPlaceholder || k == KindEmpty {
			t.Fatalf("%q: reported a %s value", line, k)
		}
		// Detector, Field, Scheme and Provider are public names; a value
		// may spell one of them by chance ("uthorization"). Print the
		// rest.
		pub := m
		pub.Detector, pub.Field, pub.Scheme, pub.Provider = "", "", "", ""
		js, _ := json.Marshal(pub)
		for _, out := range []string{m.Secret.String(), fmt.Sprintf("%v", pub), fmt.Sprintf("%+v", pub), fmt.Sprintf("%#v", pub), fmt.Sprintf("%s %q %x", m.Secret, m.Secret, m.Secret), string(js), m.Secret.Sanitized()} {
			// short values can occur in the display form by chance
			// ("opaque (6 chars)"); a 12-byte one cannot
			if len(raw) >= 12 && strings.Contains(out, raw) {
				t.Fatalf("%q: raw secret printed in %q", line, out)
			}
		}
		if m.Environment == "" {
			t.Fatalf("%q: empty environment", line)
		}
	}
	for i := 1; i < len(ms); i++ { // sorted by Start, so neighbours suffice
		if ms[i-1].End > ms[i].Start {
			t.Fatalf("%.200q: overlapping matches %s", line, describe(ms[i-1:i+1]))
		}
	}
}

// TestPathologicalLines: lines of 256 KiB made of one repeated unit. A
// quadratic path would make this test time out.
func TestPathologicalLines(t *testing.T) {
	units := []string{"authorization: x ", "Authorization: Bearer ", "a://b:c@", "a://", "-----BEGIN PRIVATE KEY-----",
		"eyJhbGciOiJub25lIn0.", "Cookie: a=b ", "Cookie: ", "SKcf575dcad6ba2b0aee0ca92373288158 ", "-u a:b ", "-u '",
		`{"token":"`, `"password":`, "%3D", `\n`, "Bearer Bearer ", "?access_token=", "=", ":", `\"`, "[", "x-api-key: ",
		"ghp_", "xoxb-1234567890-", "AKIA", "sk_live_", `\u0026token=`, "Basic ", "<redacted:", "s",
	}
	total := 0
	for _, unit := range units {
		line := strings.Repeat(unit, (256<<10)/len(unit))
		ms := scanAll(line)
		checkInvariants(t, line, ms)
		total += len(ms)
	}
	t.Logf("%d matches in %d lines", total, len(units))
}

func TestDetectorsSortedAndDocumented(t *testing.T) {
	ds := Detectors()
	seen := map[string]bool{}
	for i, d := range ds {
		if i > 0 && ds[i-1].Name >= d.Name {
			t.Errorf("detectors not sorted or duplicated at %q", d.Name)
		}
		seen[d.Name] = true
		if d.Doc == "" || len(d.Keywords) == 0 || len(d.MustFind) == 0 || len(d.MustNotFind) == 0 {
			t.Errorf("%s: needs Doc, Keywords, MustFind and MustNotFind", d.Name)
		}
		if d.Name != strings.ToLower(d.Name) || strings.ContainsAny(d.Name, " _") {
			t.Errorf("%s: name must be kebab-case", d.Name)
		}
	}
}

func TestDetectorExamples(t *testing.T) {
	for _, d := range Detectors() {
		t.Run(d.Name, func(t *testing.T) {
			for _, line := range d.MustFind {
				ms := scanAll(line)
				checkInvariants(t, line, ms)
				found := false
				for _, m := range ms {
					found = found || m.Detector == d.Name
				}
				if !found {
					t.Errorf("must find in %q; got %s", line, describe(ms))
				}
			}
			for _, line := range d.MustNotFind {
				ms := scanAll(line)
				checkInvariants(t, line, ms)
				for _, m := range ms {
					if m.Detector == d.Name {
						t.Errorf("must not find in %q; got %s", line, describe(ms))
					}
				}
			}
		})
	}
}

// Lines in which nothing at all may be reported: other tools' redactions and
// ours, placeholders, identifiers that look random but are not credentials.
var notLeaks = []string{
	`{"authorization":"REDACTED","cookie":"[REDACTED]","x_api_key":"****"}`,
	`{"Authorization":["REDACTED"],"Cookie":["REDACTED"]}`,
	"Authorization: Bearer [REDACTED]",
	"Authorization: <token>",
	"Authorization: Bearer sk_test_****9xQz",
	"Authorization: Bearer ${TOKEN}",
	"?access_token=<redacted:jwt:eyJ:243:3f9a1c02b7d4>&page=2",
	"Authorization: Bearer <redacted:stripe:sk_live_:107:3f9a1c02b7d4>",
	"Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTEifQ.<redacted:sig::43:3f9a1c02b7d4>",
	`{"token":"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTEifQ.<redacted:sig::43:3f9a1c02b7d4>"}`,
	`{"request_id":"9f1c2d3e-4b5a-6978-8a9b-0c1d2e3f4a5b","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7"}`,
	"traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
	`ETag: W/"5e1f-9nlrVT7J9kHZZt49Em/zcNhUQ10"`,
	`{"image":"registry.example.com/app@sha256:eaaa7b11777babe28e6133a8b19ff71cea687e0d7f05158dee95a71f76ce3d00"}`,
	`GET /static/app.3f9a1c02b7d4.js HTTP/1.1`,
	`GET /v1/reports/eyJwYWdlIjoyLCJzb3J0IjoibmFtZSIsImZpbHRlciI6eyJzdGF0dXMiOiJvcGVuIn19/export HTTP/1.1`,
	`{"x-request-id":"01HF3Z7Q9R4C8M2N6P0T5V1W3X","idempotency-key":"550e8400-e29b-41d4-a716-446655440000"}`,
	`{"password":"","token":"","api_key":null,"cookie":"-","authorization":"-"}`,
	`{"token_type":"Bearer","expires_in":3600,"scope":"read write"}`,
	`< WWW-Authenticate: Bearer realm="api.example.com", error="invalid_token", error_description="The access token expired"`,
	`{"sent_http_www_authenticate":"Bearer realm=\"nginx\", error=\"invalid_token\""}`,
	"Authorization: Bearer ",
	"password=changeme",
	"api_key=YOUR_API_KEY",
	"curl -u \"$USER:$PASS\" https://x",
	"https://user:${PASSWORD}@db.example.com",
	"session=xyz", // too short for an ambiguous name
	"I hate to be the bearer of bad news, but ...",
	"2026-11-30T06:40:12.345Z level=info msg=\"handled request\" status=200 duration=12ms",
	"",
}

func TestNotLeaks(t *testing.T) {
	for _, line := range notLeaks {
		if ms := scanAll(line); len(ms) > 0 {
			t.Errorf("%q: reported %s", line, describe(ms))
		}
	}
}

// TestPrecedence: one credential, one match; the context detector names it
// and the format detector's provider and environment come along.
func TestPrecedence(t *testing.T) {
	jwt := "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTEiLCJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwiZXhwIjoxNzAwMDAzNjAwfQ.drG-CLZ4X8vp72Ak4qgSUSEmwijs456o55lXfADa-2U"
	tests := []struct {
		line      string
		detector  string
		kind      Kind
		provider  string
		env       Environment
		field     string
		scheme    string
		secretPos int // index of the secret in line
	}{
		{"Authorization: Bearer " + jwt, "authorization-header", KindJWT, "", EnvUnknown, "Authorization", "Bearer", 22},
		{`{"http_authorization":"Bearer ` + jwt + `"}`, "authorization-header", KindJWT, "", EnvUnknown, "http_authorization", "Bearer", 30},
		{`{"request_Authorization":["bearer sk_live_ugM1yTMAd7V3DnI8lFPPwtV5"]}`, "authorization-header", "stripe", "stripe", EnvProduction, "request_Authorization", "Bearer", 34},
		{"GET /v1/charges?api_key=sk_test_ugM1yTMAd7V3DnI8lFPPwtV5&limit=3", "query-param", "stripe", "stripe", EnvSandbox, "api_key", "", 24},
		{`{"api_key":"sk_live_ugM1yTMAd7V3DnI8lFPPwtV5"}`, "stripe-key", "stripe", "stripe", EnvProduction, "api_key", "", 12},
		{"token " + jwt, "jwt", KindJWT, "", EnvUnknown, "", "", 6},
		{"GITHUB_TOKEN=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", "github-pat", "github", "github", EnvProduction, "GITHUB_TOKEN", "", 13},
		{`{"password":"Tr0ub4dor&3"}`, "json-field", KindPassword, "", EnvUnknown, "password", "", 13},
		{"Authorization: Basic ZGVwbG95OnMzY3IzdC1QYTU1", "authorization-header", KindBasic, "", EnvUnknown, "Authorization", "Basic", 21},
		{"Cookie: a=1; session=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", "cookie", "github", "github", EnvProduction, "Cookie:session", "", 21},
		{"https://deploy: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@github.com/o/r", "url-password", "github", "github", EnvProduction, "github.com", "", 15},
		{"X-Plaid: access-production-15c891ff-3add-6527-a494-6d15b17dd255", "plaid-access-token", "plaid", "plaid", EnvProduction, "", "", 9},
		{"Authorization: SSWS 00BAHS0GNzLZKF2zuJDMB0LO5UHWfCFWn05Gq59Pb2", "authorization-header", "okta", "okta", EnvUnknown, "Authorization", "SSWS", 20},
		{"jwt eyJhbGciOiJSUzI1NiIsInR5cCI6ImF0K2p3dCIsImtpZCI6ImsxIn0.eyJzdWIiOiJzdmMiLCJpc3MiOiJodHRwczovL2xvZ2luLnNhbmRib3guZXhhbXBsZS5jb20vIiwic2NvcGUiOiJyZWFkIn0.fvz0Hxhs2y8NZkYhLY2bZqVWlxS7LrVbgdBqfiucy_Q",
			"jwt", KindJWT, "", EnvSandbox, "", "", 4}, // iss https://login.sandbox.example.com/
		{"id eyJhbGciOiAiZGlyIiwgImVuYyI6ICJBMjU2R0NNIn0..iv_AbCdEfGhIjKl.cipher_AbCdEfGhIjKlMnOp.tag_AbCdEfGhIjKlMn", "jwt", KindJWE, "", EnvUnknown, "", "", 3},
		{"BT=access_token$sandbox$bcixgy29db8p5qa3$222f828767efc2f91624a8940f1f836f", "braintree-token", "braintree", "braintree", EnvSandbox, "", "", 3},
		{"paddle: pdl_sdbx_apikey_p1jjee5bzxsm9gvjoucomkkv9i_kdf92qrjvWeRkipW8wXm", "paddle-api-key", "paddle", "paddle", EnvSandbox, "", "", 8},
		{"curl -u deploy:Zx3kQ8c1f2a9 https://x", "curl-user", KindPassword, "", EnvUnknown, "", "", 15},
	}
	for _, tt := range tests {
		ms := scanAll(tt.line)
		checkInvariants(t, tt.line, ms)
		var found *Match
		for i := range ms {
			if ms[i].Start <= tt.secretPos && tt.secretPos < ms[i].End {
				if found != nil {
					t.Errorf("%q: two matches cover the credential: %s", tt.line, describe(ms))
				}
				found = &ms[i]
			}
		}
		if found == nil {
			t.Errorf("%q: nothing found: %s", tt.line, describe(ms))
			continue
		}
		m := *found
		if m.Detector != tt.detector || m.Secret.Kind() != tt.kind || m.Provider != tt.provider || m.Environment != tt.env || m.Field != tt.field || m.Scheme != tt.scheme || m.Start != tt.secretPos {
			t.Errorf("%q:\n got %s kind=%s\nwant %s kind=%s prov=%q env=%s field=%q scheme=%q at %d", tt.line, describe(ms), m.Secret.Kind(), tt.detector, tt.kind, tt.provider, tt.env, tt.field, tt.scheme, tt.secretPos)
		}
	}
}

// TestContexts covers the places a credential sits in the inputs the tool
// reads; each must yield exactly the expected secret.
func TestContexts(t *testing.T) {
	tok := "Zx3kQ8c1f2a9b7d4e6f5a1b2"
	tests := []struct{ line, want, detector string }{
		{"> authorization: Bearer " + tok, tok, "authorization-header"},
		{"* [HTTP/2] [1] [authorization: Bearer " + tok + "]", tok, "authorization-header"},
		{"* h2h3 [authorization: Bearer " + tok + "]", tok, "authorization-header"},
		{"== Info: h2h3 [authorization: Bearer " + tok + "]", tok, "authorization-header"},
		{`{"headers":{"Authorization":["Bearer ` + tok + `"]}}`, tok, "authorization-header"},
		{`{"request_Authorization":"Bearer ` + tok + `"}`, tok, "authorization-header"},
		{`{"req":{"headers":{"authorization":"Bearer ` + tok + `"}}}`, tok, "authorization-header"},
		{`{"msg":"GET / HTTP/1.1\r\nAuthorization: Bearer ` + tok + `\r\nHost: x"}`, tok, "authorization-header"},
		{`{"msg":"{\"Authorization\":\"Bearer ` + tok + `\"}"}`, tok, "authorization-header"},
		{`curl -H 'Authorization: token ` + tok + `' https://api.github.com`, tok, "authorization-header"},
		{`Authorization: Bearer ` + tok + `, Bearer Zx3kQ8c1f2a9b7d4e6f5a1b3`, tok, "authorization-header"},
		{"/cb?access_token=" + tok + "&x=1", tok, "query-param"},
		{"/cb?access_token=" + tok + "#frag", tok, "query-param"},
		{"/cb?access_token=" + tok + `"`, tok, "query-param"},
		{"/cb?access_token=" + tok + `,next`, tok, "query-param"},
		{`{"uri":"/cb?access_token=` + tok + `\"}`, tok, "query-param"},
		{`{"uri":"/cb?a=1\u0026access_token=` + tok + `\u0026b=2"}`, tok, "query-param"},
		{"/cb?a=1&amp;api_key=" + tok + "&amp;b=2", tok, "query-param"},
		{`{"access_token" : "` + tok + `"}`, tok, "json-field"},
		{`{'client_secret': '` + tok + `'}`, tok, "json-field"},
		{`{"data":{"user":{"refresh_token":"` + tok + `"}}}`, tok, "json-field"},
		{`{"x-api-key":"` + tok + `"}`, tok, "api-key-header"},
		{`{"http_x_api_key":"` + tok + `"}`, tok, "json-field"},
		{"X-Shopify-Access-Token: " + tok, tok, "api-key-header"},
		{"DB_PASSWORD=" + tok, tok, "key-value"},
		{`token := "` + tok + `"`, tok, "key-value"},
		{`'password' => '` + tok + `'`, tok, "key-value"},
		{"https://bob:" + tok + "@example.com/x", tok, "url-password"},
		{`"https:\/\/bob:` + tok + `@example.com\/x"`, tok, "url-password"},
		{"Set-Cookie: sid=" + tok + "; Path=/; Secure", tok, "cookie"},
		{`{"Cookie":"sid=` + tok + `"}`, tok, "cookie"},
		{"Cookie: sid=" + tok, tok, "cookie"},
		{"Authorization: Negotiate YIIJvwYGKwYBBQUCoIIJszCCCa+gJDAiBgkq", "YIIJvwYGKwYBBQUCoIIJszCCCa+gJDAiBgkq", "authorization-header"},
		{"Authorization: AWS4-HMAC-SHA256 Credential=AKIABENYJQWX6HH7566T/20261130/us-east-1/s3/aws4_request, Signature=fe5f80f77d5f",
			"Credential=AKIABENYJQWX6HH7566T/20261130/us-east-1/s3/aws4_request, Signature=fe5f80f77d5f", "authorization-header"},
		{`{"authorization":"Digest username=\"bob\", nonce=\"dcd98b71\", response=\"6629fae4\""}`,
			`username=\"bob\", nonce=\"dcd98b71\", response=\"6629fae4\"`, "authorization-header"},
		{"mongodb+srv://app:" + tok + "@cluster0.abcde.mongodb.net/db?retryWrites=true", tok, "url-password"},
		{"redis://:" + tok + "@cache.internal:6379/0", tok, "url-password"},
		{"GET /b/k.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=" + tok + " HTTP/1.1", tok, "query-param"},
		{`Authorization: Bearer t\xc3\xb6k\xc3\xa9n-1`, `t\xc3\xb6k\xc3\xa9n-1`, "authorization-header"},
		{`{"args":"access_token=` + tok + `&page=2"}`, tok, "query-param"},
		{`{"resp_headers":{"Set-Cookie":["theme=dark; Path=/", "sid=` + tok + `; HttpOnly"]}}`, tok, "cookie"},
		{`{"Authorization":["Basic", "Bearer ` + tok + `"]}`, tok, "authorization-header"},
	}
	for _, tt := range tests {
		ms := scanAll(tt.line)
		checkInvariants(t, tt.line, ms)
		var got *Match
		for i := range ms {
			if ms[i].Secret.Reveal() == tt.want {
				got = &ms[i]
			}
		}
		if got == nil || got.Detector != tt.detector {
			t.Errorf("%q: want %s %q; got %s", tt.line, tt.detector, "…", describe(ms))
		}
	}
}

// TestSeparateOccurrences: one credential written twice on a line is two
// matches (sanitize replaces both), with one fingerprint.
func TestSeparateOccurrences(t *testing.T) {
	tok := "Zx3kQ8c1f2a9b7d4e6f5a1b2"
	line := `{"uri":"/x?access_token=` + tok + `","http_authorization":"Bearer ` + tok + `"}`
	ms := scanAll(line)
	checkInvariants(t, line, ms)
	if len(ms) != 2 || ms[0].Secret.Fingerprint() != ms[1].Secret.Fingerprint() {
		t.Fatalf("got %s", describe(ms))
	}
}

func TestScannerNoAllocOnCleanLine(t *testing.T) {
	g := newLogGen(1)
	lines := make([][]byte, 64)
	for i := range lines {
		lines[i] = g.clean()
	}
	s := NewScanner()
	n := 0
	allocs := testing.AllocsPerRun(20, func() {
		for _, l := range lines {
			s.Scan(l, func(Match) { n++ })
		}
	})
	if n != 0 {
		t.Fatalf("clean lines produced %d matches", n)
	}
	if allocs != 0 {
		t.Fatalf("%.1f allocations per 64 clean lines", allocs)
	}
}

// TestConcurrentScanLine: ScanLine from several goroutines gives what one
// Scanner gives (run with -race).
func TestConcurrentScanLine(t *testing.T) {
	g := newLogGen(11)
	var lines [][]byte
	for i := 0; i < 400; i++ {
		l, _ := g.planted()
		lines = append(lines, l, g.clean())
	}
	want := make([]string, len(lines))
	s := NewScanner()
	for i, l := range lines {
		var ms []Match
		s.Scan(l, func(m Match) { ms = append(ms, m) })
		want[i] = describe(ms)
	}
	done := make(chan error, 4)
	for w := 0; w < 4; w++ {
		go func() {
			for i, l := range lines {
				var ms []Match
				ScanLine(l, func(m Match) { ms = append(ms, m) })
				if got := describe(ms); got != want[i] {
					done <- fmt.Errorf("line %d: %s, want %s", i, got, want[i])
					return
				}
			}
			done <- nil
		}()
	}
	for w := 0; w < 4; w++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

// TestDollarPassword: a password that starts with $ is found; a variable
// reference ($password, $GITHUB_TOKEN) is not.
func TestDollarPassword(t *testing.T) {
	for line, want := range map[string]int{
		`password=$ecretPassw0rd`: 1, `{"password":"$ecretPassw0rd"}`: 1, `Authorization: Bearer $ecretPassw0rd`: 1,
		`password = $password`: 0, `token: $GITHUB_TOKEN`: 0, `Authorization: Bearer $TOKEN`: 0,
		`password = $db_pass2`: 0, `token: $access_token_v2`: 0, `Authorization: Bearer $api_token_v2`: 0,
	} {
		n := 0
		ScanLine([]byte(line), func(Match) { n++ })
		if n != want {
			t.Errorf("%s: %d matches, want %d", line, n, want)
		}
	}
}
