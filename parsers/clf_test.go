package parsers

import (
	"slices"
	"strings"
	"testing"
)

func TestParseCLFLine(t *testing.T) {
	for _, c := range []struct {
		line                     string
		remote, user, vhost, req string
		status                   int
		bytes, referer, agent    string
		combined                 bool
		named                    []clfNamed
		errContains              string
	}{
		{line: `127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326`,
			remote: "127.0.0.1", user: "frank", req: "GET /apache_pb.gif HTTP/1.0", status: 200, bytes: "2326"},
		{line: `127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)"`,
			remote: "127.0.0.1", user: "frank", req: "GET /apache_pb.gif HTTP/1.0", status: 200, bytes: "2326",
			referer: "http://www.example.com/start.html", agent: "Mozilla/4.08 [en] (Win98; I ;Nav)", combined: true},
		{line: `h.example.com:443 10.0.0.1 - - [30/Nov/2026:06:40:49 +0000] "GET / HTTP/1.1" 204 - "-" "-"`,
			vhost: "h.example.com:443", remote: "10.0.0.1", user: "-", req: "GET / HTTP/1.1", status: 204, bytes: "-", referer: "-", agent: "-", combined: true},
		{line: `::1 - john doe [30/Nov/2026:06:40:49 +0000] "GET / HTTP/1.1" 200 1`,
			remote: "::1", user: "john doe", req: "GET / HTTP/1.1", status: 200, bytes: "1"},
		{line: `1.2.3.4 - - [30/Nov/2026:06:40:49 +0000] "GET /q?a=\"b\\c\" HTTP/1.1" 200 1 "-" "UA \"x\""`,
			remote: "1.2.3.4", user: "-", req: `GET /q?a="b\c" HTTP/1.1`, status: 200, bytes: "1", referer: "-", agent: `UA "x"`, combined: true},
		{line: `1.2.3.4 - - [30/Nov/2026:06:40:49 +0000] "GET /\xC3\xA9\x22 HTTP/1.1" 200 1`,
			remote: "1.2.3.4", user: "-", req: "GET /\u00e9\" HTTP/1.1", status: 200, bytes: "1"},
		{line: `1.2.3.4 - - [30/Nov/2026:06:40:49 +0000] "GET / HTTP/1.1" 401 5 "-" "curl" "9.9.9.9" rt=0.001 uct="0.000" Authorization: "Bearer x" Cookie: "-" trailing`,
			remote: "1.2.3.4", user: "-", req: "GET / HTTP/1.1", status: 401, bytes: "5", referer: "-", agent: "curl", combined: true,
			named: []clfNamed{{"rt", "0.001"}, {"uct", "0.000"}, {"Authorization", "Bearer x"}, {"Cookie", "-"}}},
		{line: `1.2.3.4 - - [30/Nov/2026:06:40:49 +0000] "GET / HTTP/1.1" abc 5`, errContains: "status"},
		{line: `1.2.3.4 - - [30/Nov/2026:06:40:49 +0000] "GET / HTTP/1.1`, errContains: "no closing quote"},
		{line: `1.2.3.4 - - [30/Nov/2026:06:4`, errContains: "closing bracket"},
		{line: `1.2.3.4 - - [30/Nov/2026:06:40:49 +0000] GET / 200 5`, errContains: "not a Common/Combined"},
		{line: `just words`, errContains: "not a Common/Combined"},
		{line: `- [30/Nov/2026:06:40:49 +0000] "GET / HTTP/1.1" 200 1`, errContains: "not a Common/Combined"},
	} {
		l, bad := parseCLFLine(c.line)
		if c.errContains != "" {
			if !strings.Contains(bad, c.errContains) {
				t.Errorf("%s: error %q, want %q", c.line, bad, c.errContains)
			}
			continue
		}
		if bad != "" {
			t.Errorf("%s: %s", c.line, bad)
			continue
		}
		if l.remote != c.remote || l.user != c.user || l.vhost != c.vhost || l.request != c.req || l.status != c.status ||
			l.bytes != c.bytes || l.referer != c.referer || l.agent != c.agent || l.combined != c.combined || !slices.Equal(l.named, c.named) {
			t.Errorf("%s:\n\tgot  %+v", c.line, l)
		}
	}
}

func TestSplitRequestLine(t *testing.T) {
	for in, want := range map[string][3]string{
		"GET /v1/me HTTP/1.1":       {"GET", "/v1/me", "HTTP/1.1"},
		"GET /a b c HTTP/1.1":       {"GET", "/a b c", "HTTP/1.1"},
		"GET /":                     {"GET", "/", ""},
		"/only-a-path":              {"", "/only-a-path", ""},
		"CONNECT h:443 HTTP/1.1":    {"CONNECT", "h:443", "HTTP/1.1"},
		"  POST  /x  HTTP/2.0 ":     {"POST", "/x", "HTTP/2.0"},
		"GET http://h/p?q HTTP/1.0": {"GET", "http://h/p?q", "HTTP/1.0"},
	} {
		m, tg, p := splitRequestLine(in)
		if [3]string{m, tg, p} != want {
			t.Errorf("%q -> %q %q %q, want %q", in, m, tg, p, want)
		}
	}
}

// A Common Log Format file with its one credential in the query, and the
// "common" schema.
func TestCLFCommon(t *testing.T) {
	data := `10.0.0.1 - - [30/Nov/2026:06:40:49 +0000] "GET /v1/me?access_token=CANARYclf HTTP/1.1" 401 73` + "\n" +
		`10.0.0.1 - - [30/Nov/2026:06:40:50 +0000] "CONNECT api.example.com:443 HTTP/1.1" 200 0` + "\n"
	res := readString(t, FormatCLF, data, Options{})
	if res.schema != "common" || len(res.exchanges()) != 2 || len(res.errs) != 0 {
		t.Fatalf("schema %q, %d exchanges, errors %v", res.schema, len(res.exchanges()), res.errs)
	}
	ex := res.records[0].Exchange
	if len(ex.Request.URL.Query) != 1 || !ex.Request.URL.Query[0].Sensitive() || ex.Request.URL.Host != "" || ex.Request.URL.Scheme != "" {
		t.Errorf("query/host: %+v", ex.Request.URL)
	}
	if ex.Partial != NoRequestHeaders|NoResponseHeaders|NoRequestBody|NoResponseBody || ex.Response.Body.Size != 73 {
		t.Errorf("partial %04b size %d", ex.Partial, ex.Response.Body.Size)
	}
	if u := res.records[1].Exchange.Request.URL; u.Host != "api.example.com:443" {
		t.Errorf("CONNECT target: %+v", u)
	}
}
