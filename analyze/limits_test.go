package analyze

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authtriage/authtriage/rules"
)

// TestMaxFindingsFolds: past --max-findings distinct findings of one rule,
// the rest fold into one finding and the counts stay exact.
func TestMaxFindingsFolds(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"log":{"version":"1.2","creator":{"name":"x","version":"1"},"entries":[`)
	for i := 0; i < 7; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		// Seven different endpoints, each with a doubled Bearer.
		fmt.Fprintf(&b, `{"startedDateTime":"2026-11-30T06:40:0%dZ","request":{"method":"GET","url":"https://api.example.com/v1/r%c","headers":[{"name":"Authorization","value":"Bearer Bearer tok%d"}]},"response":{"status":401,"headers":[]}}`, i, 'a'+i, i)
	}
	b.WriteString("]}}")
	path := filepath.Join(t.TempDir(), "many.har")
	os.WriteFile(path, []byte(b.String()), 0o644)
	res, err := Run(context.Background(), []string{path}, Options{Config: rules.DefaultConfig(), MaxGroups: 3, Enable: []string{"bearer-twice"}})
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, f := range res.Findings {
		total += f.Count
	}
	if len(res.Findings) != 4 || total != 7 {
		t.Fatalf("%d findings, %d occurrences; want 3 kept + 1 folded, 7 in all", len(res.Findings), total)
	}
}
