package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// scanReport is the part of a scan's JSON document the tests check.
type scanReport struct {
	Version int    `json:"version"`
	Command string `json:"command"`
	Inputs  []struct {
		Path    string `json:"path"`
		Format  string `json:"format"`
		Records int    `json:"records"`
		Failed  string `json:"failed"`
	} `json:"inputs"`
	Summary struct {
		Credentials int `json:"credentials"`
	} `json:"summary"`
	Findings []struct {
		Rule        string `json:"rule"`
		Severity    string `json:"severity"`
		Count       int    `json:"count"`
		Detector    string `json:"detector"`
		Provider    string `json:"provider"`
		Environment string `json:"environment"`
		Fingerprint string `json:"fingerprint"`
		Occurrences []struct {
			File    string `json:"file"`
			Entry   int    `json:"entry"`
			Line    int    `json:"line"`
			Column  int    `json:"column"`
			Pointer string `json:"pointer"`
		} `json:"occurrences"`
		OccurrencesTruncated bool `json:"occurrences_truncated"`
	} `json:"findings"`
	Suppressed int `json:"suppressed"`
}

func decodeScan(t *testing.T, s string) scanReport {
	t.Helper()
	var r scanReport
	dec := json.NewDecoder(strings.NewReader(s))
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("stdout is not one JSON document: %v\n%.500s", err, s)
	}
	if dec.More() {
		t.Fatal("stdout holds more than one JSON document")
	}
	if r.Version != 1 || r.Command != "scan" {
		t.Fatalf("version %d command %q", r.Version, r.Command)
	}
	return r
}

// where is file:line:column.
type where struct {
	file         string
	line, column int
}

func scanPositions(t *testing.T, r scanReport) map[where]string {
	out := map[where]string{}
	for _, f := range r.Findings {
		if f.Rule != "leaked-secret" || f.Fingerprint == "" || f.Detector == "" || f.Environment == "" {
			t.Errorf("finding without rule, fingerprint, detector or environment: %+v", f)
		}
		if f.OccurrencesTruncated {
			t.Fatalf("occurrences truncated")
		}
		for _, o := range f.Occurrences {
			out[where{filepath.Base(o.File), o.Line, o.Column}] = f.Detector
		}
	}
	return out
}

// testCredentials are the fake credentials the corpus logs and transcripts
// carry (corpus/curl/test-tokens.env, corpus/logs/PROVENANCE.md).
func testCredentials(t *testing.T) []string {
	env, err := os.ReadFile("../../parsers/testdata/curl/test-tokens.env")
	if err != nil {
		t.Fatal(err)
	}
	known := []string{
		"sk_test_51EXAMPLEa1b2c3d4e5f6g7h8i9j0kLmNoPqRsTuV9xQz",
		"sk_live_51EXAMPLEz9y8x7w6v5u4t3s2r1q0pOnMlKjIhGf3kWd",
		"YWxpY2U6d3JvbmctcGFzcw==", "YWxpY2U6czNjcjN0LXBhc3M=", "cHJveHl1c2VyOnByb3h5LXBhc3M=",
		"s%3AEXAMPLE-8c1f2a9b.Zx3kQ", "cs_EXAMPLE_4f9d2b7e1a6c8d0e",
	}
	for _, l := range strings.Split(string(env), "\n") {
		if _, v, ok := strings.Cut(l, "="); ok && len(v) >= 8 {
			known = append(known, v)
		}
	}
	return known
}

// expectAt returns every file:line:column where a known credential occurs.
func expectAt(t *testing.T, files []string, known []string) map[where]bool {
	want := map[where]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for n, line := range strings.Split(string(b), "\n") {
			for _, k := range known {
				for off := 0; ; {
					i := strings.Index(line[off:], k)
					if i < 0 {
						break
					}
					want[where{filepath.Base(f), n + 1, off + i + 1}] = true
					off += i + len(k)
				}
			}
		}
	}
	return want
}

// TestScanCorpusLogs runs `scan` on the real access and application logs
// of the corpus: every credential they carry is found at its
// file:line:column; in Caddy's default log (Authorization and Cookie
// logged as []) only the X-Api-Key values and the query-string tokens.
func TestScanCorpusLogs(t *testing.T) {
	dir := "../../parsers/testdata/logs"
	var files []string
	for _, name := range []string{"nginx-access.json", "nginx-access-default-escape.log", "nginx-access-combined.log",
		"caddy-access-default.json", "caddy-access-log_credentials.json", "apache-access.json", "apache-access-combined.log",
		"go-slog.jsonl", "go-zap.jsonl", "go-logrus.jsonl", "go-zerolog.jsonl"} {
		files = append(files, filepath.Join(dir, name))
	}
	r := runBinary(t, "", append([]string{"scan", "--format", "json", "--now", "2026-11-30T06:40:00Z"}, files...)...)
	if r.code != 1 {
		t.Fatalf("exit %d, want 1 (findings at or above low)\n%s", r.code, r.stderr)
	}
	rep := decodeScan(t, r.stdout)
	got := scanPositions(t, rep)
	want := expectAt(t, files, testCredentials(t))
	for w := range want {
		if got[w] == "" {
			t.Errorf("%s:%d:%d: credential not reported", w.file, w.line, w.column)
		}
	}
	caddy := map[string]int{}
	for w, det := range got {
		if w.file == "caddy-access-default.json" {
			caddy[det]++
		}
	}
	if len(caddy) != 2 || caddy["api-key-header"] != 2 || caddy["query-param"] != 2 {
		t.Errorf("caddy-access-default.json: %v, want the 2 X-Api-Key values and the 2 query-string tokens only", caddy)
	}
	if len(want) < 60 || len(got) < len(want) {
		t.Fatalf("%d expected, %d found", len(want), len(got))
	}
}

// TestScanCurlTranscripts: a transcript is scanned line by line, request
// headers included (a transcript that is pasted or committed leaks them).
func TestScanCurlTranscripts(t *testing.T) {
	files, _ := filepath.Glob("../../parsers/testdata/curl/*.txt")
	if len(files) < 50 {
		t.Fatalf("%d transcripts", len(files))
	}
	r := runBinary(t, "", append([]string{"scan", "--format", "json"}, files...)...)
	if r.code != 1 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	rep := decodeScan(t, r.stdout)
	for _, in := range rep.Inputs {
		if in.Failed != "" || in.Records == 0 {
			t.Errorf("input %+v", in)
		}
	}
	got := scanPositions(t, rep)
	want := expectAt(t, files, testCredentials(t))
	for w := range want {
		if got[w] == "" {
			t.Errorf("%s:%d:%d: credential not reported", w.file, w.line, w.column)
		}
	}
	if len(want) < 100 {
		t.Fatalf("only %d credentials expected in the transcripts", len(want))
	}
}

// TestScanHAR: every credential of a HAR, at the entry's line with the
// value's JSON pointer.
func TestScanHAR(t *testing.T) {
	r := runBinary(t, "", "scan", "--format", "json", "../../testdata/demo/demo.har")
	if r.code != 1 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	rep := decodeScan(t, r.stdout)
	if rep.Inputs[0].Format != "har" || rep.Inputs[0].Records != 27 {
		t.Fatalf("inputs %+v", rep.Inputs)
	}
	sev := map[string]bool{}
	for _, f := range rep.Findings {
		sev[f.Severity+"/"+f.Environment] = true
		for _, o := range f.Occurrences {
			if o.Entry < 0 || o.Line < 1 || !strings.HasPrefix(o.Pointer, "/log/entries/") {
				t.Errorf("occurrence %+v", o)
			}
		}
	}
	// sk_live_ (production) is high, sk_test_ (sandbox) low, opaque medium
	for _, s := range []string{"high/production", "low/sandbox", "medium/unknown"} {
		if !sev[s] {
			t.Errorf("no %s finding: %v", s, sev)
		}
	}
}

func TestScanExitCodes(t *testing.T) {
	dir := t.TempDir()
	leaky := "../../parsers/testdata/logs/nginx-access.json"
	clean := filepath.Join(dir, "clean.log")
	os.WriteFile(clean, []byte(`{"status":200,"request_id":"9f8e7d6c-5b4a-4928-8170-6f5e4d3c2b1a","etag":"W/\"5b4a39281706f5e4d3c2b1a0\""}`+"\n"), 0o644)
	sandboxOnly := filepath.Join(dir, "sandbox.log")
	os.WriteFile(sandboxOnly, []byte(`{"status":401,"http_x_api_key":"sk_test_4eC39HqLyjWDarjtT1zdp7dc"}`+"\n"), 0o644)
	empty := filepath.Join(dir, "empty.log")
	os.WriteFile(empty, nil, 0o644)
	badIgnore := filepath.Join(dir, "bad.ignore")
	os.WriteFile(badIgnore, []byte("not-a-fingerprint\n"), 0o644)
	missing := filepath.Join(dir, "missing.log")
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"findings, default fail-on low", []string{leaky}, 1},
		{"findings, fail-on none", []string{"--fail-on", "none", leaky}, 0},
		{"clean file", []string{clean}, 0},
		{"empty file is read", []string{empty}, 0},
		{"sandbox key is low: fail-on medium passes", []string{"--fail-on", "medium", sandboxOnly}, 0},
		{"sandbox key is low: default fails", []string{sandboxOnly}, 1},
		{"unreadable input beats findings", []string{leaky, missing}, 3},
		{"unreadable input with fail-on none", []string{"--fail-on", "none", clean, missing}, 3},
		{"no path", nil, 2},
		{"unknown flag", []string{"--no-such-flag", leaky}, 2},
		{"bad fail-on", []string{"--fail-on", "severe", leaky}, 2},
		{"bad --now", []string{"--now", "yesterday", leaky}, 2},
		{"--since is for analyze", []string{"--since", "2026-11-30T00:00:00Z", leaky}, 2},
		{"leaked-secret cannot be disabled", []string{"--disable", "leaked-secret", leaky}, 2},
		{"bad ignore file", []string{"--ignore", badIgnore, leaky}, 2},
		{"missing ignore file", []string{"--ignore", missing, leaky}, 2},
		{"usage beats input", []string{"--format", "xml", missing}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runBinary(t, "", append([]string{"scan"}, tt.args...)...)
			wantExit(t, r, tt.code)
		})
	}
}

// TestScanBaselineRoundTrip: scan → JSON report → scan --baseline hides
// everything (exit 0); a new leak still fails the gate.
func TestScanBaselineRoundTrip(t *testing.T) {
	dir := t.TempDir()
	logPath := filepath.Join(dir, "app.log")
	b, err := os.ReadFile("../../parsers/testdata/logs/nginx-access.json")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(logPath, b, 0o644)
	base := filepath.Join(dir, "baseline.json")
	if r := runBinary(t, "", "scan", "--format", "json", "-o", base, logPath); r.code != 1 {
		t.Fatalf("first scan: exit %d %s", r.code, r.stderr)
	}
	r := runBinary(t, "", "scan", "--format", "json", "--baseline", base, logPath)
	if r.code != 0 {
		t.Fatalf("with the baseline: exit %d %s", r.code, r.stderr)
	}
	rep := decodeScan(t, r.stdout)
	if len(rep.Findings) != 0 || rep.Suppressed == 0 {
		t.Fatalf("baseline left %d findings, suppressed %d", len(rep.Findings), rep.Suppressed)
	}
	// Log rotation moves lines: the baseline still holds (no line numbers
	// in fingerprints). A new credential is reported.
	rotated := append([]byte(`{"status":200,"msg":"rotated"}`+"\n"), b...)
	rotated = append(rotated, []byte(`{"status":200,"http_authorization":"Bearer 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"}`+"\n")...)
	os.WriteFile(logPath, rotated, 0o644)
	r = runBinary(t, "", "scan", "--format", "json", "--baseline", base, logPath)
	rep = decodeScan(t, r.stdout)
	if r.code != 1 || len(rep.Findings) != 1 || rep.Findings[0].Provider != "github" {
		t.Fatalf("after rotation and a new leak: exit %d, findings %+v", r.code, rep.Findings)
	}
	// The ignore file: the new finding by fingerprint, with comments.
	ignore := filepath.Join(dir, ".authtriageignore")
	os.WriteFile(ignore, []byte("# accepted: rotated on 2026-11-30\n"+rep.Findings[0].Fingerprint+"  # the GitHub token in app.log\n\n"), 0o644)
	r = runBinary(t, "", "scan", "--baseline", base, "--ignore", ignore, logPath)
	if r.code != 0 {
		t.Fatalf("with the ignore file: exit %d\n%s", r.code, r.stdout)
	}
}

// TestScanSARIF: the SARIF of a scan is one document with a result per
// finding, each with a region and partialFingerprints (schema validation
// is in report/sarif_test.go).
func TestScanSARIF(t *testing.T) {
	r := runBinary(t, "", "scan", "--format", "sarif", "../../parsers/testdata/logs/caddy-access-default.json", "../../testdata/demo/demo.har")
	if r.code != 1 {
		t.Fatalf("exit %d %s", r.code, r.stderr)
	}
	var doc struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					PhysicalLocation struct {
						Region struct {
							StartLine   int `json:"startLine"`
							StartColumn int `json:"startColumn"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
				PartialFingerprints map[string]string `json:"partialFingerprints"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != "2.1.0" || len(doc.Runs) != 1 || len(doc.Runs[0].Results) < 10 {
		t.Fatalf("SARIF %s with %d runs", doc.Version, len(doc.Runs))
	}
	columns := 0
	for _, res := range doc.Runs[0].Results {
		if res.RuleID != "leaked-secret" || res.PartialFingerprints["authtriage/v1"] == "" || res.Locations[0].PhysicalLocation.Region.StartLine < 1 {
			t.Fatalf("result %+v", res)
		}
		if res.Locations[0].PhysicalLocation.Region.StartColumn > 0 {
			columns++
		}
	}
	if columns < 2 {
		t.Errorf("only %d results carry a column", columns)
	}
}

// TestScanOwnReports: authtriage's reports hold display forms only, so
// scanning a folder where earlier reports were written finds nothing in
// them (a CI job that keeps its reports beside the logs stays green).
func TestScanOwnReports(t *testing.T) {
	dir := t.TempDir()
	inputs := []string{"../../testdata/demo/demo.har", "../../parsers/testdata/logs", "../../testdata/browser/token-in-query.har"}
	for _, cmd := range []string{"analyze", "scan"} {
		for _, format := range []string{"table", "markdown", "json", "sarif"} {
			out := filepath.Join(dir, cmd+"."+format)
			args := append([]string{cmd, "--fail-on", "none", "--format", format, "-o", out}, inputs...)
			if r := runBinary(t, "", args...); r.code != 0 {
				t.Fatalf("%v: exit %d %s", args, r.code, r.stderr)
			}
		}
	}
	r := runBinary(t, "", "scan", "--format", "json", dir)
	rep := decodeScan(t, r.stdout)
	if r.code != 0 || len(rep.Findings) != 0 || len(rep.Inputs) != 8 {
		t.Fatalf("exit %d, %d inputs, findings in authtriage's own reports: %+v", r.code, len(rep.Inputs), rep.Findings)
	}
}
