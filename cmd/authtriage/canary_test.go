package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Canary credentials planted in every input kind. Each is unique enough that
// finding it (or a long piece of it) in any output means a leak.
var canaries = []string{
	"CANARYbearer0pq1rs2tu3vw4xy5z",                // opaque bearer
	"sk_live_CANARY51HxStripeKey0123456789",        // provider key
	"ghp_CANARYgithubToken0123456789abcdefABCD",    // GitHub token
	"CANARYapiKeyHeader9f8e7d6c5b4a",               // X-API-Key
	"CANARYcookieSession7f3a9c0e5b1d",              // session cookie
	"CANARYsetCookie2b7d4e9f1a3c5e7",               // Set-Cookie from the server
	"CANARYqueryToken4c6e8a0b2d4f6a",               // ?access_token=
	"CANARYbodyToken1a2b3c4d5e6f7a8b",              // JSON body
	"CANARYformSecret9z8y7x6w5v4u",                 // form body client_secret
	"CANARYurlPassw0rd",                            // URL userinfo password
	"CANARYrespAccessToken5e6f7a8b9c0d",            // token endpoint response
	"CANARYsignatureSegment0123456789abcdefghijkl", // JWT signature
	"dXNlcjpDQU5BUllwYXNzd29yZDEyMw",               // Basic base64 of user:CANARYpassword123
	"CANARYpassword123",                            // the decoded Basic password
	"CANARYproxyAuth3e4f5a6b7c8d9e0f",              // Proxy-Authorization
	"CANARYoriginPassw0rd6c7d8e9f0a",               // a password in an Origin header
	"sk_live_CANARYoriginHost0123456789ab",         // a key written as an Origin's host
}

// canaryJWT is an HS256-shaped JWT whose signature is a canary.
const canaryJWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwiZXhwIjoxNzk2MDE0ODAwfQ.CANARYsignatureSegment0123456789abcdefghijkl"

// canaryHAR is a HAR carrying every canary where credentials live.
func canaryHAR() string {
	entry := func(method, url string, reqHeaders [][2]string, post string, mime string, status int, respHeaders [][2]string, body string) map[string]any {
		hs := func(pairs [][2]string) []map[string]string {
			out := []map[string]string{}
			for _, p := range pairs {
				out = append(out, map[string]string{"name": p[0], "value": p[1]})
			}
			return out
		}
		req := map[string]any{"method": method, "url": url, "httpVersion": "HTTP/1.1", "headers": hs(reqHeaders), "cookies": []any{}, "queryString": []any{}}
		if post != "" {
			req["postData"] = map[string]any{"mimeType": mime, "text": post}
		}
		return map[string]any{
			"startedDateTime": "2026-11-30T06:40:00.000Z", "time": 12.5,
			"request":  req,
			"response": map[string]any{"status": status, "statusText": "", "httpVersion": "HTTP/1.1", "headers": hs(respHeaders), "cookies": []any{}, "content": map[string]any{"size": len(body), "mimeType": "application/json", "text": body}, "redirectURL": ""},
			"cache":    map[string]any{}, "timings": map[string]any{"send": 0, "wait": 1.5, "receive": 0},
		}
	}
	www := [][2]string{{"WWW-Authenticate", `Bearer realm="api", error="invalid_token", error_description="token CANARYbearer0pq1rs2tu3vw4xy5z is unknown"`}, {"Date", "Mon, 30 Nov 2026 06:40:00 GMT"}}
	entries := []any{
		entry("GET", "https://api.example.com/v1/me", [][2]string{{"Authorization", "Bearer " + canaries[0]}, {"Origin", "https://admin:" + canaries[15] + "@app.example.com"}}, "", "", 401, www, `{"error":"invalid_token"}`),
		entry("GET", "https://api.example.com/v1/me", [][2]string{{"authorization", "Bearer Bearer " + canaries[1]}, {"Origin", "https://" + canaries[16]}}, "", "", 401, www, ""),
		entry("GET", "https://api.github.com/user", [][2]string{{"Authorization", `token "` + canaries[2] + `"`}}, "", "", 401, nil, `{"message":"Bad credentials"}`),
		entry("GET", "https://api.example.com/v1/me", [][2]string{{"x-api-key", canaries[3]}, {"Cookie", "sid=" + canaries[4] + "; theme=dark"}}, "", "", 403, nil, ""),
		entry("GET", "https://app.example.com/", nil, "", "", 200, [][2]string{{"Set-Cookie", "sid=" + canaries[5] + "; HttpOnly"}}, ""),
		entry("GET", "https://api.example.com/v1/me?access_token="+canaries[6], nil, "", "", 401, nil, ""),
		entry("POST", "https://api.example.com/v1/orders", nil, `{"auth":{"access_token":"`+canaries[7]+`"}}`, "application/json", 401, nil, ""),
		entry("POST", "https://auth.example.com/oauth/token", nil, "grant_type=client_credentials&client_id=app&client_secret="+canaries[8], "application/x-www-form-urlencoded", 200, nil, `{"access_token":"`+canaries[10]+`","token_type":"Bearer"}`),
		entry("GET", "https://admin:"+canaries[9]+"@api.example.com/v1/admin", nil, "", "", 401, nil, ""),
		entry("GET", "https://api.example.com/v1/me", [][2]string{{"Authorization", "Bearer " + canaryJWT}}, "", "", 401, www, ""),
		entry("GET", "https://api.example.com/v1/me", [][2]string{{"Authorization", "Basic " + canaries[12]}}, "", "", 401, [][2]string{{"WWW-Authenticate", "Bearer"}}, ""),
		entry("GET", "http://api.example.com/v1/me", [][2]string{{"Proxy-Authorization", "Basic " + canaries[14]}}, "", "", 407, [][2]string{{"Proxy-Authenticate", `Basic realm="proxy"`}}, ""),
	}
	doc := map[string]any{"log": map[string]any{"version": "1.2", "creator": map[string]any{"name": "WebInspector", "version": "537.36"}, "entries": entries}}
	b, _ := json.MarshalIndent(doc, "", "  ")
	return string(b)
}

// canaryCurl is a curl -v transcript (with its command line) carrying
// canaries in -H, -u, --data, the * lines curl prints for HTTP/2 and Basic
// auth, and a response body.
func canaryCurl() string {
	return `$ curl -v -u admin:` + canaries[13] + ` -H "X-API-Key: ` + canaries[3] + `" -H "Authorization: Bearer ` + canaries[0] + `" --data "client_secret=` + canaries[8] + `&grant_type=client_credentials" https://api.example.com/v1/me?access_token=` + canaries[6] + `
* Connected to api.example.com (127.0.0.1) port 443 (#0)
* Server auth using Basic with user 'admin'
* [HTTP/2] [1] OPENED stream for https://api.example.com/v1/me?access_token=` + canaries[6] + `
* [HTTP/2] [1] [:method: POST]
* [HTTP/2] [1] [authorization: Bearer ` + canaries[0] + `]
* [HTTP/2] [1] [x-api-key: ` + canaries[3] + `]
> POST /v1/me?access_token=` + canaries[6] + ` HTTP/2
> Host: api.example.com
> Authorization: Bearer ` + canaries[0] + `
> X-API-Key: ` + canaries[3] + `
> Cookie: sid=` + canaries[4] + `
> Content-Type: application/x-www-form-urlencoded
>
< HTTP/2 401 
< www-authenticate: Bearer error="invalid_token"
< set-cookie: sid=` + canaries[5] + `; HttpOnly
< content-type: application/json
<
{"error":"invalid_token","access_token":"` + canaries[10] + `"}
* Connection #0 to host api.example.com left intact
`
}

// canaryLogs are access and application logs carrying canaries the way real
// servers log them.
func canaryLogs() map[string]string {
	return map[string]string{
		"nginx.json": `{"time_iso8601":"2026-11-30T06:40:29+00:00","request":"GET /v1/me?access_token=` + canaries[6] + ` HTTP/1.1","request_method":"GET","scheme":"https","host":"api.example.com","request_uri":"/v1/me?access_token=` + canaries[6] + `","args":"access_token=` + canaries[6] + `","status":401,"http_authorization":"Bearer ` + canaries[1] + `","http_cookie":"sid=` + canaries[4] + `","http_x_api_key":"` + canaries[3] + `","request_body":"{\"password\":\"` + canaries[13] + `\"}","sent_http_www_authenticate":"Bearer error=\"invalid_token\""}
{"time_iso8601":"2026-11-30T06:40:30+00:00","request":"GET /v1/me HTTP/1.1","request_method":"GET","scheme":"https","host":"api.example.com","request_uri":"/v1/me","args":"","status":401,"http_authorization":"Bearer ` + canaryJWT + `","http_cookie":"","http_x_api_key":"","request_body":"","sent_http_www_authenticate":"Bearer error=\"invalid_token\""}
`,
		"access.log": `127.0.0.1 - admin [30/Nov/2026:06:40:29 +0000] "GET /v1/me?api_key=` + canaries[3] + `&access_token=` + canaries[6] + ` HTTP/1.1" 401 66 "https://app.example.com/?token=` + canaries[7] + `" "curl/8.14.1"
127.0.0.1 - - [30/Nov/2026:06:40:30 +0000] "GET https://admin:` + canaries[9] + `@api.example.com/v1/admin HTTP/1.1" 401 66 "-" "curl/8.14.1"
`,
		"app.jsonl": `{"time":"2026-11-30T06:40:29Z","level":"INFO","msg":"calling upstream","method":"GET","url":"https://api.example.com/v1/me","status":401,"authorization":"Bearer ` + canaries[2] + `","stripe_key":"` + canaries[1] + `"}
{"time":"2026-11-30T06:40:30Z","level":"DEBUG","msg":"token refreshed","access_token":"` + canaries[10] + `","client_secret":"` + canaries[8] + `"}
`,
		"app.log": `2026-11-30T06:40:31Z level=debug msg="outgoing request" header="Authorization: Basic ` + canaries[12] + `" proxy="Proxy-Authorization: Basic ` + canaries[14] + `"
`,
	}
}

// realCredentials extracts the real (long expired) credentials two corpus
// files hold, so the test also covers values nobody here chose.
func realCredentials(t *testing.T) []string {
	var out []string
	re := regexp.MustCompile(`"(?i:authorization)",\s*"value":\s*"[A-Za-z_]+ ([^"]{12,})"`)
	for _, f := range []string{"mitmproxy-export-google-bearer__mitmproxy__diff_data.har", "mitmproxy-export-apikey-sse__mitmproxy__event_stream.har"} {
		b, err := os.ReadFile(filepath.Join("../../testdata/corpus/har", f))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			out = append(out, m[1])
		}
	}
	if len(out) < 2 {
		t.Fatalf("expected the corpus's real credentials, found %d", len(out))
	}
	return out
}

// leaks reports which secret (or 16-character window of one) appears in s.
func leaks(s string, secrets []string) string {
	for _, sec := range secrets {
		if strings.Contains(s, sec) {
			return sec
		}
		for i := 0; i+16 <= len(sec); i += 4 {
			if w := sec[i : i+16]; strings.Contains(s, w) && !strings.HasPrefix(w, "CANARY") {
				return sec + " (window " + w + ")"
			}
		}
	}
	return ""
}

// TestCanary renders every input kind through every command and format and
// fails if any credential value appears in stdout, stderr or an output file.
func TestCanary(t *testing.T) {
	dir := t.TempDir()
	har := filepath.Join(dir, "canary.har")
	if err := os.WriteFile(har, []byte(canaryHAR()), 0o644); err != nil {
		t.Fatal(err)
	}
	secrets := append(append([]string{canaryJWT}, canaries...), realCredentials(t)...)
	curl := filepath.Join(dir, "transcript.txt")
	if err := os.WriteFile(curl, []byte(canaryCurl()), 0o644); err != nil {
		t.Fatal(err)
	}
	inputs := []string{har, curl}
	for name, body := range canaryLogs() {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, p)
	}
	inputs = append(inputs,
		"../../testdata/corpus/har/mitmproxy-export-google-bearer__mitmproxy__diff_data.har",
		"../../testdata/corpus/har/mitmproxy-export-apikey-sse__mitmproxy__event_stream.har")
	// a HAR that does not parse to the end is scanned as text
	cut := filepath.Join(dir, "cut.har")
	if err := os.WriteFile(cut, []byte(canaryHAR()[:len(canaryHAR())*3/4]), 0o644); err != nil {
		t.Fatal(err)
	}
	inputs = append(inputs, cut)
	commands := func(format string) [][]string {
		out := filepath.Join(dir, "out")
		return [][]string{
			{"analyze"}, {"analyze", "--format", format, "-o", out},
			// scan exits 1 on findings; --fail-on none keeps the exit
			// code about the run
			{"scan", "--fail-on", "none"}, {"scan", "--fail-on", "none", "--format", format, "-o", out},
		}
	}
	for _, in := range inputs {
		for _, format := range []string{"table", "markdown", "json", "sarif"} {
			for _, cmd := range commands(format) {
				os.Remove(filepath.Join(dir, "out"))
				args := append(append([]string{}, cmd...), "--format", format, in)
				r := runBinary(t, "", args...)
				if r.code != 0 && !(cmd[0] == "analyze" && in == cut && r.code == 3) {
					t.Fatalf("%v: exit %d: %s", args, r.code, r.stderr)
				}
				out, _ := os.ReadFile(filepath.Join(dir, "out"))
				for name, s := range map[string]string{"stdout": r.stdout, "stderr": r.stderr, "-o file": string(out)} {
					if l := leaks(s, secrets); l != "" {
						t.Errorf("%v: %s leaks %s", args, name, l)
					}
				}
			}
		}
	}
	// sanitize: the copy (-o), the copy on stdout and the dry-run listing
	// hold no canary. The copy keeps a JWT's header and payload on
	// purpose, so for it the JWT counts by its signature (a canary too).
	bySignature := append(append([]string{}, canaries...), realCredentials(t)...)
	for i, in := range inputs {
		out := filepath.Join(dir, "sanitized-"+strconv.Itoa(i)+"-"+filepath.Base(in))
		for _, args := range [][]string{{"sanitize", in, "-o", out}, {"sanitize", in}, {"sanitize", "--dry-run", in}, {"sanitize", "--drop-claims", "iss", in}} {
			r := runBinary(t, "", args...)
			if r.code != 0 {
				t.Fatalf("%v: exit %d: %s", args, r.code, r.stderr)
			}
			for name, s := range map[string]string{"stdout": r.stdout, "stderr": r.stderr} {
				if l := leaks(s, bySignature); l != "" {
					t.Errorf("%v: %s leaks %s", args, name, l)
				}
			}
		}
		copyText := string(mustRead(t, out))
		if l := leaks(copyText, bySignature); l != "" {
			t.Errorf("sanitize %s: the copy leaks %s", in, l)
		}
		if !strings.Contains(copyText, "<redacted:") {
			t.Errorf("sanitize %s: nothing was replaced", in)
		}
		// and every command's output on the copy is clean too
		for _, format := range []string{"table", "json"} {
			r := runBinary(t, "", "analyze", "--format", format, out)
			if l := leaks(r.stdout+r.stderr, secrets); l != "" {
				t.Errorf("analyze of the sanitized %s leaks %s", in, l)
			}
		}
	}
	// diff: every input kind against the canary HAR and the transcript,
	// both ways, in both formats. An input without HTTP exchanges (the
	// application log) ends with exit 3, its message clean too.
	for _, in := range inputs {
		for _, other := range []string{har, curl} {
			for _, format := range []string{"table", "markdown"} {
				for _, args := range [][]string{{"diff", "--format", format, in, other}, {"diff", "--format", format, other, in}} {
					r := runBinary(t, "", args...)
					if r.code != 0 && r.code != 3 {
						t.Fatalf("%v: exit %d: %s", args, r.code, r.stderr)
					}
					for name, s := range map[string]string{"stdout": r.stdout, "stderr": r.stderr} {
						if l := leaks(s, secrets); l != "" {
							t.Errorf("%v: %s leaks %s", args, name, l)
						}
					}
				}
			}
		}
	}
	// diff must have compared credentials for the check to mean
	// something: the same capture with every request answered 200 as GOOD
	// pairs each refused request with itself, every canary on both sides.
	ok := filepath.Join(dir, "canary-ok.har")
	okText := regexp.MustCompile(`"status": 40[137]`).ReplaceAllString(canaryHAR(), `"status": 200`)
	// and with a plain Origin, so that the Origin row (shown when the
	// sides differ) shows the refused request's
	okText = strings.ReplaceAll(okText, "admin:"+canaries[15]+"@", "")
	okText = strings.ReplaceAll(okText, "https://"+canaries[16], "https://app.example.com")
	if err := os.WriteFile(ok, []byte(okText), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"table", "markdown"} {
		r := runBinary(t, "", "diff", "--format", format, ok, har)
		if r.code != 0 || strings.Count(r.stdout, "same credential") < 5 {
			t.Fatalf("diff of the canary HAR: exit %d, %d credentials compared\n%s", r.code, strings.Count(r.stdout, "same credential"), r.stdout)
		}
		if l := leaks(r.stdout+r.stderr, secrets); l != "" {
			t.Errorf("diff --format %s of the canary HAR leaks %s", format, l)
		}
	}

	// The canary inputs must also produce findings (a test that cannot
	// fail because nothing is rendered proves nothing).
	for _, in := range []string{har, curl, filepath.Join(dir, "nginx.json")} {
		r := runBinary(t, "", "analyze", "--format", "json", in)
		if n := strings.Count(r.stdout, `"rule":`); n < 2 {
			t.Fatalf("%s produced %d findings; the test would prove little\n%s\n%s", in, n, r.stdout, r.stderr)
		}
	}
	// scan reports (nearly) every canary of every input: the outputs
	// checked above did render them.
	for _, in := range inputs[:6] {
		r := runBinary(t, "", "scan", "--format", "json", in)
		if n := strings.Count(r.stdout, `"rule": "leaked-secret"`); r.code != 1 || n < 2 {
			t.Fatalf("scan %s: exit %d, %d findings; the test would prove little\n%s", in, r.code, n, r.stderr)
		}
		if in == har {
			continue
		}
		// line inputs: every canary is found where it is
		known := []string{canaryJWT}
		for _, c := range canaries {
			// The signature is reported as the JWT; and a run such as
			// 0123456789 marks a template value for the detectors
			// (AIzaSyabcdefghijklmnop…), so those canaries are not
			// credentials to them.
			if !strings.Contains(canaryJWT, c) && !strings.Contains(c, "0123456") {
				known = append(known, c)
			}
		}
		got := scanPositions(t, decodeScan(t, r.stdout))
		for w := range expectAt(t, []string{in}, known) {
			if got[w] == "" {
				t.Errorf("scan %s:%d:%d: canary not reported", w.file, w.line, w.column)
			}
		}
	}
}
