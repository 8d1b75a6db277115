package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	curlOK       = "../../parsers/testdata/curl/h1-basic-ok_curl8.txt"
	curlWrongPwd = "../../parsers/testdata/curl/h1-basic-wrong-pass_curl7.txt"
)

// TestDiffE2E runs the binary on two transcripts and on a capture against
// its own sanitized copy.
func TestDiffE2E(t *testing.T) {
	r := runBinary(t, "", "diff", curlOK, curlWrongPwd)
	if r.code != 0 || !strings.Contains(r.stdout, "different credential") || !strings.Contains(r.stdout, "same user, other password") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	md := runBinary(t, "", "diff", "--format", "markdown", curlOK, curlWrongPwd)
	if md.code != 0 || !strings.HasPrefix(md.stdout, "# authtriage diff") || !strings.Contains(md.stdout, "| Aspect") {
		t.Fatalf("markdown: exit %d\n%s", md.code, md.stdout)
	}
	out := filepath.Join(t.TempDir(), "diff.md")
	if f := runBinary(t, "", "diff", "--format", "markdown", "-o", out, curlOK, curlWrongPwd); f.code != 0 || f.stdout != "" {
		t.Fatalf("-o: exit %d stdout %q", f.code, f.stdout)
	}
	if b, _ := os.ReadFile(out); string(b) != md.stdout {
		t.Errorf("-o file differs from stdout")
	}

	// A capture against a sanitized one: the same key compares as the
	// same credential (the marker carries the original's fingerprint), so
	// a copy shared by a customer can be compared with a local capture.
	// GOOD: the test key on the sandbox host (200); BAD, sanitized: the
	// same key on the production host (401).
	dir := t.TempDir()
	good := writeEntries(t, dir, "good.har", 15)
	bad := writeEntries(t, dir, "bad.har", 13)
	san := filepath.Join(dir, "bad.sanitized.har")
	if r := runBinary(t, "", "sanitize", "-q", bad, "-o", san); r.code != 0 {
		t.Fatal(r.stderr)
	}
	d := runBinary(t, "", "diff", good, san)
	if d.code != 0 || !strings.Contains(d.stdout, "same credential") || strings.Contains(d.stdout, "different credential") {
		t.Fatalf("exit %d\n%s\n%s", d.code, d.stdout, d.stderr)
	}
	if !strings.Contains(d.stdout, "sanitized stripe sk_test_") {
		t.Errorf("the sanitized side should show its marker's display form:\n%s", d.stdout)
	}
}

// writeEntries writes the listed entries of the demo capture into dir.
func writeEntries(t *testing.T, dir, name string, idx ...int) string {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(mustRead(t, "../../testdata/demo/demo.har"), &doc); err != nil {
		t.Fatal(err)
	}
	log := doc["log"].(map[string]any)
	all := log["entries"].([]any)
	var keep []any
	for _, i := range idx {
		keep = append(keep, all[i])
	}
	log["entries"] = keep
	b, _ := json.MarshalIndent(doc, "", "  ")
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestDiffEnvConfig: --env-config decides the hosts' environments as it
// does for analyze.
func TestDiffEnvConfig(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "envs.yaml")
	os.WriteFile(cfg, []byte("hosts:\n  - pattern: api.example.com\n    environment: production\n"), 0o644)
	good, bad := "../../parsers/testdata/curl/h2-sandbox-key-on-sandbox-host_curl8.txt", "../../parsers/testdata/curl/h2-sandbox-key-on-prod_curl8.txt"
	without := runBinary(t, "", "diff", good, bad)
	with := runBinary(t, "", "diff", "--env-config", cfg, good, bad)
	if with.code != 0 || !strings.Contains(with.stdout, "api.example.com (production)") || strings.Contains(without.stdout, "api.example.com (production)") {
		t.Fatalf("exit %d\n%s", with.code, with.stdout)
	}
	bogus := filepath.Join(dir, "bogus.yaml")
	os.WriteFile(bogus, []byte("hosts:\n  - pattern: x\n    environment: moon\n"), 0o644)
	if r := runBinary(t, "", "diff", "--env-config", bogus, good, bad); r.code != 2 {
		t.Fatalf("a bad --env-config: exit %d, want 2", r.code)
	}
}

// TestDiffRecordErrors: a record diff cannot read is reported on stderr
// with its file and position, as analyze reports it; -q silences it.
func TestDiffRecordErrors(t *testing.T) {
	cut := "../../testdata/malformed/har-truncated-mid-entry.har"
	r := runBinary(t, "", "diff", curlOK, cut)
	if r.code != 0 || !strings.Contains(r.stderr, "har-truncated-mid-entry.har: entry 3, line 207, byte 5430:") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	if q := runBinary(t, "", "diff", "-q", curlOK, cut); q.code != 0 || q.stderr != "" {
		t.Fatalf("-q: exit %d, stderr %q", q.code, q.stderr)
	}
}

func TestDiffExitCodes(t *testing.T) {
	dir := t.TempDir()
	notes := filepath.Join(dir, "notes.txt")
	os.WriteFile(notes, []byte("no HTTP in here\n"), 0o644)
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"no inputs", []string{"diff"}, 2},
		{"one input", []string{"diff", curlOK}, 2},
		{"three inputs", []string{"diff", curlOK, curlOK, curlOK}, 2},
		{"json is not a diff format", []string{"diff", "--format", "json", curlOK, curlWrongPwd}, 2},
		{"bad input format", []string{"diff", "--input-format", "pcap", curlOK, curlWrongPwd}, 2},
		{"both stdin", []string{"diff", "-", "-"}, 2},
		{"missing GOOD", []string{"diff", filepath.Join(dir, "nope.har"), curlWrongPwd}, 3},
		{"BAD without exchanges", []string{"diff", curlOK, notes}, 3},
		{"usage beats input", []string{"diff", "--format", "xml", filepath.Join(dir, "nope.har"), curlOK}, 2},
		{"ok", []string{"diff", curlOK, curlWrongPwd}, 0},
		{"nothing to pair is still ok", []string{"diff", curlOK, curlOK}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runBinary(t, "", tt.args...)
			wantExit(t, r, tt.code)
		})
	}
}
