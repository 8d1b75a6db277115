package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestSanitizeE2E runs the binary on real captures of every kind: the copy
// is written through -o, analyze reads it with as many exchanges, and the
// dry run lists replacements without writing anything.
func TestSanitizeE2E(t *testing.T) {
	dir := t.TempDir()
	for _, in := range []string{
		"../../testdata/demo/demo.har",
		"../../testdata/corpus/har/mitmproxy-export-google-bearer__mitmproxy__diff_data.har",
		"../../testdata/corpus/har/fiddler-bom__mitmproxy__with-bom.har",
		"../../parsers/testdata/curl/h2-expired-jwt_curl8.txt",
		"../../parsers/testdata/curl/trace-hex_curl7_stdout.txt",
		"../../parsers/testdata/logs/nginx-access.json",
		"../../parsers/testdata/logs/nginx-access-combined.log",
	} {
		t.Run(filepath.Base(in), func(t *testing.T) {
			out := filepath.Join(dir, filepath.Base(in))
			r := runBinary(t, "", "sanitize", in, "-o", out)
			if r.code != 0 || r.stdout != "" || !strings.Contains(r.stderr, "replaced") {
				t.Fatalf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
			}
			a := decodeReport(t, runBinary(t, "", "analyze", "--format", "json", in).stdout)
			b := decodeReport(t, runBinary(t, "", "analyze", "--format", "json", out).stdout)
			if a.Inputs[0].Exchanges != b.Inputs[0].Exchanges || a.Inputs[0].Format != b.Inputs[0].Format {
				t.Errorf("analyze reads the copy differently: %+v vs %+v", a.Inputs, b.Inputs)
			}
			if strings.HasSuffix(in, ".har") {
				if n := countEntries(t, out); n != countEntries(t, in) {
					t.Errorf("entries %d, want %d", n, countEntries(t, in))
				}
			}
			// the copy to stdout is the same as the file
			s := runBinary(t, "", "sanitize", "-q", in)
			if f, _ := os.ReadFile(out); s.code != 0 || s.stdout != string(f) || s.stderr != "" {
				t.Errorf("stdout copy differs from -o copy (exit %d, stderr %q)", s.code, s.stderr)
			}
			// the dry run lists, writes nothing
			d := runBinary(t, "", "sanitize", "--dry-run", in)
			rows := strings.Count(d.stdout, "\n") - 1
			if d.code != 0 || !strings.HasPrefix(d.stdout, "entry\tline\tfield\tkind\tdetector\tvalue\n") || rows < 1 && !strings.Contains(in, "with-bom") {
				t.Errorf("dry run: exit %d\n%s", d.code, d.stdout)
			}
			// a sanitized copy sanitizes to itself
			again := filepath.Join(dir, "again-"+filepath.Base(in))
			runBinary(t, "", "sanitize", "-q", out, "-o", again)
			if x, y := mustRead(t, out), mustRead(t, again); !bytes.Equal(x, y) {
				t.Errorf("sanitizing the copy changed it")
			}
		})
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".*.tmp-*"))
	if len(left) > 0 {
		t.Fatalf("temporary files left: %v", left)
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSanitizeStdin: - reads stdin (one pass: it cannot be read twice).
func TestSanitizeStdin(t *testing.T) {
	b := mustRead(t, "../../testdata/corpus/har/martian-generated.har")
	r := runBinary(t, string(b), "sanitize", "-q", "-")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var doc struct {
		Log struct {
			Entries []json.RawMessage `json:"entries"`
		} `json:"log"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil || len(doc.Log.Entries) != 6 {
		t.Fatalf("stdout is not the HAR with 6 entries: %v", err)
	}
	if strings.Contains(r.stdout, "good-token") {
		t.Fatalf("a credential survived")
	}
}

func TestSanitizeExitCodes(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.har")
	os.WriteFile(empty, nil, 0o644)
	good := "../../testdata/corpus/har/martian-generated.har"
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"no input", []string{"sanitize"}, 2},
		{"two inputs", []string{"sanitize", good, good}, 2},
		{"unknown flag", []string{"sanitize", "--no-such-flag", good}, 2},
		{"bad input format", []string{"sanitize", "--input-format", "pcap", good}, 2},
		{"dry run with -o", []string{"sanitize", "--dry-run", "-o", filepath.Join(dir, "x"), good}, 2},
		{"-o is the input", []string{"sanitize", "-o", good, good}, 2},
		{"empty claim", []string{"sanitize", "--drop-claims", "email,,name", good}, 2},
		{"missing file", []string{"sanitize", filepath.Join(dir, "nope.har")}, 3},
		{"empty file", []string{"sanitize", empty}, 3},
		{"YAML HAR", []string{"sanitize", "../../testdata/corpus/har/polly606-yaml-401-redacted__cody__auth-recording.har.yaml"}, 3},
		{"binary", []string{"sanitize", "../../testdata/malformed/random-bytes.bin"}, 3},
		{"binary read as text on request", []string{"sanitize", "-q", "--input-format", "text", "../../testdata/malformed/random-bytes.bin"}, 0},
		{"entries not an array", []string{"sanitize", "../../testdata/malformed/har-entries-not-array.har"}, 3},
		{"truncated HAR: the complete entries", []string{"sanitize", "-q", "../../testdata/malformed/har-truncated-mid-entry.har"}, 0},
		{"usage beats input", []string{"sanitize", "--input-format", "pcap", filepath.Join(dir, "nope.har")}, 2},
		{"ok", []string{"sanitize", "-q", good}, 0},
		{"dry run", []string{"sanitize", "--dry-run", good}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runBinary(t, "", tt.args...)
			wantExit(t, r, tt.code)
		})
	}
	// The YAML refusal says what analyze says.
	y := "../../testdata/corpus/har/polly606-yaml-401-redacted__cody__auth-recording.har.yaml"
	a, s := runBinary(t, "", "analyze", y), runBinary(t, "", "sanitize", y)
	if first := strings.SplitN(a.stderr, "\n", 2)[0]; !strings.Contains(s.stderr, "YAML") || !strings.HasPrefix(s.stderr, first) {
		t.Errorf("analyze says %q, sanitize %q", a.stderr, s.stderr)
	}
	// A failed run writes no -o file.
	out := filepath.Join(dir, "out.har")
	runBinary(t, "", "sanitize", y, "-o", out)
	if _, err := os.Stat(out); err == nil {
		t.Errorf("a failed run left %s", out)
	}
}

// TestSanitizeDropClaims: --drop-claims re-encodes JWT payloads without
// the named claims; the rest stays readable to analyze.
func TestSanitizeDropClaims(t *testing.T) {
	in := "../../parsers/testdata/curl/h2-expired-jwt_curl8.txt"
	keep := runBinary(t, "", "sanitize", "-q", in)
	drop := runBinary(t, "", "sanitize", "-q", "--drop-claims", "sub,aud", in)
	if keep.code != 0 || drop.code != 0 || keep.stdout == drop.stdout {
		t.Fatalf("exit %d/%d; dropping claims changed nothing", keep.code, drop.code)
	}
	out := filepath.Join(t.TempDir(), "dropped.txt")
	os.WriteFile(out, []byte(drop.stdout), 0o644)
	rep := decodeReport(t, runBinary(t, "", "analyze", "--format", "json", out).stdout)
	found := false
	for _, f := range rep.Findings {
		found = found || f.Rule == "expired-token"
	}
	if !found {
		t.Fatalf("expired-token lost with the claims dropped")
	}
	j := runBinary(t, "", "analyze", "--format", "markdown", out).stdout
	if strings.Contains(j, "sub=") || strings.Contains(j, "aud=") {
		t.Errorf("dropped claims still shown")
	}
}

// TestSanitizeThenScan is the round trip with the real scan command: scan
// finds nothing in the sanitized copy of any capture the repository holds
// (the corpus, the demo, the browser captures, the curl transcripts and the
// logs). sanitize/roundtrip_test.go checks the same copies with the
// detectors scan is built on. The copies are scanned in one run.
func TestSanitizeThenScan(t *testing.T) {
	dir := t.TempDir()
	var files []string
	for _, g := range []string{"../../testdata/corpus/har/*.har", "../../testdata/demo/*.har", "../../testdata/browser/*.har",
		"../../parsers/testdata/curl/*.txt", "../../parsers/testdata/logs/*"} {
		m, _ := filepath.Glob(g)
		files = append(files, m...)
	}
	var copies []string
	for i, in := range files {
		if strings.HasSuffix(in, ".md") {
			continue
		}
		out := filepath.Join(dir, strconv.Itoa(i)+"-"+filepath.Base(in))
		if r := runBinary(t, "", "sanitize", "-q", in, "-o", out); r.code != 0 {
			t.Errorf("sanitize %s: exit %d: %s", in, r.code, r.stderr)
			continue
		}
		copies = append(copies, out)
	}
	if len(copies) < 100 {
		t.Fatalf("%d sanitized copies; the test would prove little", len(copies))
	}
	r := runBinary(t, "", append([]string{"scan", "--format", "json", "--fail-on", "none"}, copies...)...)
	rep := decodeScan(t, r.stdout)
	if r.code != 0 || len(rep.Inputs) != len(copies) {
		t.Fatalf("scan: exit %d, %d inputs for %d copies\n%s", r.code, len(rep.Inputs), len(copies), r.stderr)
	}
	for _, in := range rep.Inputs {
		if in.Failed != "" || in.Records == 0 {
			t.Errorf("scan read nothing of %s: %+v", in.Path, in)
		}
	}
	for _, f := range rep.Findings {
		o := f.Occurrences[0]
		t.Errorf("%s: scan finds a leak (%s) in the sanitized copy at line %d, entry %d %s", filepath.Base(o.File), f.Detector, o.Line, o.Entry, o.Pointer)
	}
}

// TestSanitizePipeEcho: from a pipe, a credential echoed before the line
// that names it is replaced too (the input is kept for a second reading).
func TestSanitizePipeEcho(t *testing.T) {
	const tok = "Zx3kQ8c1f2a9b7d4e6f8a0b2"
	r := runBinary(t, "GET /beacon?ref="+tok+" HTTP/1.1\n> Authorization: Bearer "+tok+"\n", "sanitize", "--input-format", "text", "-")
	if r.code != 0 || strings.Contains(r.stdout, tok) || !strings.Contains(r.stdout, "<redacted:") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}
