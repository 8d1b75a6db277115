package parsers

import (
	"encoding/base64"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseCurlCommand(t *testing.T) {
	for _, c := range []struct {
		line    string
		method  string
		urls    []string // rendered
		headers []string // HeaderNames
		mime    string   // body MIME type prefix, "" for none
		fields  []string // body field names
		check   func(t *testing.T, c *CurlCommand)
	}{
		{line: `$ curl -v https://api.example.com/v1/me`, method: "GET", urls: []string{"https://api.example.com/v1/me"}},
		{line: `curl api.example.com/v1/me`, method: "GET", urls: []string{"http://api.example.com/v1/me"}},
		{line: `[dev@box src]$ curl -s https://api.example.com/`, method: "GET", urls: []string{"https://api.example.com/"}},
		{line: `(venv) dev@box:~/src$ sudo curl https://api.example.com/`, method: "GET", urls: []string{"https://api.example.com/"}},
		{line: `user@box:~/src$ curl -sSL -XPOST -H'Accept: application/json' "https://api.example.com/a%20b" | jq .`,
			method: "POST", urls: []string{"https://api.example.com/a%20b"}, headers: []string{"Accept"},
			check: func(t *testing.T, c *CurlCommand) {
				if !c.Location || c.ExplicitMethod != "POST" {
					t.Errorf("location %v method %q", c.Location, c.ExplicitMethod)
				}
			}},
		{line: `C:\Users\dev>curl.exe -H "Authorization: Bearer abc.def" -d "{\"api_key\":\"k1\"}" -H "Content-Type: application/json" https://api.example.com/x`,
			method: "POST", urls: []string{"https://api.example.com/x"}, headers: []string{"Authorization", "Content-Type"},
			mime: "application/json", fields: []string{"api_key"}},
		{line: `PS C:\> curl.exe --json '{"client_secret":"s"}' https://api.example.com/token`, method: "POST",
			urls: []string{"https://api.example.com/token"}, mime: "application/json", fields: []string{"client_secret"}},
		{line: `$ curl -d a=1 -d 'access_token=xyz' --data-urlencode 'q=hello world' http://h.example.com/p`, method: "POST",
			urls: []string{"http://h.example.com/p"}, mime: "application/x-www-form-urlencoded", fields: []string{"a", "access_token", "q"},
			check: func(t *testing.T, c *CurlCommand) {
				if c.Body.Text != "a=1&access_token=xyz&q=hello+world" {
					t.Errorf("body %q", c.Body.Text)
				}
			}},
		{line: `curl -G -d access_token=xyz -d page=2 https://api.example.com/list`, method: "GET",
			urls: []string{"https://api.example.com/list?access_token=<opaque (3 chars) #FP>&page=2"},
			check: func(t *testing.T, c *CurlCommand) {
				if c.Body.Text != "" || !c.Get {
					t.Errorf("-G body %q", c.Body.Text)
				}
			}},
		{line: `curl -F name=alice -F 'file=@photo.jpg' -F 'client_secret=s3' https://up.example.com/`, method: "POST",
			urls: []string{"https://up.example.com/"}, mime: "multipart/form-data", fields: []string{"name", "client_secret"}},
		{line: `curl -u alice:s3cr3t-pass -b 'session=abc; theme=dark' -A 'my-agent/1' -e https://ref.example.com/ http://api.example.com/basic`,
			method: "GET", urls: []string{"http://api.example.com/basic"}, headers: []string{"Authorization", "Cookie", "User-Agent", "Referer"},
			check: func(t *testing.T, c *CurlCommand) {
				h, _ := c.Headers.Get("Authorization")
				if h.Secret.Reveal() != "Basic "+base64.StdEncoding.EncodeToString([]byte("alice:s3cr3t-pass")) {
					t.Errorf("basic %q", h.Display())
				}
			}},
		{line: `curl -b cookies.txt --oauth2-bearer tok123 https://api.example.com/`, method: "GET",
			urls: []string{"https://api.example.com/"}, headers: []string{"Authorization"},
			check: func(t *testing.T, c *CurlCommand) {
				if c.Headers.Has("Cookie") {
					t.Error("-b FILE is not a Cookie header")
				}
			}},
		{line: `curl -H "Authorization:" -u a:b https://api.example.com/`, method: "GET", urls: []string{"https://api.example.com/"},
			check: func(t *testing.T, c *CurlCommand) {
				if c.Headers.Has("Authorization") {
					t.Error("-H 'Authorization:' removes the header")
				}
			}},
		{line: `curl -I --url https://a.example.com/ https://b.example.com/ -o out.txt 2>&1 > log.txt`, method: "HEAD",
			urls: []string{"https://a.example.com/", "https://b.example.com/"}},
		{line: `curl -x http://user:pw@proxy.example.com:3128 --location-trusted $'https://api.example.com/it\'s'`, method: "GET",
			urls: []string{"https://api.example.com/it%27s"},
			check: func(t *testing.T, c *CurlCommand) {
				if !c.LocationTrusted || !c.Location || c.Proxy.String() != "http://user:***@proxy.example.com:3128" {
					t.Errorf("trusted %v proxy %q", c.LocationTrusted, c.Proxy.String())
				}
			}},
		{line: `curl -T file.bin https://up.example.com/f`, method: "PUT", urls: []string{"https://up.example.com/f"}},
		{line: `curl -sw '%{http_code}\n' -o /dev/null https://api.example.com/`, method: "GET", urls: []string{"https://api.example.com/"},
			check: func(t *testing.T, c *CurlCommand) {
				if !c.writeOutStatus() {
					t.Error("-w status not seen")
				}
			}},
		{line: `curl https://user:pa%40ss@api.example.com/`, method: "GET", urls: []string{"https://user:***@api.example.com/"},
			headers: []string{"Authorization"},
			check: func(t *testing.T, c *CurlCommand) {
				h, _ := c.Headers.Get("Authorization")
				if h.Secret.Reveal() != "Basic "+base64.StdEncoding.EncodeToString([]byte("user:pa@ss")) {
					t.Errorf("userinfo basic %q", h.Display())
				}
			}},
	} {
		t.Run(c.line, func(t *testing.T) {
			cmd, err := ParseCurlCommand(c.line, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if cmd.Method != c.method {
				t.Errorf("method %q, want %q", cmd.Method, c.method)
			}
			var urls []string
			for _, u := range cmd.URLs {
				urls = append(urls, curlFPless(u.String()))
			}
			if !reflect.DeepEqual(urls, c.urls) {
				t.Errorf("urls %q, want %q", urls, c.urls)
			}
			if names := cmd.HeaderNames(); !reflect.DeepEqual(names, c.headers) {
				t.Errorf("headers %q, want %q", names, c.headers)
			}
			if !strings.HasPrefix(cmd.Body.MimeType, c.mime) || c.mime == "" && cmd.Body.MimeType != "" {
				t.Errorf("mime %q, want %q", cmd.Body.MimeType, c.mime)
			}
			var fields []string
			for _, f := range cmd.Body.Fields {
				fields = append(fields, f.Name)
			}
			if !reflect.DeepEqual(fields, c.fields) {
				t.Errorf("fields %q, want %q", fields, c.fields)
			}
			for _, f := range cmd.Body.Fields {
				if (f.Name == "access_token" || f.Name == "client_secret" || f.Name == "api_key") && !f.Sensitive() {
					t.Errorf("field %s not a secret", f.Name)
				}
			}
			if c.check != nil {
				c.check(t, cmd)
			}
		})
	}
}

// curlFPless replaces the fingerprint in a display form, which depends on the key.
func curlFPless(s string) string {
	if i := strings.Index(s, " #"); i >= 0 && len(s) >= i+14 {
		return s[:i+2] + "FP" + s[i+14:]
	}
	return s
}

func TestParseCurlCommandRejects(t *testing.T) {
	for _, line := range []string{"", "curl is great", "curl", "# curl --help", "echo curl https://x.example.com", "curly https://x.example.com"} {
		if _, err := ParseCurlCommand(line, Options{}); !errors.Is(err, errNotCurlCommand) {
			t.Errorf("%q: got %v, want errNotCurlCommand", line, err)
		}
	}
}

func TestShellSplit(t *testing.T) {
	for in, want := range map[string][]string{
		`curl -H "a b" 'c d' e\ f`:            {"curl", "-H", "a b", "c d", "e f"},
		`curl -d "{\"k\":\"v\"}" x`:           {"curl", "-d", `{"k":"v"}`, "x"},
		`curl "$TOKEN" '$TOKEN'`:              {"curl", "$TOKEN", "$TOKEN"},
		`curl a; rm -rf /`:                    {"curl", "a"},
		`curl a && echo ok`:                   {"curl", "a"},
		`curl a 2>&1 | tee log`:               {"curl", "a"},
		`curl a >out.txt b`:                   {"curl", "a", "b"},
		`curl $'a\tb' "unterminated`:          {"curl", "a\tb", "unterminated"},
		"curl -H 'x' \\\n  https://h.example": {"curl", "-H", "x", "https://h.example"},
	} {
		if got := curlShellSplit(in); !reflect.DeepEqual(got, want) {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
}
