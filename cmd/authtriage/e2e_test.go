package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The end-to-end tests run the real program, as a user would: the binary
// is built once, on first use (a fuzz run, -run '^$', never builds it).
var (
	buildOnce sync.Once
	binDir    string
	binPath   string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// binary returns the path of the authtriage executable, building it first.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		if binDir, buildErr = os.MkdirTemp("", "authtriage-e2e"); buildErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "authtriage")
		if out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// result is one run of the binary.
type result struct {
	stdout, stderr string
	code           int
}

func runBinary(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run %v: %v", args, err)
	}
	return result{out.String(), errb.String(), code}
}

// wantExit checks an exit code and what DESIGN.md says goes with it: an
// error (2 or 3) is explained on stderr, and a usage error writes no report
// and points to --help.
func wantExit(t *testing.T, r result, code int) {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit %d, want %d\nstdout: %.500s\nstderr: %.500s", r.code, code, r.stdout, r.stderr)
	}
	if (code == 2 || code == 3) && !strings.HasPrefix(r.stderr, "authtriage: ") {
		t.Fatalf("exit %d without a message on stderr: %q", code, r.stderr)
	}
	if code == 2 && (r.stdout != "" || !strings.Contains(r.stderr, "--help")) {
		t.Fatalf("usage error: stdout %.300q, stderr %q", r.stdout, r.stderr)
	}
}

// jsonReport is the part of the JSON document the tests check.
type jsonReport struct {
	Version int `json:"version"`
	Inputs  []struct {
		Path      string `json:"path"`
		Format    string `json:"format"`
		Schema    string `json:"schema"`
		Exchanges int    `json:"exchanges"`
		Records   int    `json:"records"`
		Errors    int    `json:"errors"`
	} `json:"inputs"`
	Summary struct {
		Exchanges    int            `json:"exchanges"`
		Status       map[string]int `json:"status"`
		Explained401 int            `json:"explained_401"`
	} `json:"summary"`
	Findings []struct {
		Rule     string `json:"rule"`
		Count    int    `json:"count"`
		Location struct {
			File  string `json:"file"`
			Entry int    `json:"entry"`
			Line  int    `json:"line"`
		} `json:"location"`
		Occurrences []struct {
			Entry int `json:"entry"`
			Line  int `json:"line"`
		} `json:"occurrences"`
	} `json:"findings"`
	Errors []struct {
		Message string `json:"message"`
	} `json:"errors"`
}

func decodeReport(t *testing.T, s string) jsonReport {
	t.Helper()
	var r jsonReport
	dec := json.NewDecoder(strings.NewReader(s))
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("stdout is not one JSON document: %v\n%s", err, s)
	}
	if dec.More() {
		t.Fatalf("stdout holds more than one JSON document")
	}
	return r
}

// countEntries counts log.entries independently of the tool's reader.
func countEntries(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	var doc struct {
		Log struct {
			Entries []json.RawMessage `json:"entries"`
		} `json:"log"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return len(doc.Log.Entries)
}

// TestCorpusHARs runs the binary on every HAR of the corpus: one JSON
// document, exit 0, and as many exchanges as the file has entries.
func TestCorpusHARs(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/corpus/har/*.har")
	if len(files) < 25 {
		t.Fatalf("corpus copy missing: %d files", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			r := runBinary(t, "", "analyze", "--format", "json", f)
			if r.code != 0 {
				t.Fatalf("exit %d\nstderr: %s", r.code, r.stderr)
			}
			rep := decodeReport(t, r.stdout)
			want := countEntries(t, f)
			if len(rep.Inputs) != 1 || rep.Inputs[0].Exchanges != want || rep.Inputs[0].Format != "har" {
				t.Fatalf("inputs = %+v, want one har input with %d exchanges", rep.Inputs, want)
			}
		})
	}
}

func TestYAMLHARRefused(t *testing.T) {
	r := runBinary(t, "", "analyze", "../../testdata/corpus/har/polly606-yaml-401-redacted__cody__auth-recording.har.yaml")
	if r.code != 3 || !strings.Contains(r.stderr, "YAML") {
		t.Fatalf("exit %d, stderr %q: want 3 and a message naming YAML", r.code, r.stderr)
	}
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.har")
	os.WriteFile(empty, nil, 0o644)
	good := "../../testdata/corpus/har/martian-generated.har"
	clean := "../../testdata/corpus/har/charles463__mitmproxy__charles.har"
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"no args", []string{"analyze"}, 2},
		{"unknown flag", []string{"analyze", "--no-such-flag", good}, 2},
		{"unknown format", []string{"analyze", "--format", "xml", good}, 2},
		{"unknown rule", []string{"analyze", "--enable", "no-such-rule", good}, 2},
		{"bad fail-on", []string{"analyze", "--fail-on", "severe", good}, 2},
		{"bad input format", []string{"analyze", "--input-format", "pcap", good}, 2},
		{"unknown log field", []string{"analyze", "--field", "foo=bar", good}, 2},
		{"max-line below 1 MiB", []string{"analyze", "--max-line", "100", good}, 2},
		{"--now is for scan", []string{"analyze", "--now", "2026-11-30T06:40:00Z", good}, 2},
		{"unknown rule page", []string{"rules", "no-such-rule"}, 2},
		{"unknown command", []string{"frobnicate"}, 2},
		{"missing file", []string{"analyze", filepath.Join(dir, "nope.har")}, 3},
		{"empty file", []string{"analyze", empty}, 3},
		{"usage beats input", []string{"analyze", "--format", "xml", filepath.Join(dir, "nope.har")}, 2},
		{"findings, default fail-on none", []string{"analyze", good}, 0},
		{"findings at fail-on high", []string{"analyze", "--fail-on", "high", good}, 1},
		{"fail-on above every finding", []string{"analyze", "--fail-on", "high", "--disable", "bearer-twice,missing-credentials,token-in-body", good}, 0},
		{"clean capture, fail-on low", []string{"analyze", "--fail-on", "low", clean}, 0},
		{"input error beats findings", []string{"analyze", "--fail-on", "low", good, filepath.Join(dir, "nope.har")}, 3},
		{"version", []string{"version"}, 0},
		{"rules", []string{"rules"}, 0},
		{"rule page", []string{"rules", "expired-token"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runBinary(t, "", tt.args...)
			wantExit(t, r, tt.code)
		})
	}
}

// TestStdoutOnlyReport: with an unreadable input among good ones, stdout is
// still exactly one JSON document and the error goes to stderr and errors[].
func TestStdoutOnlyReport(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.har")
	r := runBinary(t, "", "analyze", "--format", "json", "../../testdata/corpus/har/martian-generated.har", missing)
	if r.code != 3 {
		t.Fatalf("exit %d", r.code)
	}
	rep := decodeReport(t, r.stdout)
	if len(rep.Inputs) != 2 || rep.Inputs[0].Exchanges != 6 {
		t.Fatalf("inputs: %+v", rep.Inputs)
	}
	if len(rep.Errors) == 0 || !strings.Contains(r.stderr, "missing.har") {
		t.Fatalf("error not reported: errors=%v stderr=%q", rep.Errors, r.stderr)
	}
}

func TestStdin(t *testing.T) {
	b, err := os.ReadFile("../../testdata/corpus/har/martian-generated.har")
	if err != nil {
		t.Fatal(err)
	}
	r := runBinary(t, string(b), "analyze", "--format", "json", "-")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if rep := decodeReport(t, r.stdout); rep.Inputs[0].Exchanges != 6 || rep.Inputs[0].Path != "-" {
		t.Fatalf("inputs: %+v", rep.Inputs)
	}
}

// TestOutputFile: -o writes the report to the file and nothing to stdout.
func TestOutputFile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "report.md")
	r := runBinary(t, "", "analyze", "--format", "markdown", "-o", out, "../../testdata/corpus/har/martian-generated.har")
	if r.code != 0 || r.stdout != "" {
		t.Fatalf("exit %d stdout %q", r.code, r.stdout)
	}
	b, err := os.ReadFile(out)
	if err != nil || !bytes.HasPrefix(b, []byte("# authtriage report")) {
		t.Fatalf("report file: %v %.100s", err, b)
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".report.md.tmp-*"))
	if len(left) > 0 {
		t.Fatalf("temporary files left: %v", left)
	}
}

// TestOutputNotAFile: -o to something that is not a regular file is
// written in place. The temporary file + rename that protects a report
// would replace a device or a pipe with a file (-o /dev/null, run as root,
// would replace the machine's /dev/null); a named pipe stands in for one
// here.
// A symbolic link stays a link.
func TestOutputNotAFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no named pipes here:", err)
	}
	got := make(chan []byte)
	go func() {
		b, _ := os.ReadFile(fifo) // blocks until the writer opens it
		got <- b
	}()
	in := "../../testdata/corpus/har/martian-generated.har"
	r := runBinary(t, "", "analyze", "--format", "json", "-o", fifo, in)
	if r.code != 0 || r.stdout != "" {
		t.Fatalf("exit %d, stdout %.100q, stderr %s", r.code, r.stdout, r.stderr)
	}
	if st, err := os.Lstat(fifo); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		if f, err := os.OpenFile(fifo, os.O_WRONLY, 0); err == nil {
			f.Close() // let the reader go
		}
		t.Fatalf("the named pipe was replaced by a file")
	}
	select {
	case b := <-got:
		decodeReport(t, string(b))
	case <-time.After(10 * time.Second):
		t.Fatal("nothing was written to the named pipe")
	}

	report := filepath.Join(dir, "report.json")
	link := filepath.Join(dir, "latest.json")
	os.WriteFile(report, []byte("old"), 0o644)
	if err := os.Symlink("report.json", link); err != nil {
		t.Fatal(err)
	}
	if r := runBinary(t, "", "analyze", "--format", "json", "-o", link, in); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced by a file")
	}
	decodeReport(t, string(mustRead(t, report)))
}

// TestOutputModeAndStdout: -o keeps an existing file's mode and gives a new
// one the umask's, as the shell's > would; -o /dev/stdout writes to stdout
// itself, so a report appended (>>) to a log keeps the log.
func TestOutputModeAndStdout(t *testing.T) {
	dir := t.TempDir()
	in := "../../testdata/corpus/har/martian-generated.har"
	old := filepath.Join(dir, "old.json")
	if err := os.WriteFile(old, []byte("old"), 0o640); err != nil {
		t.Fatal(err)
	}
	os.Chmod(old, 0o640)
	fresh := filepath.Join(dir, "new.json")
	for _, path := range []string{old, fresh} {
		if r := runBinary(t, "", "analyze", "--format", "json", "-o", path, in); r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
	}
	umask := syscall.Umask(0o022)
	syscall.Umask(umask)
	for path, want := range map[string]os.FileMode{old: 0o640, fresh: 0o666 &^ os.FileMode(umask)} {
		if st, err := os.Stat(path); err != nil || st.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", filepath.Base(path), st.Mode().Perm(), want)
		}
	}

	logPath := filepath.Join(dir, "ci.log")
	if err := os.WriteFile(logPath, []byte("PREVIOUS\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(logPath, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binary(t), "analyze", "--format", "json", "-o", "/dev/stdout", in)
	cmd.Stdout = f
	err = cmd.Run()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	got := string(mustRead(t, logPath))
	if !strings.HasPrefix(got, "PREVIOUS\n") {
		t.Fatalf("-o /dev/stdout with stdout appended to a file lost what was there: %.80q", got)
	}
	decodeReport(t, strings.TrimPrefix(got, "PREVIOUS\n"))
}
