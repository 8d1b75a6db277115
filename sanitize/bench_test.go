package sanitize_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/authtriage/authtriage/parsers"
	"github.com/authtriage/authtriage/sanitize"
)

// Benchmarks are read as ratios against copying the same bytes in the same
// run (BenchmarkCopy), never as absolute times.

func benchHAR(n int) []byte {
	e := map[string]any{"startedDateTime": "2026-11-30T06:40:00.000Z", "time": 12.5,
		"request": map[string]any{"method": "GET", "url": "https://api.example.com/v1/me?access_token=9f8e7d6c5b4a39281706f5e4&page=2", "httpVersion": "HTTP/2",
			"headers": []any{map[string]string{"name": "authorization", "value": "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTEiLCJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwiZXhwIjoxNzAwMDAzNjAwfQ.drG-CLZ4X8vp72Ak4qgSUSEmwijs456o55lXfADa-2U"},
				map[string]string{"name": "cookie", "value": "sid=3f2a9c1b7d4e5a6b; theme=dark"}, map[string]string{"name": "accept", "value": "*/*"}},
			"cookies": []any{}, "queryString": []any{}},
		"response": map[string]any{"status": 200, "headers": []any{map[string]string{"name": "content-type", "value": "application/json"}},
			"content": map[string]any{"size": 100, "mimeType": "application/json", "text": `{"ok":true,"items":[1,2,3],"note":"` + strings.Repeat("lorem ipsum ", 50) + `"}`}},
		"cache": map[string]any{}, "timings": map[string]any{"send": 0, "wait": 1, "receive": 0}}
	entries := make([]any, n)
	for i := range entries {
		entries[i] = e
	}
	b, _ := json.MarshalIndent(map[string]any{"log": map[string]any{"version": "1.2", "creator": map[string]any{"name": "bench"}, "entries": entries}}, "", "  ")
	return b
}

func benchLog(n int) []byte {
	var b bytes.Buffer
	for i := 0; i < n; i++ {
		b.WriteString(`{"time":"2026-11-30T06:40:29Z","method":"GET","uri":"/v1/me?page=2","status":401,"http_authorization":"Bearer 9f8e7d6c5b4a39281706f5e4","ua":"curl/8.14.1"}` + "\n")
		b.WriteString(`127.0.0.1 - - [30/Nov/2026:06:40:29 +0000] "GET /v1/items/42 HTTP/1.1" 200 512 "-" "Mozilla/5.0 (X11; Linux x86_64)"` + "\n")
	}
	return b.Bytes()
}

func benchSanitize(b *testing.B, in []byte, f parsers.Format) {
	b.SetBytes(int64(len(in)))
	for i := 0; i < b.N; i++ {
		if _, err := sanitize.Sanitize(bytes.NewReader(in), io.Discard, "bench", sanitize.Options{Format: f}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSanitizeHAR(b *testing.B) { benchSanitize(b, benchHAR(2000), parsers.FormatHAR) }
func BenchmarkSanitizeLog(b *testing.B) { benchSanitize(b, benchLog(20000), parsers.FormatJSONL) }

// BenchmarkCopy is the baseline: copying the HAR's bytes line by line
// through the buffered reader and writer a streaming rewrite needs, as cat
// does. (io.Copy to io.Discard would measure nothing: bytes.Reader's
// WriteTo hands the whole slice to a Write that drops it.)
func BenchmarkCopy(b *testing.B) {
	in := benchHAR(2000)
	b.SetBytes(int64(len(in)))
	for i := 0; i < b.N; i++ {
		br := bufio.NewReaderSize(bytes.NewReader(in), 64<<10)
		bw := bufio.NewWriterSize(io.Discard, 64<<10)
		for {
			line, err := br.ReadSlice('\n')
			bw.Write(line)
			if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
				break
			}
		}
		bw.Flush()
	}
}
