package parsers

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"testing"
)

func gz(t *testing.T, b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func TestOpenGzip(t *testing.T) {
	b, err := os.ReadFile("../testdata/corpus/har/martian-generated.har")
	if err != nil {
		t.Fatal(err)
	}
	r, err := Open(bytes.NewReader(gz(t, b)), "m.har.gz", "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	recs, errs := readAll(t, r)
	if len(recs) != 6 || len(errs) != 0 || r.Format() != FormatHAR {
		t.Fatalf("%d records, %v, %s", len(recs), errs, r.Format())
	}
}

// TestGzipBomb: a small .gz that expands enormously stops with a clear error.
func TestGzipBomb(t *testing.T) {
	bomb := gz(t, bytes.Repeat([]byte{' '}, 50<<20)) // 50 MiB of spaces, about 50 KiB compressed
	r, err := Open(bytes.NewReader(bomb), "bomb.gz", FormatText, Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, errs := readAll(t, r)
	found := false
	for _, e := range errs {
		if errors.Is(e, ErrGzipBomb) {
			found = true
		}
	}
	if !found {
		t.Fatalf("no gzip-bomb error: %v", errs)
	}
	r, _ = Open(bytes.NewReader(bomb), "bomb.gz", FormatText, Options{MaxRatio: 1 << 40, MaxDecompressed: 10 << 20})
	if _, errs := readAll(t, r); len(errs) == 0 || !errors.Is(errs[len(errs)-1], ErrGzipBomb) {
		t.Fatalf("size limit not applied: %v", errs)
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		head, name string
		want       Format
	}{
		{"{\n  \"log\": {\n    \"version\": \"1.2\",\n    \"entries\": [", "x.json", FormatHAR},
		{"\xef\xbb\xbf{\"log\":{\"version\":\"1.2\",\"creator\":{}}}", "x", FormatHAR},
		{"log:\n  version: 1.2", "rec.har.yaml", FormatHAR},
		{`{"log":{"version":"1.2","creator":{"name":"x"},"entries":[]}}`, "min.json", FormatHAR},
		{`onInputData({"log":{"version":"1.1"`, "x.harp", FormatHAR},
		{`{"log":"GET /v1/me 401\n","stream":"stdout","time":"2026-11-30T06:40:00Z"}`, "docker.log", FormatJSONL},
		{"hello world", "notes.txt", FormatText},
	}
	for _, tt := range tests {
		if got := Sniff([]byte(tt.head), tt.name); got != tt.want {
			t.Errorf("Sniff(%q, %q) = %s, want %s", tt.head, tt.name, got, tt.want)
		}
	}
}
