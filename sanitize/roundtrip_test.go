package sanitize_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/authtriage/authtriage/analyze"
	"github.com/authtriage/authtriage/parsers"
	"github.com/authtriage/authtriage/rules"
	"github.com/authtriage/authtriage/sanitize"
	"github.com/authtriage/authtriage/secrets"
)

// The round trip over every capture the repository holds: the corpus of
// real HAR files, the curl transcripts and logs of the parsers' tests, the
// demo and the browser captures. For each one:
//
//   - no detector finds anything in the sanitized copy, line by line (the
//     real `scan` command runs over the same copies in cmd/authtriage's
//     TestSanitizeThenScan), and no credential of the input is in it;
//   - the copy parses with the same number of records and exchanges, and
//     every credential the parser finds in it is in sanitized form;
//   - analyze reports the same rules on the same exchanges, leaks apart.

func roundTripInputs(t *testing.T) []string {
	var files []string
	for _, g := range []string{
		"../testdata/corpus/har/*.har",
		"../testdata/demo/*.har",
		"../testdata/browser/*.har",
		"../parsers/testdata/curl/*.txt",
		"../parsers/testdata/logs/*",
		"../testdata/malformed/*",
	} {
		m, _ := filepath.Glob(g)
		files = append(files, m...)
	}
	var out []string
	for _, f := range files {
		if strings.HasSuffix(f, ".md") || strings.HasSuffix(f, ".env") {
			continue
		}
		out = append(out, f)
	}
	if len(out) < 120 {
		t.Fatalf("only %d inputs found; corpus missing?", len(out))
	}
	return out
}

// roundTrip sanitizes in into dir (same base name) and returns the output path.
func roundTrip(t *testing.T, in, dir string, o sanitize.Options) (string, sanitize.Stats) {
	t.Helper()
	src, err := os.Open(in)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	out := filepath.Join(dir, filepath.Base(in))
	var buf bytes.Buffer
	st, err := sanitize.Sanitize(src, &buf, in, o)
	if err != nil {
		t.Fatalf("sanitize: %v", err)
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return out, st
}

func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	totals := map[string]int{}
	for _, in := range roundTripInputs(t) {
		t.Run(filepath.Base(in), func(t *testing.T) {
			if strings.Contains(in, "malformed") {
				// hostile inputs: what sanitize refuses, analyze reads
				// nothing from either
				f, _ := os.Open(in)
				_, err := sanitize.Sanitize(f, io.Discard, in, sanitize.Options{})
				f.Close()
				if err != nil {
					if p := readAllTolerant(in); p.exchanges > 0 {
						t.Fatalf("sanitize refuses an input analyze reads %d exchanges from: %v", p.exchanges, err)
					}
					return
				}
			}
			out, st := roundTrip(t, in, dir, sanitize.Options{})
			outBytes, _ := os.ReadFile(out)
			inBytes, _ := os.ReadFile(in)

			// 1. the detectors find nothing in the copy
			for i, line := range bytes.Split(outBytes, []byte("\n")) {
				secrets.ScanLine(line, func(m secrets.Match) {
					t.Errorf("line %d: detector %s still finds %s (field %q)", i+1, m.Detector, m.Secret, m.Field)
				})
			}
			// 2. no credential of the input is in the copy
			for _, v := range inputCredentials(t, in, inBytes) {
				if i := bytes.Index(outBytes, []byte(v.raw)); i >= 0 {
					ctx := string(outBytes[max(0, i-80):i]) + "[…]" + string(outBytes[i+len(v.raw):min(len(outBytes), i+len(v.raw)+40)])
					t.Errorf("credential of the input still in the copy: %s (%s), in %q", secrets.New(v.raw), v.where, ctx)
				}
			}
			// 3. it parses the same, and what the parser finds is sanitized
			a, b := readAll(t, in), readAll(t, out)
			if a.records != b.records || a.exchanges != b.exchanges {
				t.Errorf("records/exchanges: input %d/%d, copy %d/%d", a.records, a.exchanges, b.records, b.exchanges)
			}
			for _, s := range b.secrets {
				if !sanitizedForm(s.raw) && !strings.Contains(s.raw, "<redacted:") && !strings.Contains(s.raw, "%3Credacted%3A") && sanitize.Distinctive(s.raw) {
					t.Errorf("copy still holds a credential the parser reads: %s at %s", secrets.New(s.raw), s.where)
				}
			}
			if st.Format == parsers.FormatHAR {
				var doc struct {
					Log struct {
						Entries []json.RawMessage `json:"entries"`
					} `json:"log"`
				}
				if err := json.Unmarshal(bytes.TrimPrefix(outBytes, []byte("\xef\xbb\xbf")), &doc); err != nil && !strings.Contains(in, "jsonp") {
					t.Errorf("copy is not JSON: %v", err)
				} else if st.Entries != a.exchanges+a.skipped {
					t.Errorf("entries written %d, input has %d", st.Entries, a.exchanges+a.skipped)
				}
			}
			// 5. a sanitized copy sanitizes to itself
			againDir := filepath.Join(dir, "again")
			os.MkdirAll(againDir, 0o755)
			if again, _ := roundTrip(t, out, againDir, sanitize.Options{}); !bytes.Equal(mustRead(t, again), outBytes) {
				t.Errorf("sanitizing the copy changed it")
			}
			// 4. analyze says the same, leaks apart
			fa, fb := findingsByExchange(t, in, a), findingsByExchange(t, out, b)
			if d := diffFindings(fa, fb); d != "" {
				t.Errorf("analyze differs after sanitizing:\n%s", d)
			}
			totals["files"]++
			totals["exchanges"] += a.exchanges
			totals["records"] += a.records
			totals["replaced"] += st.Replaced
		})
	}
	t.Logf("round trip: %d files, %d records, %d exchanges, %d values replaced", totals["files"], totals["records"], totals["exchanges"], totals["replaced"])
}

// cred is one raw credential value of an input and where it was seen.
type cred struct {
	raw, where string
}

// inputCredentials collects the raw credential values of an input: what the
// parser holds as Secrets, and what the detectors find in its lines. Values
// shorter than 8 bytes (theme=dark) could occur anywhere by chance and are
// left out; for a JWT the signature is the secret part (the header and the
// payload stay on purpose).
func inputCredentials(t *testing.T, path string, b []byte) []cred {
	var out []cred
	add := func(raw, where string) {
		raw = strings.Trim(strings.TrimSpace(raw), `"'`)
		if !sanitize.Distinctive(raw) || sanitizedForm(raw) {
			return
		}
		if strings.HasPrefix(raw, "eyJ") && strings.Count(raw, ".") < 2 {
			return // a piece of a JWT's header and payload, which stay
		}
		if k, _ := secrets.Classify(raw); k == secrets.KindJWT {
			parts := strings.Split(raw, ".")
			if len(parts) == 3 && len(parts[2]) >= 8 {
				out = append(out, cred{parts[2], where + " (JWT signature)"})
			}
			return
		}
		out = append(out, cred{raw, where})
	}
	for i, line := range bytes.Split(b, []byte("\n")) {
		secrets.ScanLine(line, func(m secrets.Match) { add(m.Secret.Reveal(), fmt.Sprintf("line %d %s", i+1, m.Detector)) })
	}
	for _, s := range readAll(t, path).secrets {
		add(s.raw, s.where)
	}
	return out
}

// sanitizedForm: a value that holds no credential any more.
func sanitizedForm(v string) bool {
	v = strings.Trim(strings.TrimSpace(v), `"'`)
	if v == "" || secrets.IsSanitized(v) {
		return true
	}
	switch k, _ := secrets.Classify(v); k {
	case secrets.KindRedacted, secrets.KindPlaceholder, secrets.KindEmpty:
		return true
	}
	return false
}

type parsed struct {
	records, exchanges, skipped int
	starts                      []int // record start (entry or line) of each exchange, in order
	secrets                     []cred
}

// readAll parses a file with the tool's own readers.
func readAll(t *testing.T, path string) parsed {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var p parsed
	rd, err := parsers.Open(f, path, "", parsers.Options{})
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	for {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *parsers.ParseError
		if err != nil && errors.As(err, &pe) && rec == nil {
			if pe.Fatal {
				break
			}
			p.skipped++
			continue
		}
		if rec == nil {
			break
		}
		p.records++
		ex := rec.Exchange
		if ex == nil {
			continue
		}
		p.exchanges++
		pos := rec.Source.Entry
		if pos < 0 {
			pos = rec.Source.Line
		}
		p.starts = append(p.starts, pos)
		where := fmt.Sprintf("entry %d line %d", rec.Source.Entry, rec.Source.Line)
		for _, hs := range []parsers.Headers{ex.Request.Headers, responseHeaders(ex)} {
			for _, h := range hs {
				if !h.Sensitive() {
					continue
				}
				switch {
				case secrets.IsAuthorizationHeader(h.Name):
					a := h.Secret.Authorization()
					parts := a.Parts
					if len(parts) == 0 {
						parts = []secrets.Authorization{a}
					}
					for _, pa := range parts {
						c := pa.Credential.Reveal()
						if strings.Contains(strings.Trim(c, "="), "=") {
							continue // auth-params (Digest): only some are secret
						}
						for _, w := range strings.Fields(c) {
							p.secrets = append(p.secrets, cred{w, where + " " + h.Name})
						}
					}
				case secrets.IsCookieHeader(h.Name):
					for _, part := range strings.Split(h.Secret.Reveal(), ";") {
						if _, v, ok := strings.Cut(part, "="); ok && !strings.EqualFold(strings.TrimSpace(strings.Split(part, "=")[0]), "expires") {
							p.secrets = append(p.secrets, cred{v, where + " " + h.Name})
						}
						if strings.EqualFold(h.Name, "set-cookie") {
							break
						}
					}
				default:
					p.secrets = append(p.secrets, cred{h.Secret.Reveal(), where + " " + h.Name})
				}
			}
		}
		for _, q := range ex.Request.URL.Query {
			if q.Sensitive() {
				p.secrets = append(p.secrets, cred{q.Secret.Reveal(), where + " query " + q.Name})
			}
		}
		if !ex.Request.URL.Password.IsZero() {
			p.secrets = append(p.secrets, cred{ex.Request.URL.Password.Reveal(), where + " url password"})
		}
		for _, fl := range ex.Request.Body.Fields {
			if fl.Sensitive() {
				p.secrets = append(p.secrets, cred{fl.Secret.Reveal(), where + " body " + fl.Path})
			}
		}
		if ex.Response != nil {
			for _, fl := range ex.Response.Body.Fields {
				if fl.Sensitive() {
					p.secrets = append(p.secrets, cred{fl.Secret.Reveal(), where + " response body " + fl.Path})
				}
			}
		}
	}
	return p
}

func responseHeaders(ex *parsers.Exchange) parsers.Headers {
	if ex.Response == nil {
		return nil
	}
	return ex.Response.Headers
}

// findingsByExchange runs analyze and lists rule IDs per exchange ordinal
// (the n-th exchange of the file; -1 for file-level findings), leaks apart.
func findingsByExchange(t *testing.T, path string, p parsed) map[int][]string {
	t.Helper()
	res, err := analyze.Run(context.Background(), []string{path}, analyze.Options{Config: rules.DefaultConfig(), Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	ord := map[int]int{}
	for i, s := range p.starts {
		ord[s] = i
	}
	out := map[int][]string{}
	for _, f := range res.Findings {
		if f.Rule == "leaked-secret" {
			continue
		}
		for _, o := range f.Occurrences {
			pos := o.Entry
			if pos < 0 {
				pos = o.Line
			}
			k, ok := ord[pos]
			if !ok {
				k = -1
			}
			out[k] = append(out[k], f.Rule)
		}
	}
	for k := range out {
		sort.Strings(out[k])
	}
	return out
}

func diffFindings(a, b map[int][]string) string {
	var keys []int
	seen := map[int]bool{}
	for k := range a {
		keys, seen[k] = append(keys, k), true
	}
	for k := range b {
		if !seen[k] {
			keys = append(keys, k)
		}
	}
	sort.Ints(keys)
	var d strings.Builder
	for _, k := range keys {
		if strings.Join(a[k], ",") != strings.Join(b[k], ",") {
			fmt.Fprintf(&d, "  exchange %d: input %v, copy %v\n", k, a[k], b[k])
		}
	}
	return d.String()
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// readAllTolerant counts the exchanges of an input, 0 when it cannot be read.
func readAllTolerant(path string) parsed {
	var p parsed
	f, err := os.Open(path)
	if err != nil {
		return p
	}
	defer f.Close()
	rd, err := parsers.Open(f, path, "", parsers.Options{})
	if err != nil {
		return p
	}
	for {
		rec, err := rd.Next()
		if rec != nil && rec.Exchange != nil {
			p.exchanges++
		}
		var pe *parsers.ParseError
		if errors.Is(err, io.EOF) || err != nil && (!errors.As(err, &pe) || pe.Fatal) {
			return p
		}
	}
}
