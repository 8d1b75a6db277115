package report

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/authtriage/authtriage/analyze"
	"github.com/authtriage/authtriage/rules"
)

var update = flag.Bool("update", false, "rewrite the golden reports")

// goldenCases are inputs whose reports are kept in testdata/golden: the demo
// capture (every single-request mistake) and a clean capture (the empty
// report).
var goldenCases = map[string][]string{
	"demo":  {"../testdata/demo/demo.har"},
	"clean": {"../testdata/corpus/har/charles463__mitmproxy__charles.har"},
}

var goldenFormats = []struct {
	ext    string
	format string
	opts   Options
}{
	{"txt", "table", Options{Terminal: true, Width: 120}},
	{"tsv", "table", Options{}},
	{"md", "markdown", Options{}},
	{"json", "json", Options{}},
	{"sarif", "sarif", Options{}},
}

func analyzeFiles(t *testing.T, paths []string) *analyze.Result {
	t.Helper()
	res, err := analyze.Run(context.Background(), paths, analyze.Options{Config: rules.DefaultConfig(), ToolVersion: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestGolden compares every format's rendering with the golden file;
// -update rewrites them.
func TestGolden(t *testing.T) {
	results := map[string]*analyze.Result{}
	for name, paths := range goldenCases {
		results[name] = analyzeFiles(t, paths)
	}
	// a scan: log lines with columns and a HAR with pointers
	results["scan"] = scanFiles(t, []string{"../parsers/testdata/logs/caddy-access-default.json", "../testdata/demo/demo.har"})
	for name, res := range results {
		// A golden file refreshed from a broken engine would hold an
		// empty report and keep passing: the cases must find something.
		if name != "clean" && len(res.Findings) < 5 {
			t.Fatalf("%s: %d findings; the golden files would prove little", name, len(res.Findings))
		}
		for _, gf := range goldenFormats {
			t.Run(name+"."+gf.ext, func(t *testing.T) {
				w, err := New(gf.format, gf.opts)
				if err != nil {
					t.Fatal(err)
				}
				var buf bytes.Buffer
				if err := w.Write(&buf, res); err != nil {
					t.Fatal(err)
				}
				// and every format must show every finding's rule
				for _, f := range res.Findings {
					if !bytes.Contains(buf.Bytes(), []byte(f.Rule)) {
						t.Fatalf("the %s rendering does not mention %s", gf.format, f.Rule)
					}
				}
				path := filepath.Join("testdata", "golden", name+"."+gf.ext)
				if *update {
					if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test ./report -update)", err)
				}
				if !bytes.Equal(buf.Bytes(), want) {
					t.Fatalf("%s differs from the golden file; if the change is intended run: go test ./report -update\n%s", path, firstDiff(buf.Bytes(), want))
				}
			})
		}
	}
}

// firstDiff shows the first differing line.
func firstDiff(got, want []byte) string {
	g, w := bytes.Split(got, []byte("\n")), bytes.Split(want, []byte("\n"))
	for i := 0; i < len(g) || i < len(w); i++ {
		var a, b []byte
		if i < len(g) {
			a = g[i]
		}
		if i < len(w) {
			b = w[i]
		}
		if !bytes.Equal(a, b) {
			return fmt.Sprintf("line %d:\n got: %s\nwant: %s", i+1, a, b)
		}
	}
	return ""
}
