package rules

import (
	"fmt"
	"strings"
)

// MarkdownList renders the rule catalogue as a markdown table for the
// README; a test keeps the README's copy current.
func MarkdownList(metas []*Meta) string {
	var b strings.Builder
	b.WriteString("| Rule | Severity | Fires on | What it means |\n|:--|:--|:--|:--|\n")
	for _, m := range metas {
		when := "refused requests"
		if m.AnyStatus {
			when = "any status"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", m.ID, m.Severity, when, strings.ReplaceAll(m.Title, "|", `\|`))
	}
	return b.String()
}
