package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authtriage/authtriage/secrets"
)

const exampleEnvConfig = `# Acme's environments (README: "Environments")
hosts:
  - pattern: api.acme.example          # label-free, but production
    environment: production
    name: Acme public API
  - pattern: "*.internal.acme.example" # every host under it
    environment: sandbox
  - pattern: payments.acme.example      # serves both modes; the key decides
    environment: shared
keys:
  - pattern: acme_live_                 # a literal prefix
    environment: production
  - regex: 'acme_(dev|qa)_[0-9a-f]{24}' # the whole key must match
    environment: sandbox
    name: Acme dev and QA keys
`

func TestParseEnvConfig(t *testing.T) {
	cfg, err := parseEnvConfig([]byte(exampleEnvConfig), false)
	if err != nil {
		t.Fatal(err)
	}
	r := secrets.NewEnvResolver(cfg)
	if env, why := r.HostReason("api.acme.example"); env != secrets.EnvProduction || why != "configured: Acme public API" {
		t.Errorf("host: %s %q", env, why)
	}
	if env, _ := r.Credential(secrets.New("acme_dev_0123456789abcdef01234567")); env != secrets.EnvSandbox {
		t.Errorf("regex key: %s", env)
	}
	js := `{"hosts": [{"pattern": "api.acme.example", "environment": "production"}],
	        "keys": [{"regex": "acme_dev_.*", "environment": "sandbox"}]}`
	for _, isJSON := range []bool{true, false} {
		if _, err := parseEnvConfig([]byte(js), isJSON); err != nil {
			t.Errorf("JSON (by name %v): %v", isJSON, err)
		}
	}
	bad := map[string]string{
		"hosts:\n  - pattern: a.example\n    enviroment: production\n": "enviroment",
		"hosts:\n  - pattern: a.example\n    environment: live\n":      `unknown environment "live"`,
		"keys:\n  - regex: '('\n    environment: sandbox\n":            "keys[0]: regex",
		"# nothing\n":               "declares no hosts and no keys",
		`{"hosts": [], "extra": 1}`: "unknown field",
		"hosts: [":                  "not valid YAML",
	}
	for in, want := range bad {
		if _, err := parseEnvConfig([]byte(in), false); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parseEnvConfig(%q) = %v, want %q", in, err, want)
		}
	}
}

// TestEnvConfigFlags runs the binary: a bad --env-config or retry flag is a
// usage error (exit 2), and a config changes what environment-mismatch says.
func TestEnvConfigFlags(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	demo := "../../testdata/demo/demo.har"
	for _, args := range [][]string{
		{"--env-config", filepath.Join(dir, "missing.yaml")},
		{"--env-config", write("typo.yaml", "hosts:\n  - pattern: a.example\n    environment: prod\n")},
		{"--env-config", write("bad.json", `{"hosts": [{"pattern": "a.example", "environment": "production"}]`)},
		{"--retry-threshold", "1"},
		{"--retry-window", "0s"},
	} {
		r := runBinary(t, "", append(append([]string{"analyze", "--format", "json"}, args...), demo)...)
		if r.code != 2 || r.stdout != "" || !strings.Contains(r.stderr, strings.TrimPrefix(args[0], "--")) {
			t.Errorf("%v: exit %d, stderr %q, stdout %d bytes", args, r.code, r.stderr, len(r.stdout))
		}
	}
	fired := func(args ...string) map[string][]int {
		r := runBinary(t, "", append(append([]string{"analyze", "--format", "json"}, args...), demo)...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d: %s", args, r.code, r.stderr)
		}
		out := map[string][]int{}
		for _, f := range decodeReport(t, r.stdout).Findings {
			for _, o := range f.Occurrences {
				out[f.Rule] = append(out[f.Rule], o.Entry)
			}
		}
		return out
	}
	if got := fired()["environment-mismatch"]; len(got) != 2 {
		t.Fatalf("default: environment-mismatch on %v, want entries 13 and 14", got)
	}
	// Declaring the label-free host shared: only the live key on the
	// sandbox host remains a mismatch.
	shared := write("shared.yaml", "hosts:\n  - pattern: api.example.com\n    environment: shared\n")
	if got := fired("--env-config", shared)["environment-mismatch"]; len(got) != 1 || got[0] != 14 {
		t.Errorf("with api.example.com shared: environment-mismatch on %v, want [14]", got)
	}
	if got := fired("--retry-threshold", "7")["retry-storm"]; len(got) != 0 {
		t.Errorf("threshold 7: retry-storm on %v", got)
	}
	if got := fired("--retry-threshold", "6", "--retry-window", "6s")["retry-storm"]; len(got) != 6 {
		t.Errorf("threshold 6 in 6s: retry-storm on %v", got)
	}
}

// FuzzParseEnvConfig: any file is accepted or refused with an error, never
// a panic, and an accepted one builds a working resolver.
func FuzzParseEnvConfig(f *testing.F) {
	f.Add([]byte(exampleEnvConfig), false)
	f.Add([]byte(`{"hosts": [{"pattern": "*.a.example", "environment": "sandbox"}]}`), true)
	f.Add([]byte("keys:\n  - regex: '[a-'\n    environment: sandbox\n"), false)
	f.Fuzz(func(t *testing.T, b []byte, isJSON bool) {
		cfg, err := parseEnvConfig(b, isJSON)
		if err != nil {
			return
		}
		r := secrets.NewEnvResolver(cfg)
		r.Host("api.sandbox.example.com")
		r.Credential(secrets.New("acme_dev_0123456789abcdef01234567"))
	})
}
