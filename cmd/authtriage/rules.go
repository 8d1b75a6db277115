package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/authtriage/authtriage/rules"
)

func newRulesCmd(s Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "rules [ID]",
		Short: "List the rules, or explain one",
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usagef("rules takes at most one rule ID")
			}
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return listRules(s.Out)
			}
			m, ok := rules.Lookup(args[0])
			if !ok {
				return usagef("unknown rule %q (see `authtriage rules`)", args[0])
			}
			return explainRule(s.Out, m)
		},
	}
}

func listRules(w io.Writer) error {
	var b strings.Builder
	for _, m := range rules.Metas() {
		fmt.Fprintf(&b, "%-32s %-7s %s\n", m.ID, m.Severity, m.Title)
	}
	b.WriteString("\nRun 'authtriage rules ID' for a rule's documentation and fix.\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// explainRule prints a rule's documentation, fix and examples.
func explainRule(w io.Writer, m *rules.Meta) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s — %s\n\nSeverity: %s   Confidence: %s", m.ID, m.Title, m.Severity, m.Confidence)
	if m.AnyStatus {
		b.WriteString("   Fires on any status")
	} else {
		b.WriteString("   Fires on refused requests (400, 401, 403, 407)")
	}
	b.WriteString("\n\n" + m.Doc + "\n\nFix: " + m.Fix + "\n")
	if len(m.Suppresses) > 0 {
		b.WriteString("\nWhen it fires, it silences: " + strings.Join(m.Suppresses, ", ") + "\n")
	}
	for _, ex := range m.Examples {
		verdict := "does not fire"
		if ex.Fires {
			verdict = "fires"
		}
		fmt.Fprintf(&b, "\nExample (%s): %s\n", verdict, ex.Name)
		for _, line := range strings.Split(strings.TrimRight(ex.HTTP, "\n"), "\n") {
			b.WriteString("    " + line + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
