package report

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/authtriage/authtriage/analyze"
	"github.com/authtriage/authtriage/rules"
)

func scanFiles(t *testing.T, paths []string) *analyze.Result {
	t.Helper()
	res, err := analyze.Scan(context.Background(), paths, analyze.Options{Config: rules.DefaultConfig(), ToolVersion: "test",
		Now: time.Date(2026, 11, 30, 6, 40, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// sarifSchema compiles the vendored official SARIF 2.1.0 schema.
func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("testdata/sarif/sarif-2.1.0-rtm.5.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	const url = "https://json.schemastore.org/sarif-2.1.0-rtm.5.json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(url)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSARIFValidates renders the golden cases and an input with errors as
// SARIF and validates them against the official schema, and checks what
// GitHub code scanning needs: regions with startLine ≥ 1 and
// partialFingerprints on every result.
func TestSARIFValidates(t *testing.T) {
	schema := sarifSchema(t)
	cases := map[string]*analyze.Result{}
	for name, paths := range goldenCases {
		cases[name] = analyzeFiles(t, paths)
	}
	cases["errors"] = analyzeFiles(t, []string{"../testdata/demo/demo.har", "testdata/no-such-file.har"})
	// scan results: line findings with columns, HAR findings with
	// pointers, an unreadable input
	logs, _ := filepath.Glob("../parsers/testdata/logs/*")
	cases["scan"] = scanFiles(t, append(logs, "../testdata/demo/demo.har", "../testdata/corpus/har/martian-generated.har", "testdata/no-such-file.log"))
	if n := len(cases["scan"].Findings); n < 50 {
		t.Fatalf("scan found %d findings; the case would prove little", n)
	}
	for name, res := range cases {
		var buf bytes.Buffer
		if err := (SARIF{}).Write(&buf, res); err != nil {
			t.Fatal(err)
		}
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		if err := schema.Validate(inst); err != nil {
			t.Fatalf("%s: SARIF does not validate: %v", name, err)
		}
		var log struct {
			Runs []struct {
				Results []struct {
					Locations []struct {
						PhysicalLocation struct {
							Region struct {
								StartLine int `json:"startLine"`
							} `json:"region"`
						} `json:"physicalLocation"`
					} `json:"locations"`
					PartialFingerprints map[string]string `json:"partialFingerprints"`
				} `json:"results"`
				Invocations []struct {
					Notifications []any `json:"toolExecutionNotifications"`
				} `json:"invocations"`
			} `json:"runs"`
		}
		if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
			t.Fatal(err)
		}
		if len(log.Runs) != 1 || len(log.Runs[0].Results) != len(res.Findings) {
			t.Fatalf("%s: %d results for %d findings", name, len(log.Runs[0].Results), len(res.Findings))
		}
		for _, r := range log.Runs[0].Results {
			if len(r.Locations) != 1 || r.Locations[0].PhysicalLocation.Region.StartLine < 1 || r.PartialFingerprints["authtriage/v1"] == "" {
				t.Fatalf("%s: result without a region or fingerprint: %+v", name, r)
			}
		}
		if (name == "errors" || name == "scan") && len(log.Runs[0].Invocations[0].Notifications) == 0 {
			t.Fatalf("input errors are not reported as notifications")
		}
	}
}

func TestSARIFRejectsBrokenDocument(t *testing.T) {
	// The validation must be able to fail: a result without a message is
	// not SARIF.
	schema := sarifSchema(t)
	bad := `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"ruleId":"a"}]}]}`
	inst, _ := jsonschema.UnmarshalJSON(strings.NewReader(bad))
	if schema.Validate(inst) == nil {
		t.Fatal("a SARIF result without a message validated")
	}
}
