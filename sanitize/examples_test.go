package sanitize_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/authtriage/authtriage/parsers"
	"github.com/authtriage/authtriage/rules"
	"github.com/authtriage/authtriage/sanitize"
)

// TestRuleExamplesSurviveSanitizing: every documented example of every rule
// (the cases each rule must fire on and must stay silent on), written as a
// HAR, sanitized and read back, gets the same verdict from the rule. This is
// the round trip at the level of single causes: a sanitized Bearer Bearer,
// quoted token, expired JWT, sandbox key on a live host, token reused after a
// refresh… each still explains its refusal, and no placeholder or marker
// becomes a cause of its own.
func TestRuleExamplesSurviveSanitizing(t *testing.T) {
	n := 0
	for _, m := range rules.Metas() {
		for _, ex := range m.Examples {
			t.Run(m.ID+"/"+ex.Name, func(t *testing.T) {
				recs, err := rules.ParseExamples(ex.HTTP)
				if err != nil {
					t.Fatal(err)
				}
				har := exampleHAR(t, ex.HTTP, recs)
				var out bytes.Buffer
				if _, err := sanitize.Sanitize(bytes.NewReader(har), &out, "example.har", sanitize.Options{}); err != nil {
					t.Fatal(err)
				}
				before := fires(t, m.ID, readRecords(t, har))
				after := fires(t, m.ID, readRecords(t, out.Bytes()))
				if before != ex.Fires {
					t.Fatalf("the example written as a HAR already differs: fires=%v, documented %v", before, ex.Fires)
				}
				if m.ID == "leaked-secret" {
					// the one verdict that must change: nothing leaks
					// from a sanitized capture
					if after {
						t.Errorf("a leak survives sanitizing\n%s", out.String())
					}
					return
				}
				if after != before {
					t.Errorf("fires=%v before sanitizing, %v after\n%s", before, after, out.String())
				}
			})
			n++
		}
	}
	if n < 50 {
		t.Fatalf("only %d examples", n)
	}
}

// exampleHAR writes an example's exchanges as HAR entries, with the raw
// values the example holds.
func exampleHAR(t *testing.T, text string, recs []*parsers.Record) []byte {
	t.Helper()
	var targets []string
	first := true
	for _, l := range strings.Split(text, "\n") {
		if strings.TrimSpace(l) == rules.ExampleSeparator {
			first = true
			continue
		}
		if first && strings.TrimSpace(l) != "" {
			_, target, _ := strings.Cut(strings.TrimSpace(l), " ")
			targets = append(targets, target)
			first = false
		}
	}
	headers := func(hs parsers.Headers) []map[string]string {
		out := []map[string]string{}
		for _, h := range hs {
			v := h.Value
			if h.Sensitive() {
				v = h.Secret.Reveal()
			}
			out = append(out, map[string]string{"name": h.Name, "value": v})
		}
		return out
	}
	var entries []any
	for i, rec := range recs {
		ex := rec.Exchange
		req := map[string]any{"method": ex.Request.Method, "url": targets[i], "httpVersion": "HTTP/1.1", "headers": headers(ex.Request.Headers), "cookies": []any{}, "queryString": []any{}}
		if ex.Request.Body.Text != "" {
			req["postData"] = map[string]any{"mimeType": ex.Request.Body.MimeType, "text": ex.Request.Body.Text}
		}
		e := map[string]any{"request": req, "cache": map[string]any{}, "timings": map[string]any{"send": 0, "wait": 0, "receive": 0}}
		if r := ex.Response; r != nil {
			hs := headers(r.Headers)
			if !r.Headers.Has("Date") {
				hs = append(hs, map[string]string{"name": "Date", "value": r.Date.Format(http.TimeFormat)})
			}
			e["response"] = map[string]any{"status": r.Status, "statusText": "", "httpVersion": "HTTP/1.1", "headers": hs, "cookies": []any{},
				"content": map[string]any{"size": len(r.Body.Text), "mimeType": r.Body.MimeType, "text": r.Body.Text}, "redirectURL": r.RedirectURL}
			e["startedDateTime"] = r.Date.Format(time.RFC3339)
		}
		entries = append(entries, e)
	}
	b, err := json.MarshalIndent(map[string]any{"log": map[string]any{"version": "1.2", "creator": map[string]any{"name": "example"}, "entries": entries}}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func readRecords(t *testing.T, har []byte) []*parsers.Record {
	t.Helper()
	rd, err := parsers.Open(bytes.NewReader(har), "example.har", parsers.FormatHAR, parsers.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var recs []*parsers.Record
	for {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return recs
		}
		if err != nil {
			t.Fatal(err)
		}
		rec.Source.File = "example"
		recs = append(recs, rec)
	}
}

type sink struct{ n int }

func (s *sink) Add(*rules.Meta, rules.Finding) { s.n++ }

// fires runs one rule over the records as the engine does, input end
// included.
func fires(t *testing.T, id string, recs []*parsers.Record) bool {
	t.Helper()
	cfg := rules.DefaultConfig()
	rs, err := rules.Select([]string{id}, nil)
	if err != nil || len(rs) != 1 {
		t.Fatalf("rule %s: %v", id, err)
	}
	r := rs[0]
	s := &sink{}
	facts := rules.NewFacts(cfg.Env)
	ctx := rules.NewContext(&cfg, r.Meta(), s, facts)
	for _, rec := range recs {
		facts.Reset(rec)
		r.Check(ctx, rec)
	}
	if ff, ok := r.(rules.FileFinisher); ok && len(recs) > 0 {
		ff.FinishFile(ctx, rules.Input{File: "example", Format: parsers.FormatHAR})
	}
	return s.n > 0
}
