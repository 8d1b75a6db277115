package parsers

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every testdata log sniffs as its format, through Sniff as Open calls it.
func TestSniffLogs(t *testing.T) {
	for _, c := range corpusCases {
		data, err := os.ReadFile(filepath.Join(logsDir, c.file))
		if err != nil {
			t.Fatal(err)
		}
		if got := Sniff(firstN(data, 32<<10), c.file); got != c.format {
			t.Errorf("%s: sniffed %s, want %s", c.file, got, c.format)
		}
		// The name does not decide it: content does.
		if got := Sniff(firstN(data, 32<<10), "upload.bin"); got != c.format {
			t.Errorf("%s as upload.bin: sniffed %s, want %s", c.file, got, c.format)
		}
	}
}

func TestSniffNotLogs(t *testing.T) {
	curlV := `*   Trying 127.0.0.1:443...
* Connected to api.example.com (127.0.0.1) port 443
> GET /v1/me HTTP/1.1
> Host: api.example.com
> Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.x
>
< HTTP/1.1 401 Unauthorized
< Date: Mon, 30 Nov 2026 06:40:49 GMT
< WWW-Authenticate: Bearer error="invalid_token"
<
{"error":"invalid_token"}
* Connection #0 to host api.example.com left intact
`
	bodyFirst := `{"error":"invalid_token","error_description":"The access token expired"}
* Connection #0 to host api.example.com left intact
> GET /v1/me HTTP/1.1
< HTTP/1.1 401 Unauthorized
`
	traceASCII := `== Info: Connected to api.example.com (127.0.0.1) port 443 (#0)
=> Send header, 376 bytes (0x178)
0000: GET /v1/me HTTP/1.1
0013: Host: api.example.com
<= Recv header, 13 bytes (0xd)
0000: HTTP/2 401
`
	prettyHAR := "{\n  \"log\": {\n    \"version\": \"1.2\",\n    \"creator\": {\"name\": \"WebInspector\", \"version\": \"537.36\"},\n    \"entries\": []\n  }\n}\n"
	minifiedHAR := `{"log":{"version":"1.2","creator":{"name":"Firefox","version":"126"},"entries":[{"startedDateTime":"2026-11-30T06:40:49Z","request":{"method":"GET","url":"https://h/"}}]}}` + "\n"
	bigHAR := `{"log":{"version":"1.2","creator":{"name":"x","version":"1"},"entries":[` + strings.Repeat(`{"request":{"method":"GET","url":"https://h/"}},`, 1000)
	postman := "{\n  \"info\": {\n    \"name\": \"cookie\",\n    \"schema\": \"https://schema.getpostman.com/json/collection/v2.1.0/collection.json\"\n  },\n  \"item\": []\n}\n"
	logfmt := "time=2026-11-30T06:41:49.457Z level=INFO msg=\"request completed\" method=GET url=/v1/me status=401\n" +
		"time=2026-11-30T06:41:49.458Z level=WARN msg=\"jwt validation failed\" error=\"token is expired\"\n"
	dotnet := "2026-04-24 10:29:30.153 +00:00 [INF] Request:\nProtocol: HTTP/1.1\nMethod: GET\nAuthorization: Bearer x\n"
	// Transcripts are the curl sniffer's (first in Sniff's list) or text;
	// never a log.
	for name, head := range map[string]string{"curl -v": curlV, "curl -v body first": bodyFirst, "trace-ascii": traceASCII} {
		if got := Sniff([]byte(head), "paste.txt"); got != FormatText && got != FormatCurl {
			t.Errorf("%s: sniffed %s, want curl or text", name, got)
		}
		if sniffJSONL([]byte(head), "") == FormatJSONL || sniffCLF([]byte(head), "") == FormatCLF {
			t.Errorf("%s: taken for a log", name)
		}
	}
	for _, c := range []struct {
		name, head string
		want       Format
	}{
		{"pretty HAR", prettyHAR, FormatHAR},
		{"minified HAR", minifiedHAR, FormatHAR},
		{"minified HAR over the sniff window", bigHAR, FormatHAR},
		{"pretty Postman collection", postman, FormatText},
		{"JSON array", `[{"method":"GET"},{"method":"POST"}]` + "\n", FormatText},
		{"logfmt app log", logfmt, FormatText},
		{".NET text log", dotnet, FormatText},
		{"empty", "", FormatText},
	} {
		head := firstN([]byte(c.head), 32<<10)
		if got := Sniff(head, "paste.txt"); got != c.want {
			t.Errorf("%s: sniffed %s, want %s", c.name, got, c.want)
		}
	}
	if got := sniffLogfmt([]byte(logfmt), ""); got != FormatText {
		t.Errorf("sniffLogfmt: %q", got)
	}
}

func TestSniffLogEdges(t *testing.T) {
	line := `{"time_iso8601":"2026-11-30T06:40:48+00:00","request_method":"GET","request_uri":"/v1/me","status":401}`
	clf := `203.0.113.7 - - [30/Nov/2026:06:40:49 +0000] "GET / HTTP/1.1" 401 73 "-" "curl/8.5.0"`
	for _, c := range []struct {
		name, head string
		want       Format
	}{
		{"excerpt whose first line is cut", `uest_uri":"/x","status":401}` + "\n" + line + "\n" + line + "\n", FormatJSONL},
		{"a bad line among good ones", line + "\n" + "garbage\n" + line + "\n", FormatJSONL},
		{"CRLF lines", line + "\r\n" + line + "\r\n", FormatJSONL},
		{"BOM", "\xef\xbb\xbf" + line + "\n", FormatJSONL},
		{"nginx default escaping", `{"ua":"Mozilla \x22q\x22"}` + "\n", FormatJSONL},
		{"one long first line beyond the window", `{"a":"` + strings.Repeat("x", 40<<10), FormatJSONL},
		{"CLF after a header line", "# access log\n" + clf + "\n" + clf + "\n", FormatCLF},
		{"vhost_combined", "api.example.com:443 " + clf + "\n", FormatCLF},
		{"one CLF line among text", "hello\nworld\n" + clf + "\nfoo\n", FormatText},
	} {
		if got := Sniff(firstN([]byte(c.head), 32<<10), "x.log"); got != c.want {
			t.Errorf("%s: sniffed %s, want %s", c.name, got, c.want)
		}
	}
}
