package parsers

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// seedLogs adds every testdata log, and each of its lines alone, as seeds.
func seedLogs(f *testing.F, match func(name string) bool) {
	entries, err := os.ReadDir(logsDir)
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		if !match(e.Name()) {
			continue
		}
		data, err := os.ReadFile(filepath.Join(logsDir, e.Name()))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		for _, l := range bytes.Split(data, []byte("\n")) {
			f.Add(l)
		}
	}
}

// checkFuzzRecords holds the invariants both readers keep on any input:
// they end, every record has a position and its text, and every exchange
// has a method and a URL.
func checkFuzzRecords(t *testing.T, r Reader, data []byte) {
	t.Helper()
	lines := bytes.Count(data, []byte("\n")) + 1
	res := drain(t, r, lines+1)
	if len(res.records)+len(res.errs) > 2*lines {
		t.Fatalf("%d records and %d errors from %d lines", len(res.records), len(res.errs), lines)
	}
	for _, rec := range res.records {
		if rec.Source.Line < 1 || rec.Source.Line > lines || rec.Source.Entry != -1 || len(rec.Text) == 0 {
			t.Fatalf("bad record source %+v (text %d bytes)", rec.Source, len(rec.Text))
		}
		ex := rec.Exchange
		if ex == nil {
			continue
		}
		if !validMethod(ex.Request.Method) {
			t.Fatalf("line %d: method %q", rec.Source.Line, ex.Request.Method)
		}
		u := ex.Request.URL
		if u.Host == "" && u.Path == "" {
			t.Fatalf("line %d: exchange without URL", rec.Source.Line)
		}
		_ = renderExchange(ex) // must not panic
	}
	for _, e := range res.errs {
		if e.Line < 1 || e.Entry != -1 || e.Fatal {
			t.Fatalf("bad error %+v", e)
		}
	}
}

func FuzzJSONLReader(f *testing.F) {
	seedLogs(f, func(n string) bool { return strings.Contains(n, ".json") || n == "nginx-access-default-escape.log" })
	f.Add([]byte(`{"log":"{\"request_method\":\"GET\",\"request_uri\":\"/\",\"status\":401}\n","stream":"stdout"}`))
	f.Add([]byte(`{"attributes":[{"key":"http.request.method","value":{"stringValue":"GET"}},{"key":"url.path","value":{"stringValue":"/"}}]}`))
	f.Add([]byte("{\"a\":\"\\xC3\\xB6\\x22\\xE9\"}\n\x00\x00{}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewJSONLReader(bytes.NewReader(data), "fuzz.jsonl", Options{MaxLine: 64 << 10})
		if err != nil {
			t.Fatal(err)
		}
		checkFuzzRecords(t, r, data)
		// With --field mappings too (arbitrary gjson paths).
		r, err = NewJSONLReader(bytes.NewReader(data), "fuzz.jsonl", Options{MaxLine: 64 << 10,
			Fields: map[string]string{"method": "m", "url": "a.#.u", "status": "s|@reverse", "header.X-K": "h.k"}})
		if err != nil {
			t.Fatal(err)
		}
		checkFuzzRecords(t, r, data)
	})
}

func FuzzCLFReader(f *testing.F) {
	seedLogs(f, func(n string) bool { return strings.HasSuffix(n, ".log") && n != "nginx-access-default-escape.log" })
	f.Add([]byte(`h:1 a - - [30/Nov/2026:06:40:49 +0000] "GET / HTTP/1.1" 200 1 "-" "-" x="y" A: "b"`))
	f.Add([]byte(`a - - [30/Nov/2026:06:40:49 +0000] "GET /"x" HTTP/1.1" 200 1`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewCLFReader(bytes.NewReader(data), "fuzz.log", Options{MaxLine: 64 << 10})
		if err != nil {
			t.Fatal(err)
		}
		checkFuzzRecords(t, r, data)
	})
}

// Sniffing any bytes picks a format and never panics.
func FuzzSniffLogs(f *testing.F) {
	seedLogs(f, func(string) bool { return true })
	f.Fuzz(func(t *testing.T, data []byte) {
		switch Sniff(data, "fuzz") {
		case FormatHAR, FormatJSONL, FormatCLF, FormatText, FormatCurl:
		default:
			t.Fatal("unknown format")
		}
	})
}
