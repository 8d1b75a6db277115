package parsers

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// corpusCase is what one log must yield. The numbers are not taken from the
// readers' output:
//   - real logs: fire-logs.sh fires 14 requests per target (PROVENANCE.md);
//     nginx logged 2 more (/nginx-401, `grep -c nginx-401` = 2), Caddy had
//     2 targets. Of the 14, two succeed (valid JWT on /v1/me, /oauth/token),
//     one is 403 (/v1/admin/users), the rest 401. The Go app logs are
//     counted from the log calls in go-applogs-main.go.txt.
//   - every file: records = non-empty lines (counted in the test), and for
//     real logs exchanges = lines matching exchangeRe (grep -c).
//   - synthetic files: as written (PROVENANCE.md), line by line.
type corpusCase struct {
	file      string
	format    Format
	schema    string
	exchanges int
	errLines  []int
	status    map[int]int
	// exchangeRe, for real logs: a line-based count of requests.
	exchangeRe string
	fields     map[string]string
}

var fireLogsStatus = map[int]int{200: 2, 401: 11, 403: 1}

var corpusCases = []corpusCase{
	{file: "nginx-access.json", format: FormatJSONL, schema: "nginx", exchanges: 16,
		status: map[int]int{200: 2, 401: 13, 403: 1}, exchangeRe: `"request_method":"[A-Z]+"`},
	// No nginx key names: the producer shows only in line 14's upper-case
	// \xC3 escapes (nginx), which names the schema from there on.
	{file: "nginx-access-default-escape.log", format: FormatJSONL, schema: "nginx", exchanges: 16,
		status: map[int]int{200: 2, 401: 13, 403: 1}, exchangeRe: `"method":"[A-Z]+"`},
	{file: "nginx-access-combined.log", format: FormatCLF, schema: "combined", exchanges: 16,
		status: map[int]int{200: 2, 401: 13, 403: 1}, exchangeRe: `\] "(GET|POST) /`},
	{file: "caddy-access-default.json", format: FormatJSONL, schema: "caddy", exchanges: 28,
		status: map[int]int{200: 4, 401: 22, 403: 2}, exchangeRe: `"logger":"http\.log\.access`},
	{file: "caddy-access-log_credentials.json", format: FormatJSONL, schema: "caddy", exchanges: 14,
		status: fireLogsStatus, exchangeRe: `"logger":"http\.log\.access`},
	{file: "apache-access.json", format: FormatJSONL, schema: "apache", exchanges: 14,
		status: fireLogsStatus, exchangeRe: `"method":"[A-Z]+"`},
	{file: "apache-access-combined.log", format: FormatCLF, schema: "combined", exchanges: 14,
		status: fireLogsStatus, exchangeRe: `\] "(GET|POST) /`},
	// slog: Info(method,url,status) and Info(http{method,path,status}) are
	// requests; Warn(token, path) is not.
	{file: "go-slog.jsonl", format: FormatJSONL, schema: "slog", exchanges: 2,
		status: map[int]int{401: 2}, exchangeRe: `"method":"GET"`},
	// zap: Warn(method,url,status) is; Error(host,status,response_body) is not.
	{file: "go-zap.jsonl", format: FormatJSONL, schema: "zap", exchanges: 1,
		status: map[int]int{401: 1}, exchangeRe: `"method":"GET"`},
	// logrus: WithFields(method,uri,status) is; Errorf(...) is not.
	{file: "go-logrus.jsonl", format: FormatJSONL, schema: "logrus", exchanges: 1,
		status: map[int]int{401: 1}, exchangeRe: `"method":"GET"`},
	// zerolog: Warn(method,url,status) is; Info(req_headers,status) is not.
	{file: "go-zerolog.jsonl", format: FormatJSONL, schema: "zerolog", exchanges: 1,
		status: map[int]int{401: 1}, exchangeRe: `"method":"GET"`},
	{file: "osv-scalibr-nginx-named-fields.log", format: FormatCLF, schema: "common", exchanges: 8,
		status: map[int]int{200: 8}, exchangeRe: `\] "GET /`},
	// pino: 8 pino-http request lines, 2 "Listening on port 3000".
	{file: "osv-scalibr-pino.jsonl", format: FormatJSONL, schema: "pino", exchanges: 8,
		status: map[int]int{200: 8}, exchangeRe: `"req":\{`},

	// Synthetic (testdata/logs/PROVENANCE.md).
	{file: "envoy.jsonl", format: FormatJSONL, schema: "envoy", exchanges: 4, status: map[int]int{0: 1, 200: 1, 401: 1, 403: 1}},
	{file: "traefik.jsonl", format: FormatJSONL, schema: "traefik", exchanges: 3, status: map[int]int{200: 1, 401: 1, 403: 1}},
	{file: "kong.jsonl", format: FormatJSONL, schema: "kong", exchanges: 2, status: map[int]int{201: 1, 401: 1}},
	{file: "aws-apigw.jsonl", format: FormatJSONL, schema: "aws-apigw", exchanges: 4, status: map[int]int{401: 1, 403: 3}},
	{file: "gcp.jsonl", format: FormatJSONL, schema: "gcp", exchanges: 2, status: map[int]int{200: 1, 401: 1}},
	{file: "ecs.jsonl", format: FormatJSONL, schema: "ecs", exchanges: 3, status: map[int]int{401: 2, 403: 1}},
	{file: "otel.jsonl", format: FormatJSONL, schema: "otel", exchanges: 4, status: map[int]int{200: 1, 401: 1, 403: 2}},
	{file: "markers-nginx.jsonl", format: FormatJSONL, schema: "nginx", exchanges: 3, status: map[int]int{401: 3}},
	{file: "custom-fields.jsonl", format: FormatJSONL, schema: "", exchanges: 2, status: map[int]int{201: 1, 401: 1},
		fields: map[string]string{"method": "req.verb", "url": "req.target", "host": "req.vhost", "status": "outcome.code",
			"time": "ts_ms", "authorization": "req.auth", "www_authenticate": "outcome.challenge", "header.X-Tenant": "req.hdr.X-Tenant"}},
	// Lines 1, 5, 8, 10, 13 are requests (5: invalid UTF-8 and 10: NUL
	// padding are read with an error); 2, 3, 4, 9, 11, 12 are bad; 6, 7 blank.
	{file: "broken.jsonl", format: FormatJSONL, schema: "nginx", exchanges: 5,
		errLines: []int{2, 3, 4, 5, 9, 10, 11, 12}, status: map[int]int{401: 4, 403: 1}},
	// Requests on lines 1, 2, 3, 6, 7, 9, 10, 11, 15, 16; 4 ("-") and 5 (TLS
	// bytes) are CLF but not requests; 8, 12, 13 are bad; 14 is empty.
	{file: "clf-variants.log", format: FormatCLF, schema: "common", exchanges: 10,
		errLines: []int{8, 12, 13}, status: map[int]int{200: 3, 301: 1, 401: 3, 404: 2, 407: 1}},
}

func TestLogCorpus(t *testing.T) {
	covered := map[string]bool{}
	for _, c := range corpusCases {
		covered[c.file] = true
		t.Run(c.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(logsDir, c.file))
			if err != nil {
				t.Fatal(err)
			}
			res := readLog(t, c.file, "", Options{Fields: c.fields})
			if res.format != c.format || res.schema != c.schema {
				t.Errorf("format/schema = %s/%q, want %s/%q", res.format, res.schema, c.format, c.schema)
			}
			// Every non-empty line is one record, bad ones included.
			if got, want := len(res.records), nonEmptyLines(data); got != want {
				t.Errorf("records = %d, want %d (non-empty lines)", got, want)
			}
			exs := res.exchanges()
			if len(exs) != c.exchanges {
				t.Errorf("exchanges = %d, want %d", len(exs), c.exchanges)
			}
			if c.exchangeRe != "" {
				if n := countMatching(data, regexp.MustCompile(c.exchangeRe)); n != c.exchanges {
					t.Errorf("grep -c %s = %d, table says %d", c.exchangeRe, n, c.exchanges)
				}
			}
			if got := res.errLines(); !slices.Equal(got, c.errLines) {
				t.Errorf("error lines = %v, want %v", got, c.errLines)
			}
			status := map[int]int{}
			for _, rec := range exs {
				status[rec.Exchange.Status()]++
			}
			if !mapsEqual(status, c.status) {
				t.Errorf("status = %v, want %v", status, c.status)
			}
			for _, rec := range res.records {
				if rec.Source.File != c.file || rec.Source.Format != c.format || rec.Source.Entry != -1 || rec.Source.Line <= 0 {
					t.Errorf("bad source %+v", rec.Source)
				}
				if len(rec.Text) == 0 {
					t.Errorf("line %d: record without Text", rec.Source.Line)
				}
				if ex := rec.Exchange; ex != nil && (ex.Request.Method == "" || ex.Request.URL.String() == "") {
					t.Errorf("line %d: exchange without method or URL", rec.Source.Line)
				}
			}
			for _, e := range res.errs {
				if e.File != c.file || e.Entry != -1 || e.Line <= 0 || e.Offset < 0 {
					t.Errorf("bad error position %+v", e)
				}
			}
		})
	}
	// Every log in testdata is in the table.
	entries, err := os.ReadDir(logsDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !covered[e.Name()] && !strings.HasSuffix(e.Name(), ".md") {
			t.Errorf("%s has no corpusCases entry", e.Name())
		}
	}
}

func mapsEqual(a, b map[int]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
