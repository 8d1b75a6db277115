package parsers

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// FuzzCurlReader feeds arbitrary transcripts to the reader: it must not
// panic, must end, must report only positioned ParseErrors, and every
// exchange must have a method and a URL. Seeds are the testdata transcripts.
//
//	go test ./parsers -run '^$' -fuzz FuzzCurlReader -fuzztime 1m
func FuzzCurlReader(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "curl", "*.txt"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		if len(b) > 16<<10 {
			b = b[:16<<10]
		}
		f.Add(b)
	}
	f.Add([]byte("> GET / HTTP/1.1\n<\n< HTTP/1.1 200\n=> Send header, 5 bytes (0x5)\n0000: 47 45\n"))
	o := Options{MaxLine: 4096, MaxBody: 2048, MaxFields: 16, MaxDepth: 8}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewCurlReader(bytes.NewReader(data), "fuzz.txt", o)
		if err != nil {
			t.Fatal(err)
		}
		for n := 0; ; n++ {
			// Every item needs input bytes of its own (an exchange at least
			// a URL or a request line): far fewer items than bytes.
			if n > len(data)+64 {
				t.Fatalf("reader does not end: %d items from %d bytes", n, len(data))
			}
			rec, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				var pe *ParseError
				if !errors.As(err, &pe) || pe.Entry != -1 {
					t.Fatalf("error is not a curl ParseError: %#v", err)
				}
			}
			if rec == nil {
				continue
			}
			ex := rec.Exchange
			if ex == nil || ex.Request.Method == "" || ex.Request.URL.String() == "" {
				t.Fatalf("exchange without method or URL: %+v", rec)
			}
			if ex.Response != nil && (len(ex.Response.Body.Text) > o.MaxBody) {
				t.Fatalf("body over the cap: %d", len(ex.Response.Body.Text))
			}
			if len(ex.Request.Body.Text) > o.MaxBody {
				t.Fatalf("request body over the cap: %d", len(ex.Request.Body.Text))
			}
		}
		_ = r.Schema()
	})
}

// BenchmarkCurlReader reads all testdata transcripts back to back. Quote it
// as a ratio to BenchmarkCurlBaselineLines (the bare line scanner on the same
// bytes), measured in the same run.
func BenchmarkCurlReader(b *testing.B) {
	data := curlBenchInput(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r, _ := NewCurlReader(bytes.NewReader(data), "bench.txt", Options{})
		for {
			if _, err := r.Next(); errors.Is(err, io.EOF) {
				break
			}
		}
	}
}

// BenchmarkCurlBaselineLines is the floor: splitting the same input into
// lines and nothing else.
func BenchmarkCurlBaselineLines(b *testing.B) {
	data := curlBenchInput(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		sc := NewLineScanner(bytes.NewReader(data), "bench.txt", 0)
		for {
			if _, _, _, err := sc.Next(); errors.Is(err, io.EOF) {
				break
			}
		}
	}
}

func curlBenchInput(b *testing.B) []byte {
	files, _ := filepath.Glob(filepath.Join("testdata", "curl", "*.txt"))
	var buf bytes.Buffer
	for buf.Len() < 4<<20 {
		for _, f := range files {
			d, err := os.ReadFile(f)
			if err != nil {
				b.Fatal(err)
			}
			buf.Write(d)
			buf.WriteByte('\n')
		}
	}
	return buf.Bytes()
}
