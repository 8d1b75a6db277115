package analyze

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authtriage/authtriage/parsers"
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

// TestOriginCountsBounded: the per-origin state of an input stays within
// its cap however many origins the input names, and the 401s are still
// counted as explained. A HAR where some entries carry a credential (so
// har-sanitized stays silent) and many origins get a 401 without one.
func TestOriginCountsBounded(t *testing.T) {
	defer func(n int) { maxOriginsKept = n }(maxOriginsKept)
	maxOriginsKept = 3
	var b strings.Builder
	b.WriteString(`{"log":{"version":"1.2","creator":{"name":"x","version":"1"},"entries":[`)
	b.WriteString(`{"startedDateTime":"2026-11-30T06:40:00Z","request":{"method":"GET","url":"https://h0.example.com/v1/me","headers":[{"name":"Authorization","value":"Bearer abcdefgh12345678"}]},"response":{"status":200,"headers":[]}}`)
	const n = 10
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, `,{"startedDateTime":"2026-11-30T06:40:0%dZ","request":{"method":"GET","url":"https://h%d.example.com/v1/me","headers":[]},"response":{"status":401,"headers":[]}}`, i%10, i)
	}
	b.WriteString("]}}")
	rd, err := parsers.Open(strings.NewReader(b.String()), "many.har", "", parsers.Options{})
	if err != nil {
		t.Fatal(err)
	}
	o := Options{Config: rules.DefaultConfig()}
	o.setDefaults()
	fr := &fileResult{agg: newAggregator(0), stats: newStats()}
	run := newFileRun(fr, &o, func(Error) {})
	if err := readRecords(context.Background(), rd, "many.har", run.record, func(e Error) { t.Fatal(e.Message) }); err != nil {
		t.Fatal(err)
	}
	if len(run.onlyMiss) > maxOriginsKept+1 {
		t.Fatalf("%d origins kept, cap %d", len(run.onlyMiss), maxOriginsKept)
	}
	total := 0
	for _, per := range run.onlyMiss {
		for _, c := range per {
			total += c
		}
	}
	if total != n || fr.stats.explained401 != n {
		t.Fatalf("onlyMiss counts %d, explained %d; want %d each", total, fr.stats.explained401, n)
	}
}

// TestWithdrawnCauseLeavesEndpoints: when har-sanitized withdraws
// missing-credentials (an export that stripped every credential), the
// endpoint rows lose the 401s it explained, as the summary does.
func TestWithdrawnCauseLeavesEndpoints(t *testing.T) {
	har := `{"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},"entries":[` +
		`{"startedDateTime":"2026-11-30T06:40:00Z","request":{"method":"GET","url":"https://api.example.com/v1/me","headers":[]},"response":{"status":401,"headers":[]}},` +
		`{"startedDateTime":"2026-11-30T06:40:01Z","request":{"method":"GET","url":"https://api.example.com/v1/me","headers":[]},"response":{"status":401,"headers":[]}}]}}`
	path := filepath.Join(t.TempDir(), "stripped.har")
	os.WriteFile(path, []byte(har), 0o644)
	res, err := Run(context.Background(), []string{path}, Options{Config: rules.DefaultConfig()})
	if err != nil {
		t.Fatal(err)
	}
	var rules []string
	for _, f := range res.Findings {
		rules = append(rules, f.Rule)
	}
	if len(rules) != 1 || rules[0] != "har-sanitized" {
		t.Fatalf("findings %v, want har-sanitized alone", rules)
	}
	sum := 0
	for _, e := range res.Summary.Endpoints {
		sum += e.Explained401
		for _, c := range e.TopCauses {
			if c.Rule == "missing-credentials" {
				t.Errorf("endpoint %s%s names missing-credentials, which has no finding", e.Host, e.Route)
			}
		}
	}
	if sum != res.Summary.Explained401 {
		t.Errorf("endpoints explain %d 401s, the summary %d", sum, res.Summary.Explained401)
	}
}
