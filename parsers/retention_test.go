package parsers

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/authtriage/authtriage/secrets"
)

// TestLogRecordsDoNotPinLines: what a rule or a statistic keeps of a log
// record (method, host, path, header values) must not keep the whole line
// alive, nor may a credential in a Referer or a URL. Each line here carries 4 KB that nothing keeps; holding the kept
// fields of 5,000 records must cost far less than the 20 MB of lines.
func TestLogRecordsDoNotPinLines(t *testing.T) {
	pad := strings.Repeat("x", 4096)
	const n = 5000
	for _, c := range []struct {
		name string
		line func(i int) string
		open func(io.Reader) (Reader, error)
	}{
		{"jsonl", func(i int) string {
			return fmt.Sprintf(`{"time":"2026-11-30T10:00:00Z","method":"GET","host":"api%d.example.com","uri":"https://bob:pw%d@api.example.com/v1/items/%d","status":401,"http_user_agent":"client/%d","http_referer":"https://app.example.com/cb?access_token=tok%dabcdefabcdef","padding":"%s"}`+"\n", i%7, i, i, i%3, i, pad)
		}, func(r io.Reader) (Reader, error) { return NewJSONLReader(r, "access.jsonl", Options{}) }},
		{"clf", func(i int) string {
			return fmt.Sprintf(`203.0.113.9 - - [30/Nov/2026:10:00:00 +0000] "GET /v1/items/%d HTTP/1.1" 401 12 "https://app.example.com/cb?access_token=tok%dabcdefabcdef" "client/%s"`+"\n", i, i, pad)
		}, func(r io.Reader) (Reader, error) { return NewCLFReader(r, "access.log", Options{}) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			var b strings.Builder
			for i := range n {
				b.WriteString(c.line(i))
			}
			input := b.String()
			rd, err := c.open(strings.NewReader(input))
			if err != nil {
				t.Fatal(err)
			}
			var kept []string
			var keptSecrets []secrets.Secret
			var before runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			for {
				rec, err := rd.Next()
				if err == io.EOF {
					break
				}
				if err != nil || rec.Exchange == nil {
					t.Fatalf("record %v: %v", rec, err)
				}
				rq := rec.Exchange.Request
				kept = append(kept, rq.Method, rq.URL.Host, rq.URL.Path, rq.Proto)
				for _, h := range rq.Headers {
					if h.Sensitive() {
						keptSecrets = append(keptSecrets, h.Secret)
					} else if c.name == "jsonl" {
						kept = append(kept, h.Name, h.Value)
					}
				}
				if !rq.URL.Password.IsZero() {
					keptSecrets = append(keptSecrets, rq.URL.Password)
				}
			}
			if len(kept) < 4*n || len(keptSecrets) < n {
				t.Fatalf("kept %d strings and %d secrets from %d lines", len(kept), len(keptSecrets), n)
			}
			var after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&after)
			grown := int64(after.HeapAlloc) - int64(before.HeapAlloc)
			if limit := int64(n * 4096 / 4); grown > limit {
				t.Errorf("holding a few fields of %d records grew the heap by %d bytes (limit %d): they pin their lines", n, grown, limit)
			}
			runtime.KeepAlive(kept)
			runtime.KeepAlive(keptSecrets)
			runtime.KeepAlive(input) // counted in both readings
		})
	}
}
