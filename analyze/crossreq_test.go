package analyze

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authtriage/authtriage/rules"
)

// TestRecordedRelated checks the `related` lists of expected.json: a
// cross-request finding on an entry cites the entries that caused it (the
// redirect, the refresh), and a retry storm lists every attempt.
func TestRecordedRelated(t *testing.T) {
	type entry struct {
		Index   int      `json:"index"`
		Rules   []string `json:"rules"`
		Related []int    `json:"related"`
	}
	var doc struct {
		Files []struct {
			File    string  `json:"file"`
			Entries []entry `json:"entries"`
		} `json:"files"`
	}
	checked := 0
	for _, dir := range []string{"../testdata/demo", "../testdata/browser"} {
		b, err := os.ReadFile(filepath.Join(dir, "expected.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		for _, f := range doc.Files {
			var want []entry
			for _, e := range f.Entries {
				if len(e.Related) > 0 && len(e.Rules) > 0 {
					want = append(want, e)
				}
			}
			if len(want) == 0 {
				continue
			}
			res, err := Run(context.Background(), []string{filepath.Join(dir, f.File)}, Options{Config: rules.DefaultConfig()})
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range want {
				for _, rule := range e.Rules {
					if rule == "server-rejected-token" {
						continue
					}
					cited := map[int]bool{}
					found := false
					for _, fd := range res.Findings {
						if fd.Rule != rule || !hasEntry(fd.Occurrences, e.Index) {
							continue
						}
						found = true
						for _, r := range fd.Related {
							cited[r.Entry] = true
						}
						for _, o := range fd.Occurrences {
							cited[o.Entry] = true
						}
					}
					if !found {
						t.Errorf("%s #%d: no %s finding", f.File, e.Index, rule)
						continue
					}
					for _, r := range e.Related {
						checked++
						if !cited[r] {
							t.Errorf("%s #%d: %s does not cite entry %d", f.File, e.Index, rule, r)
						}
					}
				}
			}
		}
	}
	if checked < 10 {
		t.Fatalf("only %d related entries checked", checked)
	}
}

func hasEntry(ls []Location, entry int) bool {
	for _, l := range ls {
		if l.Entry == entry {
			return true
		}
	}
	return false
}

// TestLateFindingsInStatistics: findings reported after their record
// (environment-mismatch once the sandbox twin appears, the retry storm's
// earlier attempts) silence the generic finding filed on that record, count
// as explanations, and appear in the endpoint's causes; the storm's finding
// carries its final count.
func TestLateFindingsInStatistics(t *testing.T) {
	res, err := Run(context.Background(), []string{"../testdata/demo/demo.har"}, Options{Config: rules.DefaultConfig()})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		if f.Rule == "server-rejected-token" && hasEntry(f.Occurrences, 13) {
			t.Errorf("server-rejected-token kept on entry 13, which environment-mismatch explains")
		}
		if f.Rule == "retry-storm" {
			if f.Count != 6 || !strings.Contains(f.Message, "refused 6 times in 5s") || f.Location.Entry != 20 {
				t.Errorf("retry storm: count %d, location %d, message %q", f.Count, f.Location.Entry, f.Message)
			}
		}
	}
	if s := res.Summary; s.Explained401 != s.Status["401"] {
		t.Errorf("%d of %d 401s explained", s.Explained401, s.Status["401"])
	}
	var balance *EndpointStat
	for i, e := range res.Summary.Endpoints {
		if e.Host == "api.example.com" && e.Route == "/v1/balance" {
			balance = &res.Summary.Endpoints[i]
		}
	}
	if balance == nil || balance.Environment != "production" || balance.Explained401 != 1 ||
		len(balance.TopCauses) != 1 || balance.TopCauses[0].Rule != "environment-mismatch" {
		t.Fatalf("api.example.com /v1/balance: %+v", balance)
	}
}
