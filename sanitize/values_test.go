package sanitize

import (
	"encoding/base64"
	"regexp"
	"strings"
	"testing"

	"github.com/authtriage/authtriage/parsers"
	"github.com/authtriage/authtriage/secrets"
)

// norm shows markers without their fingerprint, <kind:prefix:len>, so the
// expectations below read as what sanitize keeps.
var reNormMarker = regexp.MustCompile(`<redacted:([^:<>]*):([^:<>]*):([0-9]+):[0-9a-f]{12}>`)

func norm(s string) string { return reNormMarker.ReplaceAllString(s, "<$1:$2:$3>") }

const (
	jwtHS = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTEiLCJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwiZXhwIjoxNzAwMDAzNjAwfQ.drG-CLZ4X8vp72Ak4qgSUSEmwijs456o55lXfADa-2U"
	jwtHP = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTEiLCJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwiZXhwIjoxNzAwMDAzNjAwfQ."
	jwtNo = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."
)

func TestHeader(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"Authorization", "Bearer 9f8e7d6c5b4a39281706f5e4", "Bearer <opaque::24>"},
		{"authorization", "bearer 9f8e7d6c5b4a39281706f5e4", "bearer <opaque::24>"},
		{"AUTHORIZATION", "Bearer sk_live_ugM1yTMAd7V3DnI8lFPPwtV5", "Bearer <stripe:sk_live_:32>"},
		{"Authorization", `Bearer "9f8e7d6c5b4a39281706f5e4"`, `Bearer "<opaque::24>"`},
		{"Authorization", "Bearer Bearer 9f8e7d6c5b4a39281706f5e4", "Bearer Bearer <opaque::24>"},
		{"Authorization", "Bearer: 9f8e7d6c5b4a39281706f5e4", "Bearer: <opaque::24>"},
		{"Authorization", "9f8e7d6c5b4a39281706f5e4", "<opaque::24>"},
		{"Authorization", "Bearer 9f8e7d6c5b4a39281706f5e4\r", "Bearer <opaque::24>\r"},
		{"Authorization", "Bearer abc def", "Bearer <opaque::3> <opaque::3>"},
		{"Authorization", "Bearer tök€n-with", "Bearer <opaque::1>ö<opaque::1>€<opaque::6>"},
		{"Authorization", "Bearer a1b2c3d4e5f6a7b8c9d0, Bearer f1e2d3c4b5a6978899aa", "Bearer <opaque::20>, Bearer <opaque::20>"},
		{"Authorization", "Basic dXNlcjpwYXNz", "Basic <basic::12>"},
		{"Authorization", "Basic dXNlcm5hbWVvbmx5", "Basic <opaque::16>"},
		{"Authorization", "Bearer " + jwtHS, "Bearer " + jwtHP + "<sig::43>"},
		{"Authorization", "Bearer " + jwtNo, "Bearer " + jwtNo + "<sig::0>"},
		{"Authorization", `Digest username="bob", realm="x", nonce="abc", response="6629fae49393a05397450978507c4ef1"`, `Digest username="bob", realm="x", nonce="abc", response="<opaque::32>"`},
		{"Authorization", "token REDACTED_3b1f0c2a", "token REDACTED_3b1f0c2a"},
		{"Authorization", "Bearer undefined", "Bearer undefined"},
		{"Authorization", "Bearer ${TOKEN}", "Bearer ${TOKEN}"},
		{"Authorization", "Bearer", "Bearer"},
		{"Authorization", "", ""},
		{"Proxy-Authorization", "Basic dXNlcjpwYXNz", "Basic <basic::12>"},
		{"Cookie", "sid=3f2a9c1b7d4e5a6b; theme=dark", "sid=<cookie::16>; theme=<cookie::4>"},
		{"cookie", `sid="3f2a9c1b7d4e5a6b"`, `sid="<cookie::16>"`},
		{"Set-Cookie", "sid=3f2a9c1b7d4e5a6b; Path=/; HttpOnly; Secure", "sid=<cookie::16>; Path=/; HttpOnly; Secure"},
		{"set-cookie", "a=3f2a9c1b7d4e; Path=/\nb=5a6b7c8d9e0f; HttpOnly", "a=<cookie::12>; Path=/\nb=<cookie::12>; HttpOnly"},
		{"X-API-Key", "3a16750d-d363-41a4-8ebd-035408f7730f", "<opaque::36>"},
		{"x-api-key", "3a16750d-d363-41a4-8ebd-035408f7730f", "<opaque::36>"},
		{"x-csrf-jwt", jwtHS, jwtHP + "<sig::43>"},
		{"X-Api-Key", "-", "-"},
		{"Location", "https://app.example.com/cb#access_token=Zx3kQ8c1f2a9b7d4e6&token_type=Bearer", "https://app.example.com/cb#access_token=<opaque::18>&token_type=Bearer"},
		{"Referer", "https://deploy:Zx3kQ8c1f2a9@ci.example.com/job/1?page=2", "https://deploy:%3Credacted%3Apassword%3A%3A12%3A"},
		{":path", "/v1/me?access_token=9f8e7d6c5b4a39281706f5e4&page=2", "/v1/me?access_token=<opaque::24>&page=2"},
		{"Content-Type", "application/json", "application/json"},
		{"X-Debug", "token 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 seen", "token <github:ghp_:40> seen"},
		{"WWW-Authenticate", `Bearer realm="api", error="invalid_token"`, `Bearer realm="api", error="invalid_token"`},
	}
	for _, tt := range tests {
		r := &replacer{}
		got := norm(r.header(tt.name, tt.in, "f"))
		if tt.name == "Referer" {
			// the userinfo marker is percent-encoded: check its start
			if !strings.HasPrefix(got, tt.want) || !strings.HasSuffix(got, "%3E@ci.example.com/job/1?page=2") {
				t.Errorf("%s: %q\n got %q", tt.name, tt.in, got)
			}
			continue
		}
		if got != tt.want {
			t.Errorf("%s: %q\n got %q\nwant %q", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://api.example.com/v1/me?access_token=9f8e7d6c5b4a39281706f5e4&page=2", "https://api.example.com/v1/me?access_token=<opaque::24>&page=2"},
		{"https://api.example.com/v1/me?page=2&api_key=" + jwtHS, "https://api.example.com/v1/me?page=2&api_key=" + jwtHP + "<sig::43>"},
		{"https://api.example.com/v1/me?q=token&page=2", "https://api.example.com/v1/me?q=token&page=2"},
		{"https://api.example.com/v1/keys/sk_live_ugM1yTMAd7V3DnI8lFPPwtV5/rotate", "https://api.example.com/v1/keys/<stripe:sk_live_:32>/rotate"},
		{"https://api.example.com/v1/users/cus_NffrFeUfNV2Hib", "https://api.example.com/v1/users/cus_NffrFeUfNV2Hib"},
		{"/cb?code=abc&state=xyz", "/cb?code=abc&state=xyz"},
		{"https://user@example.com/", "https://user@example.com/"},
	}
	for _, tt := range tests {
		r := &replacer{}
		if got := norm(r.url(tt.in, "u")); got != tt.want {
			t.Errorf("%q\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

func TestBody(t *testing.T) {
	tests := []struct{ mime, in, want string }{
		{"application/json", `{"access_token":"9f8e7d6c5b4a39281706f5e4","token_type":"Bearer","expires_in":3600,"refresh_token":"rt_9f8e7d6c5b4a3928","id_token":"` + jwtHS + `"}`,
			`{"access_token":"<opaque::24>","token_type":"Bearer","expires_in":3600,"refresh_token":"<opaque::19>","id_token":"` + jwtHP + `<sig::43>"}`},
		{"application/json; charset=utf-8", "{\n  \"user\": {\"password\": \"hunter2!x\"},\n  \"key\": \"uploads/2024/photo.jpg\"\n}",
			"{\n  \"user\": {\"password\": \"<opaque::9>\"},\n  \"key\": \"uploads/2024/photo.jpg\"\n}"},
		{"application/json", `{"key":"AIzaSyA9f8e7d6c5b4a39281706f5e4d3c2b1a0x"}`, `{"key":"<google:AIza:40>"}`},
		{"application/x-www-form-urlencoded", "grant_type=client_credentials&client_id=app&client_secret=cs_4f9d2b7e1a6c8d0e", "grant_type=client_credentials&client_id=app&client_secret=<opaque::19>"},
		{"", "grant_type=refresh_token&refresh_token=rt_9f8e7d6c5b4a3928", "grant_type=refresh_token&refresh_token=<opaque::19>"},
		{"multipart/form-data; boundary=XyZ", "--XyZ\r\nContent-Disposition: form-data; name=\"client_secret\"\r\n\r\ncs_4f9d2b7e1a6c8d0e\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nhello\r\n--XyZ--\r\n",
			"--XyZ\r\nContent-Disposition: form-data; name=\"client_secret\"\r\n\r\n<opaque::19>\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nhello\r\n--XyZ--\r\n"},
		{"text/plain", "debug: Authorization: Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0\nall good", "debug: Authorization: Bearer <opaque::32>\nall good"},
	}
	for _, tt := range tests {
		r := &replacer{}
		if got := norm(r.body(tt.mime, tt.in, "b")); got != tt.want {
			t.Errorf("%s %q\n got %q\nwant %q", tt.mime, tt.in, got, tt.want)
		}
	}
}

func TestEncodedBody(t *testing.T) {
	plain := `{"access_token":"9f8e7d6c5b4a39281706f5e4","token_type":"Bearer"}`
	for _, in := range []string{
		base64.StdEncoding.EncodeToString([]byte(plain)),
		base64.RawURLEncoding.EncodeToString([]byte(plain)),
		base64.StdEncoding.EncodeToString([]byte(plain)) + "=", // bad padding: the HAR reader decodes it
	} {
		r := &replacer{}
		out := r.encodedBody("application/json", in, "base64", "b")
		// re-encoded in the first alphabet that read it, which the
		// readers decode
		dec, ok := parsers.DecodeBase64(out)
		if !ok {
			t.Fatalf("not base64 any more: %q", out)
		}
		if got := norm(string(dec)); got != `{"access_token":"<opaque::24>","token_type":"Bearer"}` {
			t.Errorf("decoded %q", got)
		}
	}
	// binary and undecodable bodies keep their text
	r := &replacer{}
	bin := base64.StdEncoding.EncodeToString([]byte{0x1f, 0x8b, 0, 1, 2, 3})
	if out := r.encodedBody("application/octet-stream", bin, "base64", "b"); out != bin {
		t.Errorf("binary body changed")
	}
	if out := r.encodedBody("application/json", `["H4sI","AAAA"]`, "base64", "b"); out != `["H4sI","AAAA"]` {
		t.Errorf("Polly's chunked body changed: %q", out)
	}
}

func TestJWTForm(t *testing.T) {
	r := &replacer{}
	out, ok := r.value(jwtHS, "", "f", "")
	if !ok || !strings.HasPrefix(out, jwtHP+"<redacted:sig::43:") {
		t.Fatalf("JWT form: %q", out)
	}
	j, err := secrets.DecodeJWT(out)
	if err != nil {
		t.Fatal(err)
	}
	if exp, ok := j.Expiry(); !ok || exp.Unix() != 1700003600 || j.Unsigned() || j.Subject() != "user-1" {
		t.Errorf("claims after sanitizing: exp %v unsigned %v sub %q", exp, j.Unsigned(), j.Subject())
	}
	// the marker's fingerprint is the whole token's, as analyze shows it
	if want := secrets.New(jwtHS).Fingerprint().Short(); !strings.HasSuffix(out, want+">") {
		t.Errorf("fingerprint: %q, want %s", out, want)
	}
	if secrets.New(out).SourceFingerprint() != secrets.New(jwtHS).SourceFingerprint() {
		t.Errorf("a sanitized JWT does not compare equal to the original")
	}
	// unsigned stays unsigned
	out, _ = r.value(jwtNo, "", "f", "")
	if j, err := secrets.DecodeJWT(out); err != nil || !j.Unsigned() {
		t.Errorf("an unsigned token must stay unsigned: %q %v", out, err)
	}
	// idempotent
	if again, changed := r.value(out, "", "f", ""); changed || again != out {
		t.Errorf("sanitizing a sanitized JWT changed it")
	}
}

func TestDropClaims(t *testing.T) {
	// {"sub":"u1","email":"ann@example.com","name":"Ann","exp":1700003600,"scope":"read"}
	payload := base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"u1","email":"ann@example.com","name":"Ann","exp":1700003600,"scope":"read"}`))
	tok := "eyJhbGciOiJIUzI1NiJ9." + payload + ".c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl"
	r := &replacer{drop: map[string]bool{"email": true, "name": true}}
	out, _ := r.value(tok, "", "f", "")
	seg := strings.Split(out, ".")[1]
	dec, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		t.Fatal(err)
	}
	if string(dec) != `{"sub":"u1","exp":1700003600,"scope":"read"}` {
		t.Errorf("payload %s", dec)
	}
	// nothing to drop: the payload segment stays byte for byte
	r = &replacer{drop: map[string]bool{"phone": true}}
	out, _ = r.value(tok, "", "f", "")
	if strings.Split(out, ".")[1] != payload {
		t.Errorf("payload re-encoded although no claim was dropped")
	}
}

func TestKnownValues(t *testing.T) {
	r := &replacer{}
	r.header("Cookie", "sid=Zx3kQ8c1f2a9b7d4e6", "h")
	got := norm(r.applyKnown("https://stats.example.com/p?c=sid%3DZx3kQ8c1f2a9b7d4e6&x=1", "u"))
	if got != "https://stats.example.com/p?c=sid%3D<cookie::18>&x=1" {
		t.Errorf("echo not replaced: %q", got)
	}
	// a plain word is not remembered
	r.header("Cookie", "consent=accepted", "h")
	if got := r.applyKnown("the user accepted the terms", "t"); got != "the user accepted the terms" {
		t.Errorf("plain word replaced: %q", got)
	}
}

func TestCurlCommand(t *testing.T) {
	tests := []struct{ in, want string }{
		{`$ curl -v -u alice:s3cr3t-pass http://api.example.com/basic`, `$ curl -v -u 'alice:<password::11>' http://api.example.com/basic`},
		{`curl -H "Authorization: Bearer 9f8e7d6c5b4a39281706f5e4" https://x.example.com`, `curl -H "Authorization: Bearer <opaque::24>" https://x.example.com`},
		{`curl -H 'x-api-key: 3a16750d-d363-41a4-8ebd-035408f7730f' https://x`, `curl -H 'x-api-key: <opaque::36>' https://x`},
		{`curl --oauth2-bearer 9f8e7d6c5b4a39281706f5e4 https://x`, `curl --oauth2-bearer '<opaque::24>' https://x`},
		{`curl -b "sid=3f2a9c1b7d4e5a6b" https://x`, `curl -b "sid=<cookie::16>" https://x`},
		{`curl -b cookies.txt https://x`, `curl -b cookies.txt https://x`},
		{`curl -d "grant_type=client_credentials&client_secret=cs_4f9d2b7e1a6c8d0e" https://x`, `curl -d "grant_type=client_credentials&client_secret=<opaque::19>" https://x`},
		{`curl -F "client_secret=cs_4f9d2b7e1a6c8d0e" https://x`, `curl --form-string "client_secret=<opaque::19>" https://x`},
		{`curl "https://api.example.com/v1/me?access_token=9f8e7d6c5b4a39281706f5e4"`, `curl "https://api.example.com/v1/me?access_token=<opaque::24>"`},
		{`curl -uadmin:Tr0ub4dor-3 https://x`, `curl -u'admin:<password::11>' https://x`},
	}
	for _, tt := range tests {
		c := &curlText{r: &replacer{}, max: 1 << 20}
		if got := norm(c.r.textLine(tt.in, c.structured(tt.in), "l")); got != tt.want {
			t.Errorf("%s\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
	// a continued command line: the option's value on the next line
	c := &curlText{r: &replacer{}, max: 1 << 20}
	first := c.structured(`curl -v \`)
	second := norm(c.structured(`  -H "Authorization: Bearer 9f8e7d6c5b4a39281706f5e4" \`))
	third := norm(c.structured(`  -u bob:hunter2hunter2`))
	if first != `curl -v \` || second != `  -H "Authorization: Bearer <opaque::24>" \` || third != `  -u 'bob:<password::14>'` {
		t.Errorf("continuation:\n%s\n%s\n%s", first, second, third)
	}
}

func TestCurlLines(t *testing.T) {
	tests := []struct{ in, want string }{
		{"> Authorization: Bearer this_is_just_a_test", "> Authorization: Bearer <opaque::19>"},
		{"> GET /v1/me?access_token=9f8e7d6c5b4a39281706f5e4 HTTP/1.1", "> GET /v1/me?access_token=<opaque::24> HTTP/1.1"},
		{"< set-cookie: sid=3f2a9c1b7d4e5a6b; HttpOnly", "< set-cookie: sid=<cookie::16>; HttpOnly"},
		{"* [HTTP/2] [1] [authorization: Bearer this_is_just_a_test]", "* [HTTP/2] [1] [authorization: Bearer <opaque::19>]"},
		{"== Info: h2h3 [x-api-key: abcdefabcdefabcd]", "== Info: h2h3 [x-api-key: <opaque::16>]"},
		{"06:39:23.414136 > Authorization: Basic dXNlcjpwYXNz", "06:39:23.414136 > Authorization: Basic <basic::12>"},
		{"Set-Cookie: sid=3f2a9c1b7d4e5a6b; HttpOnly", "Set-Cookie: sid=<cookie::16>; HttpOnly"},
		{"* Server auth using Basic with user 'alice'", "* Server auth using Basic with user 'alice'"},
	}
	for _, tt := range tests {
		c := &curlText{r: &replacer{}, max: 1 << 20}
		if got := norm(c.r.textLine(tt.in, c.structured(tt.in), "l")); got != tt.want {
			t.Errorf("%s\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
}

func TestLogLines(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"status":401,"http_authorization":"Bearer nginx_prod_jwt_token_777","http_x_api_key":"-","http_cookie":"sid=3f2a9c1b7d4e5a6b; csrftoken=Zx3kQ8c1f2a9b7d4"}`,
			`{"status":401,"http_authorization":"Bearer <opaque::24>","http_x_api_key":"-","http_cookie":"sid=<cookie::16>; csrftoken=<cookie::16>"}`},
		{`{"request":{"headers":{"Authorization":["Bearer abcdefabcdefabcdef"]}},"uri":"/v1/me?apikey=k3y0123456789"}`,
			`{"request":{"headers":{"Authorization":["Bearer <opaque::18>"]}},"uri":"/v1/me?apikey=<opaque::13>"}`},
		{`{"attributes":[{"key":"url.query","value":{"stringValue":"token=CANARYotelQuery0123456789"}},{"key":"http.request.method","value":{"stringValue":"GET"}}]}`,
			`{"attributes":[{"key":"url.query","value":{"stringValue":"token=<opaque::25>"}},{"key":"http.request.method","value":{"stringValue":"GET"}}]}`},
		{`127.0.0.1 - - [24/Apr/2026:10:29:30 +0000] "GET /v1/me?api_key=k3y0123456789 HTTP/1.1" 401 5 "https://app.example.com/cb?access_token=Zx3kQ8c1f2a9b7d4e6" "curl/8" http_authorization="Bearer nginx_prod_jwt_token_777"`,
			`127.0.0.1 - - [24/Apr/2026:10:29:30 +0000] "GET /v1/me?api_key=<opaque::13> HTTP/1.1" 401 5 "https://app.example.com/cb?access_token=<opaque::18>" "curl/8" http_authorization="Bearer <opaque::24>"`},
		{`level=warn msg="login failed" user=bob password=Tr0ub4dor-3`, `level=warn msg="login failed" user=bob password=<opaque::11>`},
	}
	for _, tt := range tests {
		r := &replacer{}
		if got := norm(r.logText(tt.in, "l")); got != tt.want {
			t.Errorf("%s\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
}

func TestDumpLines(t *testing.T) {
	data := []byte("GET / HTTP/1.1\r\nAuthorization: Bearer eyJh.eyJ.<redacted:sig::43:0123456789ab>\r\nAccept: */*\r\n\r\n")
	ascii := dumpLines(data, false)
	if len(ascii) != 4 || !strings.HasSuffix(ascii[1], "<redacted:sig::43:0123456789ab>") || ascii[0] != "0000: GET / HTTP/1.1" {
		t.Errorf("ascii dump: %q", ascii)
	}
	hex := dumpLines([]byte("Authorization: Basic dXNlcjpwYXNz\r\n"), true)
	if hex[0] != "0000: 41 75 74 68 6f 72 69 7a 61 74 69 6f 6e 3a 20 42 Authorization: B" {
		t.Errorf("hex dump: %q", hex[0])
	}
	for _, l := range hex {
		if d, ok := parsers.DecodeCurlHexDump(l[6:]); !ok || len(d) == 0 || !isHexDumpLine(l[6:]) {
			t.Errorf("hex line does not decode: %q", l)
		}
	}
}

// TestRunBeforeMarker: only a sanitized JWT's "header.payload." stays as it
// is before a marker; any other value ending in "." there is replaced.
func TestRunBeforeMarker(t *testing.T) {
	const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.<redacted:sig::43:0123456789ab>"
	for _, line := range []string{
		"> Authorization: Token s3cretOpaqueValue99xyz.<redacted:x> tail",
		"> Authorization: Bearer s3cretOpaqueValue99xyz.<redacted:x>",
		"Authorization: Bearer s3cretOpaqueValue99xyz.<redacted:x>",
	} {
		c := &curlText{r: &replacer{}, max: 1 << 20}
		if got := c.r.textLine(line, c.structured(line), "l"); strings.Contains(got, "s3cretOpaqueValue99xyz") {
			t.Errorf("%s\n kept the credential: %s", line, got)
		}
	}
	r := &replacer{}
	if got := r.logText(`127.0.0.1 - - [24/Apr/2026:10:29:30 +0000] "GET / HTTP/1.1" 401 5 "-" "curl/8" http_authorization="Token s3cretOpaqueValue99xyz.<redacted:x> tail"`, "l"); strings.Contains(got, "s3cretOpaqueValue99xyz") {
		t.Errorf("log line kept the credential: %s", got)
	}
	c := &curlText{r: &replacer{}, max: 1 << 20}
	line := "> Authorization: Bearer " + jwt
	if got := c.r.textLine(line, c.structured(line), "l"); got != line {
		t.Errorf("a sanitized JWT changed:\n got %s\nwant %s", got, line)
	}
}

// TestJWTTails: a JWT that goes on after its signature is replaced to its
// end, and a sentence's final "." after a JWT stays.
func TestJWTTails(t *testing.T) {
	const tok = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl"
	r := &replacer{}
	got := r.detectLine("token="+tok+".dGFpbHRhaWx0YWlsdGFpbA more", 0, "l")
	if strings.Contains(got, "dGFpbHRhaWx0YWlsdGFpbA") || strings.Contains(got, "c2lnbmF0dXJl") {
		t.Errorf("a tail survived: %s", got)
	}
	got = r.detectLine("rejected token "+tok+". Retry later", 0, "l")
	if !strings.HasSuffix(got, ". Retry later") || strings.Contains(got, "c2lnbmF0dXJl") {
		t.Errorf("sentence: %s", got)
	}
}
