package main

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestMalformedInputs runs the binary on testdata/malformed: every bad input
// gets a clear error naming the file and the position, the rest is still
// analysed, and the exit code follows DESIGN.md.
func TestMalformedInputs(t *testing.T) {
	const dir = "../../testdata/malformed/"
	tests := []struct {
		file      string
		code      int
		exchanges int
		errors    int
		stderr    []string // substrings the error output must hold
	}{
		{"har-truncated-mid-entry.har", 0, 3, 1, []string{"har-truncated-mid-entry.har: entry 3", "byte ", "truncated"}},
		{"har-truncated-mid-string.har", 0, 1, 1, []string{"har-truncated-mid-string.har: entry 1", "byte "}},
		{"har-entries-not-array.har", 3, 0, 1, []string{`"log.entries" is not an array`, "yielded nothing"}},
		{"random-bytes.bin", 3, 0, 1, []string{"random-bytes.bin", "binary"}},
		{"har-invalid-utf8-headers.har", 0, 1, 0, nil},
		{"nul-bytes.jsonl", 0, 5, 2, []string{"nul-bytes.jsonl: line 1", "NUL"}},
		{"curl-mixed-line-endings.txt", 0, 1, 0, nil},
		{"empty.har", 3, 0, 1, []string{"empty.har", "empty"}},
		{"empty.log", 3, 0, 1, []string{"empty.log", "empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			r := runBinary(t, "", "analyze", "--format", "json", dir+tt.file)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d\n%s", r.code, tt.code, r.stderr)
			}
			rep := decodeReport(t, r.stdout)
			if rep.Inputs[0].Exchanges != tt.exchanges || len(rep.Errors) != tt.errors {
				t.Fatalf("exchanges %d errors %d, want %d and %d: %+v", rep.Inputs[0].Exchanges, len(rep.Errors), tt.exchanges, tt.errors, rep.Errors)
			}
			for _, s := range tt.stderr {
				if !strings.Contains(r.stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, r.stderr)
				}
			}
			if tt.code == 0 && tt.errors > 0 {
				// --strict turns any error into exit 3.
				if r := runBinary(t, "", "analyze", "--strict", dir+tt.file); r.code != 3 {
					t.Errorf("--strict: exit %d, want 3", r.code)
				}
			}
		})
	}
}

// TestLongLine: a 10 MB single line in a log is skipped with an error naming
// the line, and the lines around it are still analysed.
func TestLongLine(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "long.jsonl")
	line := func(status int) string {
		return `{"time":"2026-11-30T06:40:00Z","request_method":"GET","request_uri":"/v1/me","host":"api.example.com","status":` + strconv.Itoa(status) + `,"http_authorization":""}` + "\n"
	}
	var b bytes.Buffer
	b.WriteString(line(401))
	b.WriteString(`{"pad":"` + strings.Repeat("a", 10<<20) + `"}` + "\n")
	b.WriteString(line(401))
	os.WriteFile(path, b.Bytes(), 0o644)
	r := runBinary(t, "", "analyze", "--format", "json", path)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	rep := decodeReport(t, r.stdout)
	if rep.Inputs[0].Exchanges != 2 || len(rep.Errors) != 1 || !strings.Contains(r.stderr, "line 2") {
		t.Fatalf("inputs %+v errors %+v stderr %s", rep.Inputs, rep.Errors, r.stderr)
	}
	// With a higher limit the line is read.
	r = runBinary(t, "", "analyze", "--format", "json", "--max-line", "16777216", path)
	if rep := decodeReport(t, r.stdout); len(rep.Errors) != 0 {
		t.Fatalf("--max-line did not apply: %+v", rep.Errors)
	}
}

// TestFolderWithUnreadableFile: a folder holding a good capture and a file
// that cannot be opened gives a report of the good one, an error naming the
// other, and exit 3.
func TestFolderWithUnreadableFile(t *testing.T) {
	dir := t.TempDir()
	good, _ := os.ReadFile("../../testdata/corpus/har/martian-generated.har")
	os.WriteFile(filepath.Join(dir, "good.har"), good, 0o644)
	if err := os.Symlink(filepath.Join(dir, "gone.har"), filepath.Join(dir, "broken.har")); err != nil {
		t.Fatal(err)
	}
	r := runBinary(t, "", "analyze", "--format", "json", dir)
	if r.code != 3 {
		t.Fatalf("exit %d", r.code)
	}
	rep := decodeReport(t, r.stdout)
	if len(rep.Inputs) != 2 || rep.Summary.Exchanges != 6 || !strings.Contains(r.stderr, "broken.har") {
		t.Fatalf("inputs %+v stderr %s", rep.Inputs, r.stderr)
	}
}

// TestGzipBombInput: a small .gz that expands past the ratio limit stops
// with a clear error instead of filling memory; what came before the bomb
// is still analysed, and as it is a per-record error the exit code stays 0.
func TestGzipBombInput(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bomb.log.gz")
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	head := `{"time":"2026-11-30T06:40:00Z","request_method":"GET","request_uri":"/v1/me","host":"api.example.com","status":401}` + "\n"
	w.Write([]byte(head))
	w.Close()
	// then 208 MiB of newlines, as 13 gzip members compressed once
	// (a gzip stream may hold several members; compressing 200 MiB in the
	// test took longer than the run it tests)
	var member bytes.Buffer
	mw := gzip.NewWriter(&member)
	mw.Write(bytes.Repeat([]byte("\n"), 16<<20))
	mw.Close()
	for range 13 {
		b.Write(member.Bytes())
	}
	os.WriteFile(path, b.Bytes(), 0o644)
	r := runBinary(t, "", "analyze", "--format", "json", path)
	if r.code != 0 || !strings.Contains(r.stderr, "gzip") || !strings.Contains(r.stderr, "bomb.log.gz") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	rep := decodeReport(t, r.stdout)
	if rep.Inputs[0].Exchanges != 1 || len(rep.Errors) != 1 || !strings.Contains(rep.Errors[0].Message, "1000:1") {
		t.Fatalf("inputs %+v errors %+v", rep.Inputs, rep.Errors)
	}
}
