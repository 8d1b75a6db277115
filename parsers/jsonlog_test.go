package parsers

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/authtriage/authtriage/secrets"
)

func TestJSONLBrokenLines(t *testing.T) {
	res := readLog(t, "broken.jsonl", FormatJSONL, Options{})
	want := map[int]string{
		2:  "invalid JSON at column",
		3:  "line ends inside a JSON value (truncated line?)",
		4:  "NUL byte at column 44",
		5:  "invalid UTF-8 at column",
		9:  "a JSON array where one object per line was expected",
		10: "8 NUL bytes before the line",
		11: "invalid JSON at column 2",
		12: "invalid JSON at column",
	}
	for _, e := range res.errs {
		w, ok := want[e.Line]
		if !ok {
			t.Errorf("unexpected error: %v", e)
			continue
		}
		if !strings.Contains(e.Error(), w) || !strings.HasPrefix(e.Error(), "broken.jsonl: line ") {
			t.Errorf("line %d: error %q, want it to say %q", e.Line, e.Error(), w)
		}
		if e.Fatal {
			t.Errorf("line %d: per-line error marked fatal", e.Line)
		}
		delete(want, e.Line)
	}
	if len(want) != 0 {
		t.Errorf("missing errors for lines %v", want)
	}
	// The lines around the bad ones are read, and bad lines stay
	// available as text for leak detection.
	for line, uri := range map[int]string{1: "/ok/1", 5: "/caf\xff", 8: "/ok/8", 10: "/ok/10", 13: "/ok/13"} {
		rec := res.byLine(line)
		if rec == nil || rec.Exchange == nil || rec.Exchange.Request.URL.Path != uri {
			t.Errorf("line %d: want an exchange for %q", line, uri)
		}
	}
	for _, line := range []int{2, 3, 4, 9, 11, 12} {
		if rec := res.byLine(line); rec == nil || rec.Exchange != nil || len(rec.Text) == 0 {
			t.Errorf("line %d: want a text record", line)
		}
	}
	for _, line := range []int{6, 7} {
		if res.byLine(line) != nil {
			t.Errorf("blank line %d yielded a record", line)
		}
	}
	// Offsets point at the line start.
	for _, rec := range res.records {
		if rec.Source.Line == 13 && rec.Source.Offset <= 0 {
			t.Errorf("line 13 offset %d", rec.Source.Offset)
		}
	}
}

// A long line: 1 MiB is read with the default limit; past the limit the
// line is skipped with an error naming it, and reading goes on.
func TestJSONLLongLines(t *testing.T) {
	pad := strings.Repeat("a", 1<<20)
	ok := `{"request_method":"GET","request_uri":"/big","status":401,"http_authorization":"","pad":"` + pad + `"}`
	tooLong := `{"request_method":"GET","request_uri":"/huge","status":401,"pad":"` + strings.Repeat("b", 5<<20) + `"}`
	small := `{"request_method":"GET","request_uri":"/after","status":200,"http_authorization":""}`
	res := readString(t, FormatJSONL, ok+"\n"+tooLong+"\n"+small+"\n", Options{})
	if len(res.records) != 2 || res.records[0].Exchange == nil || res.records[1].Exchange == nil {
		t.Fatalf("records %d, want the 1 MiB line and the last line", len(res.records))
	}
	if res.records[0].Exchange.Request.URL.Path != "/big" || res.records[1].Source.Line != 3 {
		t.Errorf("wrong records: %q line %d", res.records[0].Exchange.Request.URL.Path, res.records[1].Source.Line)
	}
	if len(res.errs) != 1 || res.errs[0].Line != 2 || !strings.Contains(res.errs[0].Error(), "longer than") {
		t.Fatalf("errors %v, want one for line 2", res.errs)
	}
	if res.errs[0].Offset != int64(len(ok)+1) {
		t.Errorf("offset %d, want %d", res.errs[0].Offset, len(ok)+1)
	}

	// A smaller limit, for the same behaviour at a lower cost.
	res = readString(t, FormatJSONL, small+"\n"+ok+"\n"+small, Options{MaxLine: 4096})
	if len(res.records) != 2 || len(res.errs) != 1 || res.errs[0].Line != 2 {
		t.Errorf("MaxLine 4096: %d records, errors %v", len(res.records), res.errs)
	}
	res = readString(t, FormatCLF, `1.2.3.4 - - [30/Nov/2026:06:40:49 +0000] "GET /`+pad+` HTTP/1.1" 200 1`+"\n"+
		`1.2.3.4 - - [30/Nov/2026:06:40:49 +0000] "GET /x HTTP/1.1" 200 1`, Options{MaxLine: 4096})
	if len(res.records) != 1 || len(res.errs) != 1 || res.errs[0].Line != 1 {
		t.Errorf("CLF MaxLine 4096: %d records, errors %v", len(res.records), res.errs)
	}
}

func TestTranslateHexEscapes(t *testing.T) {
	for _, c := range []struct{ in, out, hint string }{
		{`{"a":"x\x22y"}`, `{"a":"x\u0022y"}`, ""},
		{`{"a":"t\xC3\xB6k"}`, "{\"a\":\"t\xc3\xb6k\"}", "nginx"},
		{`{"a":"t\xc3\xb6k"}`, "{\"a\":\"t\xc3\xb6k\"}", "apache"},
		{`{"a":"\xE9t\xE9"}`, `{"a":"\u00E9t\u00E9"}`, "nginx"}, // Latin-1, not UTF-8
		{`{"a":"\\x41"}`, `{"a":"\\x41"}`, ""},                  // an escaped backslash
		{`{"a":"\x5C\x22"}`, `{"a":"\u005C\u0022"}`, "nginx"},
		{`{"a":"\xZZ"}`, `{"a":"\xZZ"}`, ""},
		{`{"a":"end\x4`, `{"a":"end\x4`, ""},
		{`{"k\x41":1}`, `{"k\u0041":1}`, ""},
	} {
		got, hint := translateHexEscapes(nil, []byte(c.in))
		if string(got) != c.out || hint != c.hint {
			t.Errorf("%s -> %s (%q), want %s (%q)", c.in, got, hint, c.out, c.hint)
		}
	}
}

func TestLogTimes(t *testing.T) {
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v.UTC()
	}
	for in, want := range map[string]time.Time{
		"1796020849.3777063":                utc("2026-11-30T06:40:49.3777063Z"),    // Caddy/zap ts
		"1796020848.030":                    utc("2026-11-30T06:40:48.03Z"),         // nginx $msec
		"1796020849125":                     utc("2026-11-30T06:40:49.125Z"),        // Kong started_at
		"1796020849125000":                  utc("2026-11-30T06:40:49.125Z"),        // µs
		"1796020850125000000":               utc("2026-11-30T06:40:50.125Z"),        // OTLP timeUnixNano
		"1796020849":                        utc("2026-11-30T06:40:49Z"),            // seconds
		"30/Nov/2026:06:40:29 +0000":        utc("2026-11-30T06:40:29Z"),            // time_local
		"30/Nov/2026:07:40:29 +0100":        utc("2026-11-30T06:40:29Z"),            // other zone
		"2026-11-30T06:43:21+0000":          utc("2026-11-30T06:43:21Z"),            // Apache %z
		"2026-11-30T06:40:48+00:00":         utc("2026-11-30T06:40:48Z"),            // nginx $time_iso8601
		"2026-11-30T06:41:49.457198672Z":    utc("2026-11-30T06:41:49.457198672Z"),  // slog
		"Mon, 30 Nov 2026 06:40:49 GMT":     utc("2026-11-30T06:40:49Z"),            // HTTP date
		"2026-11-30 06:40:49.125 +0000 UTC": utc("2026-11-30T06:40:49.125Z"),        // Go time.String
		"1.7960208491e9":                    time.Unix(1796020849, 100000000).UTC(), // float with exponent
	} {
		var tc timeCache
		got := tc.parse(in)
		if d := got.Sub(want); d > time.Microsecond || d < -time.Microsecond || got.Location() != time.UTC {
			t.Errorf("%s -> %s, want %s", in, got.Format(time.RFC3339Nano), want.Format(time.RFC3339Nano))
		}
	}
	for _, in := range []string{"", "-", "0.003417", "3417000", "yesterday", "30/Nov/2026"} {
		var tc timeCache
		if got := tc.parse(in); !got.IsZero() {
			t.Errorf("%q -> %s, want zero (a duration or garbage is not a time)", in, got)
		}
	}
}

func TestParseStatus(t *testing.T) {
	for in, want := range map[string]int{"401": 401, " 200": 200, "401.0": 401, "-": 0, "": 0, "4011": 0, "099": 0, "abc": 0} {
		if got := parseStatus(in); got != want {
			t.Errorf("parseStatus(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestLogURL(t *testing.T) {
	for _, c := range []struct{ target, scheme, host, want string }{
		{"/v1/me?a=1&b=2", "http", "api.example.com", "http://api.example.com/v1/me?a=1&b=2"},
		{"/v1/me?access_token=abc", "", "", "/v1/me?access_token=<" + secrets.New("abc").String() + ">"},
		{"https://u:pw@h.example.com:8443/p%20q?x#frag", "", "", "https://u:***@h.example.com:8443/p%20q?x"},
		{"/bad%zzescape", "", "", "/bad%25zzescape"},
		{"HTTPS://H.example.com", "", "", "https://H.example.com"},
	} {
		if got := logURL(c.target, c.scheme, c.host, nil).String(); got != c.want {
			t.Errorf("logURL(%q) = %q, want %q", c.target, got, c.want)
		}
	}
	for _, c := range []struct {
		method, target string
		ok             bool
	}{
		{"GET", "/", true}, {"OPTIONS", "*", true}, {"GET", "http://h/", true}, {"CONNECT", "api.example.com:443", true},
		{"GET", "v1/me", false}, {"GET", "?x=1", false}, {"GET", "-", false}, {"GET", "", false}, {"GET", "http://", false},
	} {
		if _, ok := requestURL(c.method, c.target, "", "", nil); ok != c.ok {
			t.Errorf("requestURL(%s %q) ok=%v, want %v", c.method, c.target, ok, c.ok)
		}
	}
}

func TestJSONLFieldErrors(t *testing.T) {
	for _, fields := range []map[string]string{{"verb": "x"}, {"header.": "x"}, {"method": ""}} {
		_, err := NewJSONLReader(strings.NewReader(""), "x", Options{Fields: fields})
		if err == nil || !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "--field") {
			t.Errorf("fields %v: err %v, want a --field error", fields, err)
		}
	}
	// A field overrides what a known schema would read.
	line := `{"time_iso8601":"2026-11-30T06:40:48+00:00","request_method":"GET","request_uri":"/v1/me","status":401,"real_status":403,"http_authorization":""}` + "\n"
	res := readString(t, FormatJSONL, line, Options{Fields: map[string]string{"status": "real_status"}})
	if ex := res.records[0].Exchange; res.schema != "nginx" || ex == nil || ex.Status() != 403 {
		t.Errorf("override: schema %q, exchange %+v", res.schema, ex)
	}
}

// One line per schema (and per variant) through detection.
func TestDetectSchema(t *testing.T) {
	for _, c := range []struct{ line, want string }{
		{`{"level":"info","ts":1796020849.3,"logger":"http.log.access.log0","msg":"handled request","request":{"method":"GET","host":"h","uri":"/"},"status":401,"resp_headers":{}}`, "caddy"},
		{`{"level":"info","ts":1796020849.3,"logger":"http.log.access","msg":"handled request","request":{"method":"GET","uri":"/","headers":{"Authorization":["REDACTED"]}},"status":401}`, "caddy"},
		{`{"DownstreamStatus":401,"RequestMethod":"GET","RequestPath":"/","StartUTC":"2026-11-30T06:40:49Z"}`, "traefik"},
		{`{"request":{"method":"GET","url":"https://h/"},"response":{"status":401},"latencies":{},"started_at":1796020849125}`, "kong"},
		{`{"httpRequest":{"requestMethod":"GET","requestUrl":"https://h/","status":401},"timestamp":"2026-11-30T06:40:49Z"}`, "gcp"},
		{`{"start_time":"2026-11-30T06:40:49.125Z","method":"GET","path":"/","response_code":401,"response_flags":"-","authority":"h"}`, "envoy"},
		{`{"requestId":"r","httpMethod":"GET","resourcePath":"/","status":"401"}`, "aws-apigw"},
		{`{"requestId":"r","httpMethod":"GET","routeKey":"GET /","status":"401"}`, "aws-apigw"},
		{`{"@timestamp":"2026-11-30T06:40:49Z","http":{"request":{"method":"GET"},"response":{"status_code":401}},"url":{"original":"/"}}`, "ecs"},
		{`{"@timestamp":"2026-11-30T06:40:49Z","http.request.method":"GET","http.response.status_code":401,"url.original":"/"}`, "ecs"},
		{`{"http":{"request":{"method":"GET"},"response":{"status_code":401}},"url":{"original":"/"}}`, "ecs"},
		{`{"http.request.method":"GET","url.full":"https://h/","http.response.status_code":401}`, "otel"},
		{`{"http.method":"GET","http.url":"https://h/","http.status_code":401}`, "otel"},
		{`{"attributes":{"http.request.method":"GET","url.path":"/"}}`, "otel"},
		{`{"attributes":[{"key":"http.method","value":{"stringValue":"GET"}}]}`, "otel"},
		{`{"time_local":"30/Nov/2026:06:40:29 +0000","request":"GET / HTTP/1.1","status":401,"request_time":0.001}`, "nginx"},
		{`{"method":"GET","uri":"/","query":"?x=1","status":401}`, "apache"},
		{`{"method":"GET","uri":"/","query":"","status":401}`, "apache"},
		{`{"time":"2026-11-30T06:41:49Z","level":"INFO","msg":"x"}`, "slog"},
		{`{"level":"warn","ts":1796020909.4,"caller":"a.go:1","msg":"x"}`, "zap"},
		{`{"level":"warning","msg":"x","time":"2026-11-30T06:41:49Z"}`, "logrus"},
		{`{"level":"warn","time":"2026-11-30T06:41:49Z","message":"x"}`, "zerolog"},
		{`{"level":30,"time":1777026527544,"pid":1,"hostname":"h","msg":"x"}`, "pino"},
		{`{"method":"GET","url":"/","status":401}`, ""},
		{`{"a":1}`, ""},
		// slog's http group is not OTel (nested, not flat dotted names).
		{`{"time":"t","level":"INFO","msg":"m","http":{"method":"GET","path":"/","status":401}}`, "slog"},
	} {
		got := ""
		if s := detectSchema(c.line); s != nil {
			got = s.name
		}
		if got != c.want {
			t.Errorf("%s\n\t-> %q, want %q", c.line, got, c.want)
		}
	}
}

// Detection looks at the first lines: app-log lines before the first request
// line do not lock an app schema; a Caddy file with its own non-access
// logs (zap-style, logger "tls") still reads as caddy; lines that do not fit
// the locked schema become text records.
func TestJSONLMixedFile(t *testing.T) {
	data := `{"level":"info","ts":1796020849.1,"logger":"tls","msg":"cleaning storage unit"}
{"level":"error","ts":1796020849.3,"logger":"http.log.access.log0","msg":"handled request","request":{"method":"GET","host":"h:8083","uri":"/v1/me","headers":{"Authorization":["REDACTED"]}},"status":401,"resp_headers":{}}
{"level":"info","ts":1796020850.0,"logger":"admin","msg":"stopped previous server"}
`
	res := readString(t, FormatJSONL, data, Options{})
	if res.schema != "caddy" || len(res.records) != 3 || len(res.exchanges()) != 1 || res.records[1].Exchange == nil {
		t.Fatalf("schema %q, %d records, %d exchanges", res.schema, len(res.records), len(res.exchanges()))
	}
	if got := authState(res.records[1].Exchange); got != "redacted" {
		t.Errorf("Caddy 2.8 [\"REDACTED\"]: %s", got)
	}
}

// Docker's json-file driver wraps each line the app wrote.
func TestJSONLDockerWrapper(t *testing.T) {
	inner := `{"time_iso8601":"2026-11-30T06:40:48+00:00","request_method":"GET","request_uri":"/v1/me","status":401,"http_authorization":"Bearer CANARYdocker"}`
	esc := strings.ReplaceAll(inner, `"`, `\"`)
	line := `{"log":"` + esc + `\n","stream":"stdout","time":"2026-11-30T06:40:48.1Z"}` + "\n"
	res := readString(t, FormatJSONL, line, Options{})
	if len(res.exchanges()) != 1 || res.schema != "nginx" || authState(res.records[0].Exchange) != "credential" {
		t.Fatalf("docker wrapper not unwrapped: schema %q, %d exchanges", res.schema, len(res.exchanges()))
	}
	if string(res.records[0].Text) != strings.TrimSuffix(line, "\n") {
		t.Errorf("Text must be the raw line as in the file")
	}
}

// Values logs write for "absent" and for a redacted or placeholder value.
func TestJSONLAbsentAndMarkers(t *testing.T) {
	for _, c := range []struct {
		value, want string
	}{
		{`""`, "absent"}, {`"-"`, "absent"}, {`"REDACTED"`, "redacted"}, {`"***"`, "redacted"},
		{`"[REDACTED]"`, "redacted"}, {`"<token>"`, "placeholder"}, {`"Bearer <token>"`, "placeholder"},
		{`"Bearer ${TOKEN}"`, "placeholder"}, {`"Bearer eyJhbGciOiJIUzI1NiJ9.e30.CANARY"`, "credential"},
	} {
		line := `{"time_iso8601":"2026-11-30T06:40:48+00:00","request_method":"GET","request_uri":"/","status":401,"http_authorization":` + c.value + "}\n"
		res := readString(t, FormatJSONL, line, Options{})
		ex := res.records[0].Exchange
		if got := authState(ex); got != c.want {
			t.Errorf("http_authorization %s: %s, want %s", c.value, got, c.want)
		}
		if ex.Partial.Has(NoRequestHeaders) {
			t.Errorf("http_authorization %s: the field records the header; Partial must not say NoRequestHeaders", c.value)
		}
	}
	// Caddy arrays: [] is an emptied credential header, ["REDACTED"] the
	// 2.8 marker, [] on another header means nothing.
	line := `{"level":"info","ts":1796020849.3,"logger":"http.log.access","msg":"handled request","request":{"method":"GET","uri":"/","headers":{"Authorization":[],"Cookie":["REDACTED"],"Accept":[]}},"status":401,"resp_headers":{}}` + "\n"
	ex := readString(t, FormatJSONL, line, Options{}).records[0].Exchange
	if authState(ex) != "redacted" || !ex.Request.Headers.Has("Cookie") || ex.Request.Headers.Has("Accept") {
		t.Errorf("caddy arrays: %v", ex.Request.Headers)
	}
	if c, _ := ex.Request.Headers.Get("Cookie"); !c.Secret.Redacted() {
		t.Errorf("Cookie REDACTED must be a redaction marker, got kind %s", c.Secret.Kind())
	}
}

// Lines that name no request are text records, not exchanges.
func TestJSONLNotRequests(t *testing.T) {
	for _, line := range []string{
		`{"time":"2026-11-30T06:41:49Z","level":"INFO","msg":"call","method":"UserService.Get","path":"/x","status":401}`, // RPC method
		`{"time":"2026-11-30T06:41:49Z","level":"INFO","msg":"call","method":"GET","url":"/x"}`,                           // no status
		`{"time":"2026-11-30T06:41:49Z","level":"INFO","msg":"call","method":"GET","url":"v1/x","status":200}`,            // not a target
		`{"request_method":"-","request_uri":"/","status":400,"request_time":0.0}`,                                        // nginx: no method
	} {
		res := readString(t, FormatJSONL, line+"\n", Options{})
		if len(res.records) != 1 || res.records[0].Exchange != nil || len(res.errs) != 0 {
			t.Errorf("%s: want one text record, got %d records, exchange %v", line, len(res.records), res.records[0].Exchange != nil)
		}
	}
}

// secrets.NewAuthorization panics on a credential made only of quotes
// (`Bearer ""`); the readers keep the line (found by FuzzJSONLReader).
func TestJSONLQuotesOnlyAuthorization(t *testing.T) {
	for _, v := range []string{`"\""`, `"Bearer \"\""`, `"''"`} {
		line := `{"request_method":"GET","request_uri":"/","status":401,"http_authorization":` + v + "}\n"
		res := readString(t, FormatJSONL, line, Options{})
		if len(res.exchanges()) != 1 || !res.records[0].Exchange.Request.Headers.Has("Authorization") {
			t.Errorf("%s: want an exchange with its Authorization header", v)
		}
	}
	res := readString(t, FormatCLF, `1.2.3.4 - - [30/Nov/2026:06:40:49 +0000] "GET / HTTP/1.1" 401 1 http_authorization="Bearer \"\""`+"\n", Options{})
	if len(res.exchanges()) != 1 {
		t.Errorf("CLF: want an exchange")
	}
}

// The value cache shares immutable Secrets between records, never slices,
// and stays bounded.
func TestValueCache(t *testing.T) {
	var vc valueCache
	a := vc.add(nil, "Authorization", "Bearer CANARYcache")
	b := vc.add(nil, "Authorization", "Bearer CANARYcache")
	if a[0].Secret.Fingerprint() != b[0].Secret.Fingerprint() || a[0].Secret.Reveal() != "Bearer CANARYcache" {
		t.Errorf("cached header differs")
	}
	q1, q2 := vc.query("access_token=CANARYq&page=2"), vc.query("access_token=CANARYq&page=2")
	q1[1].Value = "changed"
	if q2[1].Value != "2" || !q2[0].Sensitive() {
		t.Errorf("cached query slices are shared: %+v", q2)
	}
	for i := 0; i < 3*maxValueCache; i++ {
		vc.add(nil, "Authorization", "Bearer CANARY"+strings.Repeat("x", i))
		vc.query("token=" + strings.Repeat("y", i))
		vc.kind("X-H-" + strings.Repeat("z", i))
	}
	if len(vc.values) > maxValueCache || len(vc.queries) > maxValueCache || len(vc.kinds) > maxValueCache {
		t.Errorf("cache grew past its bound: %d %d %d", len(vc.values), len(vc.queries), len(vc.kinds))
	}
	// Plain headers are not classified as credentials.
	if h := vc.header("User-Agent", "curl/8.5.0"); h.Sensitive() || h.Value != "curl/8.5.0" {
		t.Errorf("plain header: %+v", h)
	}
	if safeExtra("sk_live_51EXAMPLEz9y8x7w6v5u4t3s2r1q0pOnMlKjIhGf3kWd") != "" || safeExtra(expiredJWT) != "" || safeExtra("a b\"c") != "" {
		t.Errorf("safeExtra let a credential or free text through")
	}
	if safeExtra("EXPIRED_TOKEN") != "EXPIRED_TOKEN" {
		t.Errorf("safeExtra dropped an enumeration")
	}
}

// After the schema is settled, a line of another producer is read by its
// own schema; the file's schema stays the first one.
func TestJSONLMixedProducers(t *testing.T) {
	data := `{"time_iso8601":"2026-11-30T06:40:48+00:00","request_method":"GET","request_uri":"/a","status":401,"http_authorization":""}
{"start_time":"2026-11-30T06:40:49.125Z","method":"POST","path":"/b","response_code":403,"response_flags":"-","authority":"h","response_code_details":"rbac_access_denied"}
{"level":"info","ts":1796020849.3,"logger":"http.log.access","msg":"handled request","request":{"method":"PUT","host":"h","uri":"/c","headers":{}},"status":200,"resp_headers":{}}
`
	res := readString(t, FormatJSONL, data, Options{})
	if res.schema != "nginx" || len(res.exchanges()) != 3 {
		t.Fatalf("schema %q, %d exchanges", res.schema, len(res.exchanges()))
	}
	if ex := res.records[1].Exchange; ex.Request.Method != "POST" || ex.Status() != 403 || ex.Extra("gateway_error") != "rbac_access_denied" {
		t.Errorf("envoy line: %s %d %v", ex.Request.Method, ex.Status(), ex.Extras)
	}
	if ex := res.records[2].Exchange; ex.Request.URL.String() != "http://h/c" || ex.Status() != 200 {
		t.Errorf("caddy line: %s %d", ex.Request.URL.String(), ex.Status())
	}
}
