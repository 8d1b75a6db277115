package sanitize_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/authtriage/authtriage/parsers"
	"github.com/authtriage/authtriage/sanitize"
	"github.com/authtriage/authtriage/secrets"
)

// fuzzTimeout bounds one Sanitize call on a fuzz input (a few KiB): a run
// that takes longer is a hang or a blow-up, not a slow machine.
const fuzzTimeout = 10 * time.Second

// fuzzSeeds adds the files the globs name, up to 64 KiB each, as seeds.
func fuzzSeeds(f *testing.F, globs ...string) {
	n := 0
	for _, g := range globs {
		files, _ := filepath.Glob(g)
		for _, p := range files {
			if strings.HasSuffix(p, ".md") {
				continue
			}
			if b, err := os.ReadFile(p); err == nil && len(b) <= 64<<10 {
				f.Add(b)
				n++
			}
		}
	}
	if n == 0 {
		f.Fatalf("no seed in %v: testdata missing?", globs)
	}
}

// sanitizeBounded runs Sanitize on in, failing the test when it does not
// end within fuzzTimeout.
func sanitizeBounded(t *testing.T, in []byte, f parsers.Format) ([]byte, sanitize.Stats, error) {
	t.Helper()
	type result struct {
		out []byte
		st  sanitize.Stats
		err error
	}
	done := make(chan result, 1)
	go func() {
		var out bytes.Buffer
		st, err := sanitize.Sanitize(bytes.NewReader(in), &out, "fuzz", sanitize.Options{Format: f})
		done <- result{out.Bytes(), st, err}
	}()
	select {
	case r := <-done:
		return r.out, r.st, r.err
	case <-time.After(fuzzTimeout):
		t.Fatalf("Sanitize did not end within %v on %d bytes", fuzzTimeout, len(in))
		return nil, sanitize.Stats{}, nil
	}
}

// checkNoDetectedValue: no value the detectors find in a line of the input
// is left verbatim in the output. The output keeps the input's lines, so a
// value is looked for in its own line; when the line structure changed (a
// curl trace record rebuilt with other line breaks) in the whole output.
// For a JWT only the signature is looked for (its header and payload stay
// by design). A value shorter than minVerbatim bytes cannot be told from
// the text around it ("0" in a JWT header), so it must only not be found
// again, as the same bytes, by the detectors reading the output.
func checkNoDetectedValue(t *testing.T, in, out []byte) {
	t.Helper()
	const minVerbatim = 8
	inLines := bytes.Split(in, []byte("\n"))
	outLines := bytes.Split(out, []byte("\n"))
	// what the detectors find in a place of the output, and the place
	// without the markers' own words (kind, prefix, fingerprint), which are
	// not the value
	look := func(where []byte) (again [][]byte, plain []byte) {
		secrets.ScanLine(where, func(m secrets.Match) { again = append(again, where[m.Start:m.End]) })
		return again, reAnyMarker.ReplaceAll(where, nil)
	}
	sameLines := len(outLines) == len(inLines)
	var wholeAgain [][]byte
	var wholePlain []byte
	var covered [][2]int // where the detectors find something in the input
	if !sameLines {
		// once for the whole output, not once per input line: that made
		// each fuzz call quadratic in the input
		wholeAgain, wholePlain = look(out)
		off := 0
		for _, line := range inLines {
			secrets.ScanLine(line, func(m secrets.Match) { covered = append(covered, [2]int{off + m.Start, off + m.End}) })
			off += len(line) + 1
		}
	}
	// heldInClear: the input also holds v where no detector calls it a
	// credential (access_toksn=v beside access_token=v). When the output's
	// lines are not the input's (a cut HAR keeps only its complete
	// entries), v found anywhere in the output may be that copy.
	heldInClear := func(v []byte) bool {
		for i := 0; ; {
			j := bytes.Index(in[i:], v)
			if j < 0 {
				return false
			}
			a := i + j
			inside := false
			for _, c := range covered {
				if c[0] <= a && a+len(v) <= c[1] {
					inside = true
					break
				}
			}
			if !inside {
				return true
			}
			i = a + 1
		}
	}
	for i, line := range inLines {
		where, again, plain := out, wholeAgain, wholePlain
		if sameLines {
			where = outLines[i]
			again, plain = look(where)
		}
		secrets.ScanLine(line, func(m secrets.Match) {
			v := line[m.Start:m.End]
			if bytes.HasPrefix(v, []byte("eyJ")) {
				parts := bytes.SplitN(v, []byte("."), 3)
				if len(parts) < 3 {
					return
				}
				v = parts[2]
			}
			if len(bytes.TrimSpace(v)) == 0 {
				return
			}
			if len(v) >= minVerbatim && bytes.Contains(plain, v) && (sameLines || !heldInClear(v)) {
				t.Fatalf("line %d: the value %q (%s) found in the input is still in the output:\n%s", i+1, v, m.Detector, where)
			}
			for _, a := range again {
				if bytes.Equal(a, line[m.Start:m.End]) {
					t.Fatalf("line %d: the detectors still find %q (%s) in the output:\n%s", i+1, a, m.Detector, where)
				}
			}
		})
	}
}

// reAnyMarker matches a sanitized marker, also percent-encoded (URL
// userinfo).
var reAnyMarker = regexp.MustCompile(`<redacted:[^<>\s]*>|(?i:%3Credacted%3A.*?%3E)`)

// harEntries counts log.entries of a JSON document; ok is false when the
// document is not one encoding/json reads as a HAR.
func harEntries(b []byte) (int, bool) {
	var doc struct {
		Log *struct {
			Entries []json.RawMessage `json:"entries"`
		} `json:"log"`
	}
	if err := json.Unmarshal(b, &doc); err != nil || doc.Log == nil || doc.Log.Entries == nil {
		return 0, false
	}
	return len(doc.Log.Entries), true
}

// FuzzSanitizeHAR: on any input read as a HAR, Sanitize does not panic and
// ends; when the input is a HAR, the output is valid JSON with as many
// entries; no value a detector finds in an input line survives.
func FuzzSanitizeHAR(f *testing.F) {
	fuzzSeeds(f, "../testdata/corpus/har/*.har", "../testdata/demo/*.har", "../testdata/browser/*.har")
	f.Add([]byte(oddHAR))
	f.Add([]byte(`{"log":{"entries":[{"request":{"method":"GET","url":"https://a.example/?access_token=9f8e7d6c5b4a3928","headers":[{"name":"Authorization","value":"Bearer 9f8e7d6c5b4a39281706f5e4"}]}}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		out, st, err := sanitizeBounded(t, in, parsers.FormatHAR)
		if err != nil {
			return // refused: nothing may be used of the output
		}
		if n, ok := harEntries(in); ok {
			if m, ok := harEntries(out); !ok || m != n || st.Truncated {
				t.Fatalf("a HAR of %d entries came out as %d entries (valid JSON: %v, truncated: %v):\n%s", n, m, ok, st.Truncated, out)
			}
		}
		checkNoDetectedValue(t, in, out)
	})
}

// FuzzSanitizeText: the same for the line formats (curl transcripts, JSON
// and Common Log Format logs, plain text), sniffed or forced; a log or text
// input keeps its number of lines.
func FuzzSanitizeText(f *testing.F) {
	fuzzSeeds(f, "../parsers/testdata/curl/*.txt", "../parsers/testdata/logs/*", "../testdata/malformed/*")
	f.Add([]byte("> GET /v1/me?access_token=9f8e7d6c5b4a3928 HTTP/1.1\n> Authorization: Bearer 9f8e7d6c5b4a39281706f5e4\n>\n< HTTP/1.1 401 Unauthorized\n"))
	f.Add([]byte(`{"status":401,"http_authorization":"Bearer nginx_prod_jwt_token_777","uri":"/v1/me?apikey=k3y0123456789"}` + "\n"))
	formats := []parsers.Format{"", parsers.FormatCurl, parsers.FormatJSONL, parsers.FormatCLF, parsers.FormatText}
	f.Fuzz(func(t *testing.T, in []byte) {
		for _, format := range formats {
			out, st, err := sanitizeBounded(t, in, format)
			if err != nil || st.Format == parsers.FormatHAR {
				continue // refused, or sniffed as a HAR (FuzzSanitizeHAR)
			}
			if st.Format != parsers.FormatCurl && bytes.Count(out, []byte("\n")) != bytes.Count(in, []byte("\n")) {
				t.Fatalf("%s: %d lines in, %d out:\n%s", st.Format, bytes.Count(in, []byte("\n")), bytes.Count(out, []byte("\n")), out)
			}
			checkNoDetectedValue(t, in, out)
		}
	})
}
