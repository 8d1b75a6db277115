package report

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authtriage/authtriage/analyze"
)

// diffCases are the pairs whose diffs are kept in testdata/diff: two curl
// transcripts each, and good and bad entries cut out of the demo and of a
// browser capture.
var diffCases = []struct {
	name      string
	good, bad func(t *testing.T, dir string) string
}{
	{"curl-basic-wrong-password", file("../parsers/testdata/curl/h1-basic-ok_curl8.txt"), file("../parsers/testdata/curl/h1-basic-wrong-pass_curl7.txt")},
	{"curl-sandbox-key-on-prod", file("../parsers/testdata/curl/h2-sandbox-key-on-sandbox-host_curl8.txt"), file("../parsers/testdata/curl/h2-sandbox-key-on-prod_curl8.txt")},
	{"demo", subset("../testdata/demo/demo.har", "good.har", 1, 15, 26), subset("../testdata/demo/demo.har", "bad.har", 14, 17, 3, 9)},
	{"browser-expired-token", subset("../testdata/browser/expired-token.har", "good.har", 6), subset("../testdata/browser/expired-token.har", "bad.har", 3)},
}

func file(p string) func(*testing.T, string) string {
	return func(*testing.T, string) string { return p }
}

// subset writes the listed entries of a HAR into dir.
func subset(src, name string, idx ...int) func(*testing.T, string) string {
	return func(t *testing.T, dir string) string {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		log := doc["log"].(map[string]any)
		all := log["entries"].([]any)
		var keep []any
		for _, i := range idx {
			keep = append(keep, all[i])
		}
		log["entries"] = keep
		out, _ := json.MarshalIndent(doc, "", "  ")
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, out, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
}

// TestDiffGolden renders each pair in every diff format and compares with
// testdata/diff; -update rewrites the files.
func TestDiffGolden(t *testing.T) {
	for _, c := range diffCases {
		dir := t.TempDir()
		good, bad := c.good(t, dir), c.bad(t, dir)
		res, err := analyze.Diff(context.Background(), good, bad, analyze.DiffOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Pairs) == 0 {
			t.Fatalf("%s: no pair", c.name)
		}
		for _, f := range []struct {
			ext, format string
			o           Options
		}{{"txt", "table", Options{Terminal: true, Width: 120}}, {"tsv", "table", Options{}}, {"md", "markdown", Options{}}} {
			t.Run(c.name+"."+f.ext, func(t *testing.T) {
				var buf bytes.Buffer
				if err := WriteDiff(&buf, f.format, res, f.o); err != nil {
					t.Fatal(err)
				}
				got := strings.ReplaceAll(buf.String(), dir+string(filepath.Separator), "")
				path := filepath.Join("testdata", "diff", c.name+"."+f.ext)
				if *update {
					os.MkdirAll(filepath.Dir(path), 0o755)
					if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run with -update)", err)
				}
				if got != string(want) {
					t.Errorf("%s differs from the golden file (run with -update and review):\n%s", path, got)
				}
			})
		}
	}
}

// TestDiffMarkdownEscapes: a value holding | or a line break cannot break
// the markdown table.
func TestDiffMarkdownEscapes(t *testing.T) {
	res := &analyze.DiffResult{
		Good: analyze.DiffInput{Path: "a|b.har", Format: "har", Exchanges: 1},
		Bad:  analyze.DiffInput{Path: "c.har", Format: "har", Exchanges: 1},
		Pairs: []analyze.DiffPair{{Endpoint: "GET /x|y", Rows: []analyze.DiffRow{
			{Aspect: "WWW-Authenticate", Good: "(none)", Bad: "Bearer error=\"a|b\"\nsecond line", Note: "differs", Differs: true},
		}}},
	}
	var buf bytes.Buffer
	if err := WriteDiff(&buf, "markdown", res, Options{}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "| WWW") {
			if strings.Count(line, "|")-strings.Count(line, `\|`) != 5 {
				t.Errorf("row has unescaped pipes: %s", line)
			}
			if !strings.Contains(line, "<br>") {
				t.Errorf("line break not escaped: %s", line)
			}
		}
	}
	if strings.Contains(out, "second line\n") {
		t.Errorf("a raw newline ended a table row:\n%s", out)
	}
	if err := WriteDiff(&buf, "json", res, Options{}); err == nil {
		t.Errorf("json is not a diff format")
	}
}
