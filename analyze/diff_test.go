package analyze

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authtriage/authtriage/secrets"
)

// harSubset writes the listed entries of a HAR into dir/name: a good and a
// bad capture cut out of one recording.
func harSubset(t *testing.T, src, dir, name string, idx ...int) string {
	t.Helper()
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

func runDiff(t *testing.T, good, bad string) *DiffResult {
	t.Helper()
	res, err := Diff(context.Background(), good, bad, DiffOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Good.Failed != "" || res.Bad.Failed != "" {
		t.Fatalf("inputs failed: %q %q", res.Good.Failed, res.Bad.Failed)
	}
	return res
}

// row returns the pair's row for an aspect, or fails.
func row(t *testing.T, p DiffPair, aspect string) DiffRow {
	t.Helper()
	for _, r := range p.Rows {
		if r.Aspect == aspect {
			return r
		}
	}
	var names []string
	for _, r := range p.Rows {
		names = append(names, r.Aspect)
	}
	t.Fatalf("%s: no row %q (rows: %s)", p.Endpoint, aspect, strings.Join(names, ", "))
	return DiffRow{}
}

func hasRow(p DiffPair, aspect string) bool {
	for _, r := range p.Rows {
		if r.Aspect == aspect {
			return true
		}
	}
	return false
}

const (
	demo    = "../testdata/demo/demo.har"
	curlDir = "../parsers/testdata/curl/"
)

func TestDiffCurlBasicWrongPassword(t *testing.T) {
	res := runDiff(t, curlDir+"h1-basic-ok_curl8.txt", curlDir+"h1-basic-wrong-pass_curl7.txt")
	if len(res.Pairs) != 1 {
		t.Fatalf("pairs: %d", len(res.Pairs))
	}
	p := res.Pairs[0]
	if p.Endpoint != "GET /basic" || p.Good.Status != 200 || p.Bad.Status != 401 {
		t.Fatalf("pair: %+v", p)
	}
	if r := row(t, p, "Authorization"); !r.Differs || r.Note != "different credential" {
		t.Errorf("credential row: %+v", r)
	}
	if r := row(t, p, "Authorization Basic user"); r.Differs || r.Note != "same user, other password" {
		t.Errorf("Basic user row: %+v", r)
	}
	if r := row(t, p, "Authorization scheme"); r.Differs || r.Good != "Basic" {
		t.Errorf("scheme row: %+v", r)
	}
	if hasRow(p, "host") || hasRow(p, "HTTP version") {
		t.Errorf("host and version are the same: %+v", p.Rows)
	}
}

func TestDiffCurlSandboxKeyOnProdHost(t *testing.T) {
	res := runDiff(t, curlDir+"h2-sandbox-key-on-sandbox-host_curl8.txt", curlDir+"h2-sandbox-key-on-prod_curl8.txt")
	if len(res.Pairs) != 1 {
		t.Fatalf("pairs: %d", len(res.Pairs))
	}
	p := res.Pairs[0]
	if r := row(t, p, "host"); !r.Differs || !strings.Contains(r.Good, "(sandbox)") || !strings.HasPrefix(r.Bad, "api.example.com") {
		t.Errorf("host row: %+v", r)
	}
	if r := row(t, p, "Authorization"); r.Differs || r.Note != "same credential" {
		t.Errorf("the same key is sent on both sides: %+v", r)
	}
	if r := row(t, p, "Authorization environment"); r.Differs || !strings.HasPrefix(r.Good, "sandbox") {
		t.Errorf("environment row: %+v", r)
	}
	if r := row(t, p, "WWW-Authenticate"); !strings.Contains(r.Bad, "invalid_token") {
		t.Errorf("challenge row: %+v", r)
	}
}

func TestDiffDemoPairs(t *testing.T) {
	dir := t.TempDir()
	// GOOD: /v1/me, the sandbox balance with the test key, /v1/orders with
	// the refreshed token; BAD: the live key on the sandbox, /v1/orders
	// with the revoked token, Bearer Bearer, an expired token.
	good := harSubset(t, demo, dir, "good.har", 1, 15, 26)
	bad := harSubset(t, demo, dir, "bad.har", 14, 17, 3, 9)
	res := runDiff(t, good, bad)
	if len(res.Pairs) != 2 || res.Routes != 2 || res.OnlyGoodCount != 1 || res.OnlyBadCount != 2 {
		t.Fatalf("pairs %d routes %d only %d/%d", len(res.Pairs), res.Routes, res.OnlyGoodCount, res.OnlyBadCount)
	}
	bal := res.Pairs[0]
	if bal.Endpoint != "GET /v1/balance" {
		t.Fatalf("first pair %s", bal.Endpoint)
	}
	if r := row(t, bal, "Authorization environment"); !r.Differs || !strings.HasPrefix(r.Good, "sandbox") || !strings.HasPrefix(r.Bad, "production") {
		t.Errorf("environment row: %+v", r)
	}
	orders := res.Pairs[1]
	if r := row(t, orders, "Authorization"); !r.Differs {
		t.Errorf("the refreshed token differs from the revoked one: %+v", r)
	}
	if r := row(t, orders, "Authorization JWT exp"); !strings.HasPrefix(r.Good, "valid for") || !strings.HasPrefix(r.Bad, "valid for") {
		t.Errorf("exp row: %+v", r)
	}
}

// TestDiffExpiredToken: exp is judged against each request's own time.
func TestDiffExpiredToken(t *testing.T) {
	dir := t.TempDir()
	src := "../testdata/browser/expired-token.har"
	res := runDiff(t, harSubset(t, src, dir, "good.har", 6), harSubset(t, src, dir, "bad.har", 3))
	if len(res.Pairs) != 1 {
		t.Fatalf("pairs: %d", len(res.Pairs))
	}
	r := row(t, res.Pairs[0], "Authorization JWT exp")
	if !r.Differs || !strings.HasPrefix(r.Good, "valid for 15m after the request") || !strings.HasPrefix(r.Bad, "expired 1h0m before the request") {
		t.Errorf("exp row: %+v", r)
	}
}

// TestDiffReversed: GOOD may be the side that failed (the inputs were
// given the other way round); the pair is still shown.
func TestDiffReversed(t *testing.T) {
	res := runDiff(t, curlDir+"h1-basic-wrong-pass_curl7.txt", curlDir+"h1-basic-ok_curl8.txt")
	if len(res.Pairs) != 1 || res.Pairs[0].Good.Status != 401 || res.Pairs[0].Bad.Status != 200 {
		t.Fatalf("pairs: %+v", res.Pairs)
	}
}

// TestDiffHeadersAndCookies: credential headers by name in any case,
// cookies by name and value fingerprint, Origin and HTTP version.
// writeOneEntry writes a HAR of one GET /v1/items/42 with these request
// headers, status and HTTP version.
func writeOneEntry(t *testing.T, dir, name string, headers [][2]string, status int, proto string) string {
	t.Helper()
	var hs []map[string]string
	for _, h := range headers {
		hs = append(hs, map[string]string{"name": h[0], "value": h[1]})
	}
	doc := map[string]any{"log": map[string]any{"version": "1.2", "creator": map[string]any{"name": "test"}, "entries": []any{
		map[string]any{"startedDateTime": "2026-11-30T06:40:00Z", "request": map[string]any{"method": "GET", "url": "https://api.example.com/v1/items/42", "httpVersion": proto, "headers": hs},
			"response": map[string]any{"status": status, "headers": []any{}, "content": map[string]any{}}},
	}}}
	b, _ := json.Marshal(doc)
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDiffHeadersAndCookies(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, headers [][2]string, status int, proto string) string {
		return writeOneEntry(t, dir, name, headers, status, proto)
	}
	good := write("good.har", [][2]string{{"X-API-Key", "9f8e7d6c5b4a39281706f5e4d3c2b1a0"}, {"Cookie", "sid=Zx3kQ8c1f2a9b7d4e6; theme=dark"}, {"Origin", "https://app.example.com"}}, 200, "HTTP/1.1")
	bad := write("bad.har", [][2]string{{"cookie", "sid=Aa1bB2cC3dD4eE5fF6; lang=en"}, {"origin", "https://evil.example"}}, 403, "h2")
	res := runDiff(t, good, bad)
	if len(res.Pairs) != 1 {
		t.Fatalf("pairs: %d", len(res.Pairs))
	}
	p := res.Pairs[0]
	if p.Endpoint != "GET /v1/items/{id}" {
		t.Errorf("endpoint %q", p.Endpoint)
	}
	if r := row(t, p, "X-API-Key header"); r.Note != "only in GOOD" || r.Bad != "(none)" {
		t.Errorf("api key row: %+v", r)
	}
	if r := row(t, p, "cookie sid"); r.Note != "other value" {
		t.Errorf("cookie sid row: %+v", r)
	}
	if r := row(t, p, "cookie theme"); r.Note != "only in GOOD" {
		t.Errorf("cookie theme row: %+v", r)
	}
	if r := row(t, p, "cookie lang"); r.Note != "only in BAD" {
		t.Errorf("cookie lang row: %+v", r)
	}
	if r := row(t, p, "Origin header"); !r.Differs {
		t.Errorf("origin row: %+v", r)
	}
	if r := row(t, p, "HTTP version"); r.Good != "HTTP/1.1" || r.Bad != "HTTP/2" {
		t.Errorf("version row: %+v", r)
	}
	if hasRow(p, "Authorization scheme") {
		t.Errorf("no side has an Authorization header: no scheme row")
	}
	// no raw value anywhere
	for _, r := range p.Rows {
		for _, raw := range []string{"9f8e7d6c5b4a39281706f5e4d3c2b1a0", "Zx3kQ8c1f2a9b7d4e6", "Aa1bB2cC3dD4eE5fF6"} {
			if strings.Contains(r.Good+r.Bad+r.Note, raw) {
				t.Errorf("row %q shows a raw credential", r.Aspect)
			}
		}
	}
}

// TestDiffOriginAndVersionNeverRaw: diff shows the Origin header and the
// HTTP version as the request wrote them, and a client can write anything
// there — userinfo, a query with a token. Only an origin (scheme and host)
// is shown; the rest is noted by fingerprint, so a difference in it still
// shows.
func TestDiffOriginAndVersionNeverRaw(t *testing.T) {
	dir := t.TempDir()
	const pw, tok, ver = "Pr0beOriginPassw0rd", "Pr0beOriginQueryT0ken42", "Pr0beVersionT0ken77"
	good := writeOneEntry(t, dir, "good.har", [][2]string{{"Origin", "https://app.example.com"}}, 200, "HTTP/1.1")
	bad := writeOneEntry(t, dir, "bad.har", [][2]string{{"Origin", "https://u:" + pw + "@app.example.com/cb?access_token=" + tok}}, 401, "Bearer sk_live_"+ver)
	res := runDiff(t, good, bad)
	if len(res.Pairs) != 1 {
		t.Fatalf("pairs: %d", len(res.Pairs))
	}
	p := res.Pairs[0]
	if r := row(t, p, "Origin header"); !r.Differs || !strings.HasPrefix(r.Bad, "https://app.example.com ") {
		t.Errorf("origin row: %+v", r)
	}
	if r := row(t, p, "HTTP version"); !r.Differs {
		t.Errorf("version row: %+v", r)
	}
	for _, r := range p.Rows {
		for _, raw := range []string{pw, tok, ver} {
			if strings.Contains(r.Good+r.Bad+r.Note, raw) {
				t.Errorf("row %q shows %s: %+v", r.Aspect, raw, r)
			}
		}
	}
}

// TestDiffNeverRaw runs diff over pairs of every curl transcript with the
// demo and checks that no value any detector finds in the inputs appears in
// any row.
func TestDiffNeverRaw(t *testing.T) {
	files, _ := filepath.Glob(curlDir + "*.txt")
	files = append(files, demo, "../testdata/browser/stale-token-after-refresh.har", "../testdata/browser/environment-mismatch.har")
	var raws []string
	for _, f := range files {
		b, _ := os.ReadFile(f)
		for _, l := range strings.Split(string(b), "\n") {
			secrets.ScanLine([]byte(l), func(m secrets.Match) {
				if v := m.Secret.Reveal(); len(v) >= 8 {
					raws = append(raws, v)
				}
			})
		}
	}
	pairs := 0
	for i := range files {
		for _, j := range []int{(i + 1) % len(files), len(files) - 1} {
			res, err := Diff(context.Background(), files[i], files[j], DiffOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range res.Pairs {
				pairs++
				for _, r := range p.Rows {
					all := r.Aspect + "\x00" + r.Good + "\x00" + r.Bad + "\x00" + r.Note
					for _, raw := range raws {
						if strings.Contains(all, raw) {
							t.Fatalf("%s vs %s: row %q shows a raw credential", files[i], files[j], r.Aspect)
						}
					}
				}
			}
		}
	}
	if pairs < 10 {
		t.Fatalf("only %d pairs compared; the test would prove little", pairs)
	}
}

func TestDiffUnreadable(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, []byte("just some notes\nno HTTP here\n"), 0o644)
	res, err := Diff(context.Background(), filepath.Join(dir, "missing.har"), text, DiffOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Good.Failed == "" || res.Bad.Failed == "" {
		t.Fatalf("both inputs yield nothing: %+v %+v", res.Good, res.Bad)
	}
	if len(res.Pairs) != 0 {
		t.Fatalf("pairs from nothing: %d", len(res.Pairs))
	}
}
