package parsers

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

// Helpers shared by the access-log reader tests.

const logsDir = "testdata/logs"

// readResult is everything a reader yielded for one input.
type readResult struct {
	format  Format
	schema  string
	records []*Record
	errs    []*ParseError
}

func (r readResult) exchanges() []*Record {
	var out []*Record
	for _, rec := range r.records {
		if rec.Exchange != nil {
			out = append(out, rec)
		}
	}
	return out
}

// byLine returns the record of a 1-based line, or nil.
func (r readResult) byLine(n int) *Record {
	for _, rec := range r.records {
		if rec.Source.Line == n {
			return rec
		}
	}
	return nil
}

// errLines lists the lines that got a *ParseError.
func (r readResult) errLines() []int {
	var out []int
	for _, e := range r.errs {
		out = append(out, e.Line)
	}
	return out
}

// drain reads a reader to its end, with a bound so a reader that never
// ends fails the test instead of hanging it.
func drain(t testing.TB, r Reader, bound int) readResult {
	t.Helper()
	res := readResult{format: r.Format()}
	for i := 0; ; i++ {
		if i > bound {
			t.Fatalf("reader did not end after %d calls", bound)
		}
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("non-parse error: %v", err)
			}
			res.errs = append(res.errs, pe)
		}
		if rec != nil {
			res.records = append(res.records, rec)
		}
	}
	res.schema = r.Schema()
	return res
}

// readLog opens a testdata log through Open (sniffing unless forced).
func readLog(t testing.TB, name string, forced Format, o Options) readResult {
	t.Helper()
	f, err := os.Open(filepath.Join(logsDir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := Open(f, name, forced, o)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return drain(t, r, 1<<20)
}

func readString(t testing.TB, f Format, data string, o Options) readResult {
	t.Helper()
	r, err := NewReader(bytes.NewReader([]byte(data)), "test.log", f, o)
	if err != nil {
		t.Fatal(err)
	}
	return drain(t, r, 1<<20)
}

// Independent counts, computed from the bytes without the readers.

// nonEmptyLines counts lines with anything but whitespace.
func nonEmptyLines(data []byte) int {
	n := 0
	for _, l := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(l)) > 0 {
			n++
		}
	}
	return n
}

// countMatching counts lines matching re (grep -c).
func countMatching(data []byte, re *regexp.Regexp) int {
	n := 0
	for _, l := range bytes.Split(data, []byte("\n")) {
		if re.Match(l) {
			n++
		}
	}
	return n
}

// The credentials of the corpus (corpus/curl/test-tokens.env and
// fire-logs.sh) and of the osv-scalibr fixtures. Synthetic fixtures put
// CANARY in every credential.
const (
	expiredJWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwic3ViIjoidXNlci0xMjM0IiwiYXVkIjoiaHR0cHM6Ly9hcGkuZXhhbXBsZS5jb20iLCJzY29wZSI6InJlYWQ6dXNlcnMiLCJpYXQiOjE3MDAwMDAwMDAsImV4cCI6MTcwMDAwMzYwMH0.tfjTLUFs-Guhy_zz-X7OyW1m3NvzEU68-CuRwwKXEhM"
	validJWT   = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwic3ViIjoidXNlci0xMjM0IiwiYXVkIjoiaHR0cHM6Ly9hcGkuZXhhbXBsZS5jb20iLCJzY29wZSI6InJlYWQ6dXNlcnMiLCJpYXQiOjE3MDAwMDAwMDAsImV4cCI6NDEwMjQ0NDgwMH0.xXRRAoHsdR7qzZUUxL1Du5wezMtn0xvRkaOtxToMx4w"
	skTest     = "sk_test_51EXAMPLEa1b2c3d4e5f6g7h8i9j0kLmNoPqRsTuV9xQz"
	skLive     = "sk_live_51EXAMPLEz9y8x7w6v5u4t3s2r1q0pOnMlKjIhGf3kWd"
)

var rawCredentials = []string{
	expiredJWT, validJWT, skTest, skLive,
	"tfjTLUFs-Guhy_zz-X7OyW1m3NvzEU68-CuRwwKXEhM", "xXRRAoHsdR7qzZUUxL1Du5wezMtn0xvRkaOtxToMx4w", // signatures alone
	"YWxpY2U6d3JvbmctcGFzcw==",                    // -u alice:wrong-pass
	"EXAMPLE-8c1f2a9b", "Zx3kQ", "EXAMPLEcsrf123", // the Cookie header
	"cs_EXAMPLE_4f9d2b7e1a6c8d0e", // client_secret in the form body
	"tökén-with-ü", `t\xC3\xB6k`, `t\xc3\xb6k`,
	"nginx_prod_jwt_token_777", "YWRtaW46cGFzc3dvcmQxMjM=", "evil_corp_999", // osv-scalibr nginx
	"pino_secret_jwt_456", "xyz987", // osv-scalibr pino
	"CANARY",
}

// decodedCredentials are in the logs only encoded (Basic): they must not
// show decoded either.
var decodedCredentials = []string{"wrong-pass", "password123"}

// syntheticJWT rebuilds a JWT of the synthetic fixtures (written by Python,
// see testdata/logs/PROVENANCE.md): HS256 header, fixed claims, and a
// signature segment that names the fixture.
func syntheticJWT(tag string, exp int) string {
	enc := base64.RawURLEncoding
	header := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	claims := enc.EncodeToString([]byte(`{"iss":"https://auth.example.com/","sub":"canary-user","aud":"https://api.example.com","exp":` + strconv.Itoa(exp) + `}`))
	return header + "." + claims + ".CANARY" + tag + "SigSegment0123456789abcdef"
}
