package analyze

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/authtriage/authtriage/rules"
)

func scanFiles(t *testing.T, o Options, paths ...string) *Result {
	t.Helper()
	if o.Config.Env == nil {
		o.Config = rules.DefaultConfig()
	}
	if o.Now.IsZero() {
		o.Now = time.Date(2026, 11, 30, 6, 40, 0, 0, time.UTC)
	}
	res, err := Scan(context.Background(), paths, o)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

type pos struct {
	file         string
	line, column int
}

// occurrences lists every occurrence of every finding.
func occurrences(res *Result) map[pos]*Finding {
	out := map[pos]*Finding{}
	for i := range res.Findings {
		f := &res.Findings[i]
		if f.OccurrencesTruncated {
			panic("occurrences truncated: " + f.Message)
		}
		for _, o := range f.Occurrences {
			out[pos{filepath.Base(o.File), o.Line, o.Column}] = f
		}
	}
	return out
}

// TestScanRecall plants credentials of every kind among realistic
// high-entropy non-secrets (request and trace ids, UUIDs, ETags, digests,
// asset hashes) and checks recall ≥ 99 % per run, every kind found, and no
// finding on a clean line — with the file split across workers at line
// boundaries and read whole, which must agree to the column.
func TestScanRecall(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "access.jsonl")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	plants, lines, err := writeScanLog(f, 6<<20, 7, 1)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	defer func(a, b int64) { minRange, maxRange = a, b }(minRange, maxRange)
	minRange, maxRange = 256<<10, 1<<20 // many ranges, many cut points

	var runs []map[pos]*Finding
	for _, workers := range []int{1, 4} {
		res := scanFiles(t, Options{Workers: workers}, path)
		if res.Inputs[0].Records != lines || res.Inputs[0].Failed != "" {
			t.Fatalf("workers=%d: input %+v, want %d records", workers, res.Inputs[0], lines)
		}
		got := occurrences(res)
		runs = append(runs, got)
		want := map[pos]bool{}
		missed := map[string]int{}
		perKind := map[string]int{}
		for _, p := range plants {
			k := pos{"access.jsonl", p.Line, p.Column}
			want[k] = true
			perKind[p.Kind]++
			if got[k] == nil {
				missed[p.Kind]++
			}
		}
		found := len(plants)
		for _, n := range missed {
			found -= n
		}
		recall := float64(found) / float64(len(plants))
		t.Logf("workers=%d: %d lines, %d planted, %d found (recall %.2f%%), missed by kind %v", workers, lines, len(plants), found, recall*100, missed)
		if recall < 0.99 {
			t.Errorf("recall %.2f%% < 99%%", recall*100)
		}
		for k, n := range missed {
			if n == perKind[k] {
				t.Errorf("kind %s: none of %d found", k, n)
			}
		}
		if len(perKind) != len(scanKinds) {
			t.Errorf("%d kinds planted, want all %d", len(perKind), len(scanKinds))
		}
		for k, f := range got {
			if !want[k] {
				t.Errorf("finding on a line without a planted credential (or at the wrong column): %+v %s", k, f.Message)
			}
		}
	}
	if len(runs[0]) != len(runs[1]) {
		t.Fatalf("split scan found %d occurrences, whole scan %d", len(runs[1]), len(runs[0]))
	}
	for k := range runs[0] {
		if runs[1][k] == nil {
			t.Fatalf("split scan lost %+v", k)
		}
	}
}

// knownCorpusCredentials are the credentials planted in the corpus logs
// (parsers/testdata/logs/PROVENANCE.md: the fake tokens of
// test-tokens.env, the Stripe keys, the Basic pairs, the session cookie and
// client secret of fire-logs.sh).
func knownCorpusCredentials(t *testing.T) []string {
	env, err := os.ReadFile("../parsers/testdata/curl/test-tokens.env")
	if err != nil {
		t.Fatal(err)
	}
	known := []string{
		"sk_test_51EXAMPLEa1b2c3d4e5f6g7h8i9j0kLmNoPqRsTuV9xQz",
		"sk_live_51EXAMPLEz9y8x7w6v5u4t3s2r1q0pOnMlKjIhGf3kWd",
		"YWxpY2U6d3JvbmctcGFzcw==", // alice:wrong-pass
		"s%3AEXAMPLE-8c1f2a9b.Zx3kQ",
		"cs_EXAMPLE_4f9d2b7e1a6c8d0e",
		`t\xc3\xb6k\xc3\xa9n-with-\xc3\xbc`, `t\xC3\xB6k\xC3\xA9n-with-\xC3\xBC`, "tökén-with-ü",
	}
	for _, l := range strings.Split(string(env), "\n") {
		if _, v, ok := strings.Cut(l, "="); ok && len(v) >= 8 {
			known = append(known, v)
		}
	}
	return known
}

// TestScanCorpusLogs: on the real server and application logs of the
// corpus, every occurrence of every planted credential is reported at its
// file:line:column, nothing else is, and Caddy's default log yields only
// what Caddy leaves in clear: X-Api-Key values and query-string tokens.
func TestScanCorpusLogs(t *testing.T) {
	var files []string
	for _, name := range []string{"nginx-access.json", "nginx-access-default-escape.log", "nginx-access-combined.log",
		"caddy-access-default.json", "caddy-access-log_credentials.json", "apache-access.json", "apache-access-combined.log",
		"go-slog.jsonl", "go-zap.jsonl", "go-logrus.jsonl", "go-zerolog.jsonl"} {
		files = append(files, filepath.Join("../parsers/testdata/logs", name))
	}
	res := scanFiles(t, Options{}, files...)
	got := occurrences(res)
	known := knownCorpusCredentials(t)
	want := map[pos]bool{}
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
					at := off + i
					off = at + len(k)
					p := pos{filepath.Base(f), n + 1, at + 1}
					want[p] = true
					if got[p] == nil {
						t.Errorf("%s:%d:%d: planted credential (%d bytes) not reported", p.file, p.line, p.column, len(k))
					}
				}
			}
		}
	}
	for p, f := range got {
		if !want[p] {
			t.Errorf("%s:%d:%d: reported something not planted: %s", p.file, p.line, p.column, f.Message)
		}
	}
	if len(want) < 60 {
		t.Fatalf("only %d planted occurrences in the corpus logs; the test would prove little", len(want))
	}
	// Caddy 2.6 default: Authorization and Cookie are logged as [] (the
	// detectors see nothing there); X-Api-Key and the uri are in clear.
	caddy := map[string]int{}
	for _, f := range res.Findings {
		if filepath.Base(f.Location.File) == "caddy-access-default.json" {
			caddy[f.Detector] += f.Count
		}
	}
	if len(caddy) != 2 || caddy["api-key-header"] != 2 || caddy["query-param"] != 2 {
		t.Errorf("caddy-access-default.json: got %v, want 2 X-Api-Key values and 2 query-string tokens", caddy)
	}
	t.Logf("%d planted occurrences found at their file:line:column in %d files", len(want), len(files))
}

// TestScanFindingFields: a finding never holds the raw value, and carries
// detector, provider, environment, severity by environment, the JWT claims
// and its validity at --now, and a fingerprint without a line number.
func TestScanFindingFields(t *testing.T) {
	dir := t.TempDir()
	jwt := "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2F1dGguc2FuZGJveC5leGFtcGxlLmNvbS8iLCJleHAiOjQxMDI0NDQ4MDB9.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXI"
	lines := []string{
		`{"msg":"call","authorization":"Bearer sk_live_4eC39HqLyjWDarjtT1zdp7dc"}`,
		`{"msg":"call","authorization":"Bearer sk_test_4eC39HqLyjWDarjtT1zdp7dc"}`,
		`{"msg":"call","token":"` + jwt + `"}`,
		`{"msg":"retry","authorization":"Bearer sk_live_4eC39HqLyjWDarjtT1zdp7dc"}`,
		`{"msg":"clean","request_id":"9f8e7d6c-5b4a-4928-8170-6f5e4d3c2b1a","etag":"W/\"5b4a39281706f5e4d3c2b1a0\""}`,
	}
	path := filepath.Join(dir, "app.log")
	os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
	res := scanFiles(t, Options{Now: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)}, path)
	if len(res.Findings) != 3 {
		t.Fatalf("%d findings, want 3: %+v", len(res.Findings), res.Findings)
	}
	by := map[string]Finding{}
	for _, f := range res.Findings {
		by[f.Environment+"/"+f.Detector] = f
		if f.Rule != LeakedSecret || f.Fingerprint == "" || f.Location.Column == 0 {
			t.Errorf("finding without rule, fingerprint or column: %+v", f)
		}
		for _, e := range f.Evidence {
			if strings.Contains(e.Value, "4eC39HqLyjWDarjtT1zdp7dc") || strings.Contains(e.Value, "c2lnbmF0dXJl") {
				t.Fatalf("raw value in evidence: %+v", e)
			}
		}
	}
	live := by["production/authorization-header"]
	if live.Severity != "high" || live.Count != 2 || live.Provider != "stripe" || live.Location.Line != 1 || live.Occurrences[1].Line != 4 || live.Location.Column != 39 {
		t.Errorf("live key: %+v", live)
	}
	if f := by["sandbox/authorization-header"]; f.Severity != "low" {
		t.Errorf("test key: %+v", f)
	}
	j := by["sandbox/jwt"] // iss host auth.sandbox.example.com
	if j.Severity != "low" || len(j.Evidence) != 3 || !strings.Contains(j.Evidence[1].Value, "iss=https://auth.sandbox.example.com/") ||
		!strings.HasPrefix(j.Evidence[2].Value, "still valid at scan time 2026-11-30T00:00:00Z") {
		t.Errorf("jwt: %+v", j)
	}
	// A fingerprint names rule, file, place and credential: moving the
	// lines does not change it.
	os.WriteFile(path, []byte("\n\n"+strings.Join(lines, "\n")+"\n"), 0o644)
	res2 := scanFiles(t, Options{Now: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)}, path)
	fps := func(r *Result) []string {
		var out []string
		for _, f := range r.Findings {
			out = append(out, f.Fingerprint)
		}
		sort.Strings(out)
		return out
	}
	if fmt.Sprint(fps(res)) != fmt.Sprint(fps(res2)) {
		t.Errorf("fingerprints changed when lines moved: %v vs %v", fps(res), fps(res2))
	}
	if res.Summary.Credentials != 3 || res.Command != ScanCommand {
		t.Errorf("summary %+v command %q", res.Summary, res.Command)
	}
}

// TestScanHAR: a HAR is scanned structurally; every credential it holds is
// a finding (request headers included), at the entry's line with the value's
// JSON pointer, once per entry.
func TestScanHAR(t *testing.T) {
	res := scanFiles(t, Options{}, "../testdata/demo/demo.har")
	if in := res.Inputs[0]; in.Format != "har" || in.Records != 27 || in.Errors != 0 {
		t.Fatalf("input %+v", in)
	}
	pointers := map[string]bool{}
	for _, f := range res.Findings {
		for _, o := range f.Occurrences {
			if o.Entry < 0 || o.Line < 1 || !strings.HasPrefix(o.Pointer, fmt.Sprintf("/log/entries/%d/", o.Entry)) {
				t.Errorf("occurrence without entry, line or pointer: %+v", o)
			}
			pointers[strings.TrimPrefix(o.Pointer, fmt.Sprintf("/log/entries/%d", o.Entry))] = true
		}
	}
	for _, p := range []string{
		"/request/headers/1/value",         // Authorization
		"/request/url",                     // ?access_token=
		"/request/postData/text",           // JSON body token
		"/request/postData/params/1/value", // refresh_token form field
		"/response/content/text",           // the token endpoint's response (base64 in the HAR)
	} {
		if !pointers[p] {
			t.Errorf("nothing found at %s; got %v", p, pointers)
		}
	}
	// Entry 7 sends its token in the header and the query: one finding
	// per entry and credential, at the first place (the URL).
	n := 0
	for _, f := range res.Findings {
		for _, o := range f.Occurrences {
			if o.Entry == 7 {
				n++
			}
		}
	}
	if n != 1 {
		t.Errorf("entry 7: %d occurrences, want 1", n)
	}
}

// TestScanHARFallsBackToText: a HAR that does not parse to the end is
// scanned as text, so nothing after the break goes unread.
func TestScanHARFallsBackToText(t *testing.T) {
	b, err := os.ReadFile("../testdata/demo/demo.har")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "cut.har")
	os.WriteFile(path, b[:len(b)*2/3], 0o644)
	res := scanFiles(t, Options{}, path)
	in := res.Inputs[0]
	if in.Failed != "" || in.Format != "text" || in.Errors != 1 || !strings.Contains(res.Errors[0].Message, "scanned as text") {
		t.Fatalf("input %+v errors %+v", in, res.Errors)
	}
	if len(res.Findings) < 5 {
		t.Fatalf("%d findings", len(res.Findings))
	}
	for _, f := range res.Findings {
		if f.Location.Line < 1 || f.Location.Column < 1 {
			t.Fatalf("text finding without line and column: %+v", f.Location)
		}
	}
}

// TestScanGzipAndStdin: a .gz input and standard input give the same
// findings as the plain file.
func TestScanGzipAndStdin(t *testing.T) {
	plain := "../parsers/testdata/logs/nginx-access.json"
	b, err := os.ReadFile(plain)
	if err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(b)
	zw.Close()
	gzPath := filepath.Join(t.TempDir(), "nginx-access.json.gz")
	os.WriteFile(gzPath, gz.Bytes(), 0o644)
	key := func(r *Result) string {
		var parts []string
		for p := range occurrences(r) {
			parts = append(parts, fmt.Sprint(p.line, ":", p.column))
		}
		sort.Strings(parts)
		return strings.Join(parts, " ")
	}
	want := key(scanFiles(t, Options{}, plain))
	if got := key(scanFiles(t, Options{}, gzPath)); got != want {
		t.Errorf("gzip: %s\nwant %s", got, want)
	}
	if got := key(scanFiles(t, Options{Stdin: bytes.NewReader(gz.Bytes())}, "-")); got != want {
		t.Errorf("stdin: %s\nwant %s", got, want)
	}
	har, _ := os.ReadFile("../testdata/demo/demo.har")
	fromStdin := scanFiles(t, Options{Stdin: bytes.NewReader(har)}, "-")
	fromFile := scanFiles(t, Options{}, "../testdata/demo/demo.har")
	if len(fromStdin.Findings) != len(fromFile.Findings) || fromStdin.Inputs[0].Format != "har" {
		t.Errorf("HAR on stdin: %d findings (%s), from the file %d", len(fromStdin.Findings), fromStdin.Inputs[0].Format, len(fromFile.Findings))
	}
}

// TestScanUnreadable: an input that cannot be read is marked failed; the
// others are still scanned.
func TestScanUnreadable(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.log")
	res := scanFiles(t, Options{}, "../parsers/testdata/logs/nginx-access.json", missing)
	if res.FailedInputs() != 1 || len(res.Findings) == 0 || res.Inputs[1].Failed == "" {
		t.Fatalf("failed=%d findings=%d inputs=%+v", res.FailedInputs(), len(res.Findings), res.Inputs)
	}
}

// TestScanBaselineAndIgnore: findings listed by fingerprint, or whose
// credential is ignored, are hidden and counted.
func TestScanBaselineAndIgnore(t *testing.T) {
	path := "../parsers/testdata/logs/nginx-access.json"
	all := scanFiles(t, Options{}, path)
	base := map[string]bool{}
	for _, f := range all.Findings {
		base[f.Fingerprint] = true
	}
	if res := scanFiles(t, Options{Baseline: base}, path); len(res.Findings) != 0 || res.Suppressed != len(all.Findings) {
		t.Fatalf("baseline: %d findings left, %d suppressed", len(res.Findings), res.Suppressed)
	}
	cred := all.Findings[0].credential
	res := scanFiles(t, Options{IgnoreCredentials: map[string]bool{cred: true}}, path)
	for _, f := range res.Findings {
		if f.credential == cred {
			t.Fatalf("ignored credential still reported: %+v", f)
		}
	}
	if res.Suppressed == 0 {
		t.Fatal("nothing suppressed")
	}
}

func TestScanRefusesWithoutLeakedSecret(t *testing.T) {
	if _, err := Scan(context.Background(), []string{"x"}, Options{Disable: []string{LeakedSecret}}); err == nil {
		t.Fatal("scan with leaked-secret disabled did not fail")
	}
}

// TestAnalyzeLeakedSecretLogs: leaked-secret in analyze uses the same
// detectors on the lines of logs, so it reports exactly what scan reports,
// at the same columns and with the same fingerprints.
func TestAnalyzeLeakedSecretLogs(t *testing.T) {
	files, _ := filepath.Glob("../parsers/testdata/logs/*")
	var logs []string
	for _, f := range files {
		if !strings.HasSuffix(f, ".md") {
			logs = append(logs, f)
		}
	}
	scan := scanFiles(t, Options{}, logs...)
	an, err := Run(context.Background(), logs, Options{Config: rules.DefaultConfig(), Enable: []string{LeakedSecret}})
	if err != nil {
		t.Fatal(err)
	}
	want, got := occurrences(scan), occurrences(an)
	if len(want) < 60 {
		t.Fatalf("scan found %d occurrences", len(want))
	}
	for p := range want {
		if got[p] == nil {
			t.Errorf("analyze misses %+v", p)
		}
	}
	for p := range got {
		if want[p] == nil {
			t.Errorf("analyze reports %+v, scan does not", p)
		}
	}
	fps := map[string]bool{}
	for _, f := range scan.Findings {
		fps[f.Fingerprint] = true
	}
	for _, f := range an.Findings {
		if !fps[f.Fingerprint] {
			t.Errorf("analyze fingerprint %s (%s) differs from scan's", f.Fingerprint, f.Message)
		}
	}
}

// TestScanHARPointerEmptyKey: an empty object key is a pointer token of its
// own ("…/_custom/"), not an array index.
func TestScanHARPointerEmptyKey(t *testing.T) {
	har := `{"log":{"version":"1.2","creator":{"name":"x","version":"1"},"entries":[{"startedDateTime":"2026-11-30T06:40:00Z","time":1,` +
		`"request":{"method":"GET","url":"https://api.example.com/","httpVersion":"HTTP/1.1","headers":[],"cookies":[],"queryString":[]},` +
		`"response":{"status":200,"statusText":"","httpVersion":"HTTP/1.1","headers":[],"cookies":[],"content":{"size":0,"mimeType":""},"redirectURL":""},` +
		`"_custom":{"":"sk_live_51HxStripeKeyEmptyKey0123456789"}}]}}`
	path := filepath.Join(t.TempDir(), "empty-key.har")
	if err := os.WriteFile(path, []byte(har), 0o644); err != nil {
		t.Fatal(err)
	}
	res := scanFiles(t, Options{}, path)
	var got []string
	for _, f := range res.Findings {
		for _, o := range f.Occurrences {
			got = append(got, o.Pointer)
		}
	}
	if len(got) != 1 || got[0] != "/log/entries/0/_custom/" {
		t.Errorf("pointers %q, want [/log/entries/0/_custom/]", got)
	}
}
