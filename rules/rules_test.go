package rules

import (
	"strings"
	"testing"

	"github.com/authtriage/authtriage/parsers"
)

// collect is a Sink that keeps findings.
type collect struct{ fs []Finding }

func (c *collect) Add(_ *Meta, f Finding) { c.fs = append(c.fs, f) }

// run checks one record with one rule and finishes it as an input.
func run(t *testing.T, r Rule, recs ...*parsers.Record) []Finding {
	t.Helper()
	cfg := DefaultConfig()
	sink := &collect{}
	facts := NewFacts(cfg.Env)
	ctx := NewContext(&cfg, r.Meta(), sink, facts)
	for _, rec := range recs {
		facts.Reset(rec)
		r.Check(ctx, rec)
	}
	if ff, ok := r.(FileFinisher); ok && len(recs) > 0 {
		ff.FinishFile(ctx, Input{File: recs[0].Source.File, Format: recs[0].Source.Format})
	}
	return sink.fs
}

func TestMetaValid(t *testing.T) {
	if err := Validate(Metas()); err != nil {
		t.Fatal(err)
	}
}

// TestExamples runs every rule on its documented examples: each must fire or
// stay silent as documented. Rules without examples must explain why.
func TestExamples(t *testing.T) {
	for _, r := range All() {
		m := r.Meta()
		if len(m.Examples) == 0 {
			switch m.ID {
			case "har-sanitized": // file-level: TestHARSanitized
			default:
				t.Errorf("%s: no examples", m.ID)
			}
			continue
		}
		var fires, silent int
		for _, ex := range m.Examples {
			if ex.Fires {
				fires++
			} else {
				silent++
			}
			t.Run(m.ID+"/"+ex.Name, func(t *testing.T) {
				recs, err := ParseExamples(ex.HTTP)
				if err != nil {
					t.Fatal(err)
				}
				got := run(t, All()[indexOf(m.ID)], recs...)
				if ex.Fires != (len(got) > 0) {
					t.Fatalf("fires=%v, want %v; findings: %+v", len(got) > 0, ex.Fires, got)
				}
				for _, f := range got {
					if f.Message == "" || f.Rule != m.ID {
						t.Errorf("finding without message or with wrong rule: %+v", f)
					}
				}
			})
		}
		if fires == 0 || silent == 0 {
			t.Errorf("%s: needs examples that fire (%d) and that do not (%d)", m.ID, fires, silent)
		}
	}
}

// TestSilentOnSuccess: a diagnosis rule explains failed requests only
// (DESIGN.md, "When rules fire"). Each example that fires is run again with
// every refusal turned into a 200; only the AnyStatus rules may still fire.
func TestSilentOnSuccess(t *testing.T) {
	for _, r := range All() {
		m := r.Meta()
		if m.AnyStatus {
			continue
		}
		for _, ex := range m.Examples {
			if !ex.Fires {
				continue
			}
			t.Run(m.ID+"/"+ex.Name, func(t *testing.T) {
				recs, err := ParseExamples(ex.HTTP)
				if err != nil {
					t.Fatal(err)
				}
				changed := false
				for _, rec := range recs {
					if x := rec.Exchange; x != nil && x.Failed() {
						x.Response.Status = 200
						changed = true
					}
				}
				if !changed {
					t.Fatal("an example that fires without a refused request")
				}
				if got := run(t, All()[indexOf(m.ID)], recs...); len(got) > 0 {
					t.Fatalf("fires on success: %+v", got)
				}
			})
		}
	}
}

func indexOf(id string) int {
	for i, m := range Metas() {
		if m.ID == id {
			return i
		}
	}
	panic("no rule " + id)
}

func TestSelect(t *testing.T) {
	if _, err := Select([]string{"no-such-rule"}, nil); err == nil || !strings.Contains(err.Error(), "unknown rule") {
		t.Fatalf("unknown rule accepted: %v", err)
	}
	rs, err := Select(nil, []string{"bearer-twice"})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Meta().ID == "bearer-twice" {
			t.Fatal("disabled rule selected")
		}
	}
	if len(rs) != len(Metas())-1 {
		t.Fatalf("got %d rules", len(rs))
	}
	rs, _ = Select([]string{"expired-token"}, nil)
	if len(rs) != 1 {
		t.Fatalf("enable one: got %d", len(rs))
	}
}

func TestSuppress(t *testing.T) {
	metas := map[string]*Meta{}
	for _, m := range Metas() {
		metas[m.ID] = m
	}
	ids := func(fs []Finding) string {
		var s []string
		for _, f := range fs {
			s = append(s, f.Rule)
		}
		return strings.Join(s, ",")
	}
	tests := []struct{ in, want string }{
		{"bearer-twice,malformed-authorization,server-rejected-token", "bearer-twice"},
		{"placeholder-credential,malformed-authorization", "placeholder-credential"},
		{"server-rejected-token", "server-rejected-token"},
		{"expired-token,server-rejected-token", "expired-token"},
		{"har-sanitized,missing-credentials", "har-sanitized"},
	}
	for _, tt := range tests {
		var fs []Finding
		for _, id := range strings.Split(tt.in, ",") {
			fs = append(fs, Finding{Rule: id})
		}
		if got := ids(Suppress(fs, metas)); got != tt.want {
			t.Errorf("Suppress(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
}
