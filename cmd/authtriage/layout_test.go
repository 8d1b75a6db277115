package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportDirection enforces DESIGN.md's layout: imports go one way,
// cmd/authtriage → report → analyze → rules → parsers → secrets, and
// sanitize imports only parsers and secrets and is imported only by the
// command.
func TestImportDirection(t *testing.T) {
	const mod = "github.com/authtriage/authtriage/"
	allowed := map[string][]string{
		"secrets":  {},
		"parsers":  {"secrets"},
		"rules":    {"parsers", "secrets"},
		"analyze":  {"rules", "parsers", "secrets"},
		"sanitize": {"parsers", "secrets"},
		"report":   {"analyze", "rules", "parsers", "secrets"},
	}
	for pkg, ok := range allowed {
		out, err := exec.Command("go", "list", "-f", `{{join .Imports "\n"}}`, mod+pkg).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", pkg, err)
		}
		for _, imp := range strings.Fields(string(out)) {
			if !strings.HasPrefix(imp, mod) {
				continue
			}
			dep := strings.TrimPrefix(imp, mod)
			found := false
			for _, a := range ok {
				if a == dep {
					found = true
				}
			}
			if !found {
				t.Errorf("%s imports %s, which DESIGN.md's layout forbids", pkg, dep)
			}
		}
	}
}
