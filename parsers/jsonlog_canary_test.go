package parsers

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// renderExchange writes every displayable part of an exchange the way a
// report could: Display forms, String forms and fmt verbs. Body texts are
// excluded: they are never rendered (model.go) and do hold credentials.
func renderExchange(ex *Exchange) string {
	var b strings.Builder
	r := &ex.Request
	fmt.Fprintf(&b, "%s %s %s %s %s %s\n", r.Method, r.URL.String(), r.URL.PathOnly(), r.URL.Origin(), r.URL.User, r.Proto)
	fmt.Fprintf(&b, "%v %+v %s\n", r.URL, r.URL, r.URL.Password)
	for _, p := range r.URL.Query {
		fmt.Fprintf(&b, "%s=%s %v %+v %#v\n", p.Name, p.Display(), p, p, p)
	}
	for _, h := range r.Headers {
		fmt.Fprintf(&b, "%s: %s %v %+v %#v\n", h.Name, h.Display(), h, h, h)
	}
	fmt.Fprintf(&b, "%v\n", r.Headers)
	for _, f := range r.Body.Fields {
		fmt.Fprintf(&b, "%s=%s %v %#v\n", f.Path, f.Display(), f, f)
	}
	fmt.Fprintf(&b, "%v %v %v %s\n", ex.Extras, ex.Partial, ex.Start, StatusString(ex.Status()))
	if resp := ex.Response; resp != nil {
		fmt.Fprintf(&b, "%d %s %s %s %v\n", resp.Status, resp.StatusText, resp.Proto, resp.RedirectURL, resp.Date)
		for _, h := range resp.Headers {
			fmt.Fprintf(&b, "%s: %s %v %#v\n", h.Name, h.Display(), h, h)
		}
		for _, f := range resp.Body.Fields {
			fmt.Fprintf(&b, "%s=%s %v\n", f.Path, f.Display(), f)
		}
	}
	return b.String()
}

// No raw credential from any test log shows in what the readers yield, in
// any rendering, nor in any error message.
func TestLogCanary(t *testing.T) {
	fieldsOf := map[string]map[string]string{}
	for _, c := range corpusCases {
		fieldsOf[c.file] = c.fields
	}
	entries, err := os.ReadDir(logsDir)
	if err != nil {
		t.Fatal(err)
	}
	var inputs strings.Builder
	var rendered int
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".md") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(logsDir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		inputs.Write(data)
		for _, forced := range []Format{"", FormatJSONL, FormatCLF} {
			res := readLog(t, e.Name(), forced, Options{Fields: fieldsOf[e.Name()]})
			var out strings.Builder
			for _, rec := range res.records {
				if rec.Exchange != nil {
					out.WriteString(renderExchange(rec.Exchange))
					rendered++
				}
				fmt.Fprintf(&out, "%v\n", rec.Source)
			}
			for _, pe := range res.errs {
				out.WriteString(pe.Error() + "\n")
			}
			fmt.Fprintf(&out, "%s %s\n", res.format, res.schema)
			for _, raw := range append(rawCredentials, decodedCredentials...) {
				if i := strings.Index(out.String(), raw); i >= 0 {
					s := out.String()
					lo, hi := max(0, i-80), min(len(s), i+len(raw)+20)
					t.Errorf("%s (as %q): raw credential %q in output: …%s…", e.Name(), forced, raw, s[lo:hi])
				}
			}
		}
	}
	// The canaries are really in the inputs, so the test means something.
	for _, raw := range rawCredentials {
		if !strings.Contains(inputs.String(), raw) {
			t.Errorf("canary %q is in no test log", raw)
		}
	}
	if rendered < 200 {
		t.Errorf("only %d exchanges rendered", rendered)
	}
}
