package parsers

import (
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// The generated captures (testdata/browser: Chromium via playwright-core;
// testdata/demo: martian's har.Logger) come with expected.json files that
// say, per entry, what a correct analyzer reports. This test keeps captures
// and expectations consistent: every file is listed, parses, and has the
// entries (method, URL, status) its expectations describe.

type captureExpectations struct {
	Files []struct {
		File      string   `json:"file"`
		FileRules []string `json:"file_rules"`
		Entries   []struct {
			Index   int      `json:"index"`
			Method  string   `json:"method"`
			URL     string   `json:"url"`
			Status  int      `json:"status"`
			Rules   []string `json:"rules"`
			May     []string `json:"may"`
			Related []int    `json:"related"`
		} `json:"entries"`
	} `json:"files"`
}

// catalogue is DESIGN.md's rule catalogue; expectations may name only these.
var catalogue = map[string]bool{
	"missing-credentials": true, "credentials-dropped-on-redirect": true, "har-sanitized": true,
	"cors-preflight-rejected": true, "bearer-twice": true, "malformed-authorization": true,
	"placeholder-credential": true, "scheme-mismatch": true, "multiple-credentials": true,
	"token-in-body": true, "token-in-query": true, "expired-token": true, "token-not-yet-valid": true,
	"insufficient-scope": true, "unsigned-jwt": true, "environment-mismatch": true,
	"stale-token-after-refresh": true, "client-authentication-failed": true,
	"refresh-token-rejected": true, "retry-storm": true, "server-rejected-token": true, "leaked-secret": true,
}

func readAllHAR(t *testing.T, path string) []*Record {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := NewHARReader(f, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var recs []*Record
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return recs
		}
		if err != nil {
			t.Fatalf("%s: entry %d: %v", path, len(recs), err)
		}
		recs = append(recs, rec)
	}
}

func queryNames(q []Param) string {
	var n []string
	for _, p := range q {
		n = append(n, p.Name)
	}
	sort.Strings(n)
	return strings.Join(n, ",")
}

func TestGeneratedCaptures(t *testing.T) {
	for _, dir := range []string{"../testdata/browser", "../testdata/demo"} {
		b, err := os.ReadFile(filepath.Join(dir, "expected.json"))
		if err != nil {
			t.Fatal(err)
		}
		var exp captureExpectations
		if err := json.Unmarshal(b, &exp); err != nil {
			t.Fatalf("%s/expected.json: %v", dir, err)
		}
		listed := map[string]bool{}
		for _, f := range exp.Files {
			listed[f.File] = true
		}
		hars, _ := filepath.Glob(filepath.Join(dir, "*.har"))
		if len(hars) == 0 {
			t.Fatalf("%s: no HAR files", dir)
		}
		for _, h := range hars {
			if !listed[filepath.Base(h)] {
				t.Errorf("%s is not described in %s/expected.json", h, dir)
			}
		}
		for _, f := range exp.Files {
			path := filepath.Join(dir, f.File)
			t.Run(f.File, func(t *testing.T) {
				recs := readAllHAR(t, path)
				if len(recs) != len(f.Entries) {
					t.Fatalf("%d entries, expected.json describes %d", len(recs), len(f.Entries))
				}
				for _, r := range f.FileRules {
					if !catalogue[r] {
						t.Errorf("file rule %q is not in the catalogue", r)
					}
				}
				sanitized := false
				for _, r := range f.FileRules {
					sanitized = sanitized || r == "har-sanitized"
				}
				credentials, failures := 0, 0
				for i, e := range f.Entries {
					x := recs[i].Exchange
					if e.Index != i || x == nil {
						t.Fatalf("entry %d: index %d, exchange %v", i, e.Index, x != nil)
					}
					want := e.Status
					if want < 0 {
						want = 0 // no response: HAR status -1 (Playwright) reads as 0
					}
					if x.Request.Method != e.Method || x.Status() != want {
						t.Errorf("entry %d: %s %d, expected %s %d", i, x.Request.Method, x.Status(), e.Method, e.Status)
					}
					u, err := url.Parse(e.URL)
					if err != nil {
						t.Fatal(err)
					}
					if x.Request.URL.Scheme != u.Scheme || x.Request.URL.Host != u.Host || x.Request.URL.Path != u.Path {
						t.Errorf("entry %d: URL %s://%s%s, expected %s", i, x.Request.URL.Scheme, x.Request.URL.Host, x.Request.URL.Path, e.URL)
					}
					var q []string
					for k := range u.Query() {
						q = append(q, k)
					}
					sort.Strings(q)
					if got := queryNames(x.Request.URL.Query); got != strings.Join(q, ",") {
						t.Errorf("entry %d: query names %q, expected %q", i, got, strings.Join(q, ","))
					}
					for _, r := range append(append([]string{}, e.Rules...), e.May...) {
						if !catalogue[r] {
							t.Errorf("entry %d: rule %q is not in the catalogue", i, r)
						}
					}
					for _, j := range e.Related {
						if j < 0 || j >= len(f.Entries) || j == i {
							t.Errorf("entry %d: related %d out of range", i, j)
						}
					}
					if x.Request.Headers.Has("Authorization") || x.Request.Headers.Has("Cookie") {
						credentials++
					}
					if x.Failed() {
						failures++
					}
				}
				// har-sanitized is expected exactly where no entry carries
				// Authorization or Cookie and something failed.
				if sanitized != (credentials == 0 && failures > 0) {
					t.Errorf("har-sanitized expected=%v, but %d entries carry Authorization/Cookie and %d failed", sanitized, credentials, failures)
				}
			})
		}
	}
}
