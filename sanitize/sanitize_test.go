package sanitize_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/authtriage/authtriage/parsers"
	"github.com/authtriage/authtriage/sanitize"
)

func run(t *testing.T, in, name string, o sanitize.Options) (string, sanitize.Stats, error) {
	t.Helper()
	var out bytes.Buffer
	st, err := sanitize.Sanitize(strings.NewReader(in), &out, name, o)
	return out.String(), st, err
}

var reMarkerFP = regexp.MustCompile(`(<redacted:[^:<>]*:[^:<>]*:[0-9]+):[0-9a-f]{12}>`)

func norm(s string) string { return reMarkerFP.ReplaceAllString(s, "$1>") }

// A HAR whose odd corners must survive: a BOM, a JSONP wrapper, fields in
// an unusual order, unknown "_" fields, numbers spelled as written, Polly
// header arrays, IE11's cookie object, chrome-har's object params, Polly's
// textJSON, pages whose title is a URL with a token.
const oddHAR = "\ufeffonInputData({\"log\": {\n" +
	`  "version": "1.2", "_custom": {"n": 1.50, "x": [true, null]},
  "pages": [{"id": "p1", "title": "https://app.example.com/cb#access_token=Zx3kQ8c1f2a9b7d4e6", "startedDateTime": ""}],
  "entries": [
    {"_id": 7, "request": {"headers": [{"value": ["Bearer 9f8e7d6c5b4a39281706f5e4"], "name": "authorization"}],
      "url": "https://api.example.com/v1/me", "method": "GET", "cookies": {"name": "sid", "value": "3f2a9c1b7d4e5a6b"},
      "postData": {"mimeType": "application/json", "textJSON": {"password": "hunter2hunter2"},
        "params": [{"name": "client_secret", "value": {"nested": "cs_4f9d2b7e1a6c8d0e"}}]}},
     "response": {"status": 401, "headers": [], "content": {"size": 0, "text": ""}},
     "timings": {"send": 0.1, "wait": 1e2, "receive": -1}, "_webSocketMessages": [{"data": "{\"token\":\"ws9f8e7d6c5b4a3928\"}"}]}
  ],
  "creator": {"name": "Polly.JS", "version": "1.4.1"}
}})
`

func TestHAROddCorners(t *testing.T) {
	out, st, err := run(t, oddHAR, "odd.har", sanitize.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Format != parsers.FormatHAR || st.Entries != 1 {
		t.Fatalf("stats %+v", st)
	}
	if !strings.HasPrefix(out, "\ufeffonInputData({\"log\": {\n") || !strings.HasSuffix(out, "}})\n") {
		t.Errorf("BOM or JSONP wrapper lost:\n%s", out)
	}
	for _, keep := range []string{`"_custom": {"n": 1.50, "x": [true, null]}`, `"wait": 1e2`, `"_id": 7,`,
		`[{"value": ["Bearer <redacted:opaque::24`, `"name": "authorization"}]`, `"cookies": {"name": "sid", "value": "<redacted:cookie::16`,
		`"textJSON": {"password": "<redacted:opaque::14`, `{"nested": "<redacted:opaque::19`, `#access_token=<redacted:opaque::18`,
		`{\"token\":\"<redacted:opaque::18`} {
		if !strings.Contains(out, keep) {
			t.Errorf("output lacks %s\n%s", keep, out)
		}
	}
	for _, secret := range []string{"9f8e7d6c5b4a39281706f5e4", "3f2a9c1b7d4e5a6b", "hunter2hunter2", "cs_4f9d2b7e1a6c8d0e", "Zx3kQ8c1f2a9b7d4e6", "ws9f8e7d6c5b4a3928"} {
		if strings.Contains(out, secret) {
			t.Errorf("%s survived", secret)
		}
	}
	// the HAR reader still reads it
	rd, err := parsers.Open(strings.NewReader(out), "odd.har", "", parsers.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rec, err := rd.Next(); err != nil || rec.Exchange == nil || rec.Exchange.Status() != 401 {
		t.Fatalf("read back: %v %+v", err, rec)
	}
}

// TestHARUnchangedWithoutCredentials: a capture with nothing to replace
// comes out byte for byte; so does every corpus file where nothing was
// replaced.
func TestHARUnchangedWithoutCredentials(t *testing.T) {
	files, _ := filepath.Glob("../testdata/corpus/har/*.har")
	same := 0
	for _, f := range files {
		in, _ := os.ReadFile(f)
		var out bytes.Buffer
		fh, _ := os.Open(f)
		st, err := sanitize.Sanitize(fh, &out, f, sanitize.Options{})
		fh.Close()
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if st.Replaced == 0 {
			same++
			if !bytes.Equal(in, out.Bytes()) {
				t.Errorf("%s: nothing replaced, yet the output differs", f)
			}
		}
	}
	if same == 0 {
		t.Fatalf("no corpus file without credentials: the test proves nothing")
	}
}

func TestHARTruncated(t *testing.T) {
	full, err := os.ReadFile("../testdata/corpus/har/martian-generated.har")
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(full, []byte(`"startedDateTime"`))
	j := bytes.Index(full[i+1:], []byte(`"startedDateTime"`)) + i + 1
	k := bytes.Index(full[j+1:], []byte(`"startedDateTime"`)) + j + 1
	cut := full[:k+40] // inside the third entry
	var warned []string
	out, st, err := run(t, string(cut), "cut.har", sanitize.Options{OnWarning: func(w string) { warned = append(warned, w) }})
	if err != nil {
		t.Fatal(err)
	}
	if !st.Truncated || st.Entries != 2 || len(warned) != 1 || !strings.Contains(warned[0], "entry 2") {
		t.Fatalf("stats %+v warnings %q", st, warned)
	}
	var doc struct {
		Log struct {
			Entries []json.RawMessage `json:"entries"`
		} `json:"log"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Log.Entries) != 2 {
		t.Fatalf("the output must be valid JSON with the complete entries: %v", err)
	}
}

func TestRefused(t *testing.T) {
	for name, in := range map[string]string{
		"empty":       "",
		"YAML":        "log:\n  version: '1.2'\n",
		"not a HAR":   `{"log": "a docker line"}` + "\n",
		"not entries": `{"log": {"entries": {}}}`,
	} {
		_, _, err := run(t, in, "x.har", sanitize.Options{Format: map[bool]parsers.Format{true: "", false: parsers.FormatHAR}[name == "empty"]})
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	_, _, err := run(t, "log:\n  version: '1.2'\n", "rec.har.yaml", sanitize.Options{})
	if err == nil || !strings.Contains(err.Error(), "YAML") {
		t.Errorf("YAML HAR: %v", err)
	}
}

func TestGzipInput(t *testing.T) {
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write([]byte("GET /v1/me?access_token=9f8e7d6c5b4a39281706f5e4 HTTP/1.1\n"))
	zw.Close()
	out, st, err := run(t, z.String(), "access.log.gz", sanitize.Options{})
	if err != nil || st.Lines != 1 || norm(out) != "GET /v1/me?access_token=<redacted:opaque::24> HTTP/1.1\n" {
		t.Fatalf("%q %+v %v", out, st, err)
	}
}

func TestTextLines(t *testing.T) {
	in := "a=1\r\nAuthorization: Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0\r\n" + strings.Repeat("x", 2<<20) + "\nlast line without newline"
	var warned []string
	out, st, err := run(t, in, "app.log", sanitize.Options{Format: parsers.FormatText, MaxLine: 1 << 20, OnWarning: func(w string) { warned = append(warned, w) }})
	if err != nil {
		t.Fatal(err)
	}
	want := "a=1\r\nAuthorization: Bearer <redacted:opaque::32>\r\n[authtriage sanitize: line 3 left out: longer than 1048576 bytes]\nlast line without newline"
	if norm(out) != want || st.Lines != 4 || len(warned) != 1 {
		t.Errorf("got %q (%+v, %q)", norm(out), st, warned)
	}
}

func TestDryRunReplacements(t *testing.T) {
	var reps []sanitize.Replacement
	_, st, err := run(t, oddHAR, "odd.har", sanitize.Options{OnReplace: func(r sanitize.Replacement) { reps = append(reps, r) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(reps) != st.Replaced || len(reps) < 6 {
		t.Fatalf("%d replacements reported, %d counted", len(reps), st.Replaced)
	}
	found := false
	for _, r := range reps {
		if strings.Contains(r.Display, "9f8e7d6c5b4a") || strings.Contains(r.Field, "9f8e7d6c5b4a") {
			t.Errorf("a replacement shows the value: %+v", r)
		}
		if r.Entry == 0 && r.Field == "request.headers[0] authorization" && r.Kind == "opaque" && strings.HasPrefix(r.Display, "opaque (24 chars) #") {
			found = true
		}
	}
	if !found {
		t.Errorf("the Authorization header is not listed as expected: %+v", reps)
	}
}

// TestPipeReadTwice: an input that cannot seek (sanitize - from a pipe) gets
// the same two passes as a file, so a credential echoed before the line
// that names it is replaced there too.
func TestPipeReadTwice(t *testing.T) {
	const tok = "Zx3kQ8c1f2a9b7d4e6f8a0b2"
	in := "GET /beacon?ref=" + tok + " HTTP/1.1\n> Authorization: Bearer " + tok + "\n"
	file, _, err := run(t, in, "t.txt", sanitize.Options{Format: parsers.FormatText})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	pipe := struct{ io.Reader }{strings.NewReader(in)} // no Seek
	if _, err := sanitize.Sanitize(pipe, &out, "-", sanitize.Options{Format: parsers.FormatText}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), tok) || out.String() != file {
		t.Errorf("from a pipe:\n%s\nfrom a file:\n%s", out.String(), file)
	}
}
