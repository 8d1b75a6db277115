package rules

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/authtriage/authtriage/parsers"
)

// Helpers for the tests of the rules that look across requests.

var t0 = time.Date(2026, 11, 30, 6, 40, 0, 0, time.UTC)

// hop builds one exchange record by hand, as a reader would: headers are
// "Name: value" strings, status 0 means no response.
type hop struct {
	src     parsers.Source
	method  string
	url     string
	req     []string
	body    string // request body (form or JSON by Content-Type)
	status  int
	resp    []string
	rbody   string
	at      time.Time
	partial parsers.PartialSet
	extras  map[string]string
}

func (h hop) record() *parsers.Record {
	ex := &parsers.Exchange{Request: parsers.Request{Method: h.method, URL: parsers.ParseURL(h.url), Proto: "HTTP/1.1"}, Start: h.at, Partial: h.partial}
	for _, l := range h.req {
		n, v, _ := strings.Cut(l, ": ")
		ex.Request.Headers = append(ex.Request.Headers, parsers.NewHeader(n, v))
	}
	if h.body != "" {
		mt := ex.Request.Headers.Value("Content-Type")
		ex.Request.Body = parsers.Body{MimeType: mt, Text: h.body, Fields: parsers.ParseBodyFields(mt, h.body, parsers.Options{})}
	}
	if h.status != 0 {
		r := &parsers.Response{Status: h.status, Date: h.at}
		for _, l := range h.resp {
			n, v, _ := strings.Cut(l, ": ")
			r.Headers = append(r.Headers, parsers.NewHeader(n, v))
		}
		r.RedirectURL = r.Headers.Value("Location")
		if h.rbody != "" {
			mt := r.Headers.Value("Content-Type")
			r.Body = parsers.Body{MimeType: mt, Text: h.rbody, Fields: parsers.ParseBodyFields(mt, h.rbody, parsers.Options{})}
		}
		ex.Response = r
	}
	for k, v := range h.extras {
		ex.SetExtra(k, v)
	}
	return &parsers.Record{Source: h.src, Exchange: ex}
}

// harSrc and curlSrc are the sources of entry i of a HAR and line n of a
// curl transcript.
func harSrc(i int) parsers.Source {
	return parsers.Source{File: "t.har", Format: parsers.FormatHAR, Entry: i, Line: i + 1, Pointer: fmt.Sprintf("/log/entries/%d", i)}
}

func curlSrc(file string, line int) parsers.Source {
	return parsers.Source{File: file, Format: parsers.FormatCurl, Entry: -1, Line: line}
}

// records numbers the hops as entries of one HAR, one second apart unless
// a hop has its own time and source.
func records(hops ...hop) []*parsers.Record {
	out := make([]*parsers.Record, len(hops))
	for i, h := range hops {
		if h.src.File == "" {
			h.src = harSrc(i)
		}
		if h.at.IsZero() {
			h.at = t0.Add(time.Duration(i) * time.Second)
		}
		out[i] = h.record()
	}
	return out
}

// firedOn lists the entries (or lines, outside HAR) the findings anchor on.
func firedOn(fs []Finding) []int {
	var out []int
	for _, f := range fs {
		if f.Update {
			continue
		}
		if f.Location.Entry >= 0 {
			out = append(out, f.Location.Entry)
		} else {
			out = append(out, f.Location.Line)
		}
	}
	return out
}

func relatedOf(f Finding) []int {
	var out []int
	for _, r := range f.Related {
		if r.Location.Entry >= 0 {
			out = append(out, r.Location.Entry)
		} else {
			out = append(out, r.Location.Line)
		}
	}
	return out
}

func sameInts(a, b []int) bool { return fmt.Sprint(a) == fmt.Sprint(b) }

// noRawSecrets fails when a finding's text holds a raw value.
func noRawSecrets(t *testing.T, fs []Finding, raws ...string) {
	t.Helper()
	for _, f := range fs {
		text := f.Message + fmt.Sprint(f.Evidence) + fmt.Sprint(f.Related)
		for _, r := range raws {
			if strings.Contains(text, r) {
				t.Errorf("finding shows a raw credential %q: %s", r, text)
			}
		}
	}
}

func TestParseExamplesSequence(t *testing.T) {
	recs, err := ParseExamples("GET https://a.example/x\n\n200\n===\nGET https://a.example/y\n\n401\nDate: Mon, 30 Nov 2026 07:00:00 GMT\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[1].Source.Entry != 1 || recs[1].Source.Pointer != "/log/entries/1" {
		t.Fatalf("records: %+v", recs)
	}
	if d := recs[0].Exchange.Response.Date.Format(time.RFC3339); d != "2026-11-30T06:40:00Z" {
		t.Errorf("first date %s", d)
	}
	if d := recs[1].Exchange.Response.Date.Format(time.RFC3339); d != "2026-11-30T07:00:00Z" {
		t.Errorf("explicit date %s", d)
	}
	if _, err := ParseExamples("GET https://a.example/x\n===\nnonsense"); err == nil || !strings.Contains(err.Error(), "exchange 2") {
		t.Errorf("bad second exchange: %v", err)
	}
}

func TestBoundedMap(t *testing.T) {
	m := newBoundedMap[int, string](3)
	for i := 0; i < 3; i++ {
		if _, _, ev := m.Put(i, fmt.Sprint(i)); ev {
			t.Fatal("evicted before full")
		}
	}
	m.Delete(1)
	k, v, ev := m.Put(3, "3") // overwrites the slot of 0, the oldest
	if !ev || k != 0 || v != "0" {
		t.Fatalf("evicted %v %q %v, want 0", k, v, ev)
	}
	if _, _, ev := m.Put(4, "4"); ev { // the slot of 1, already deleted
		t.Fatal("evicted a deleted key")
	}
	var order []int
	m.Each(func(k int, _ string) { order = append(order, k) })
	if !sameInts(order, []int{2, 3, 4}) || m.Len() != 3 {
		t.Fatalf("order %v len %d", order, m.Len())
	}
	m.Put(2, "two") // an update keeps its age
	k, _, _ = m.Put(5, "5")
	if k != 2 {
		t.Fatalf("evicted %d, want 2", k)
	}
	for i := 0; i < 1000; i++ {
		m.Put(100+i, "x")
	}
	if m.Len() > 3 || len(m.order) > 3 {
		t.Fatalf("unbounded: %d entries, %d slots", m.Len(), len(m.order))
	}
}

// runCfg is run with a configuration.
func runCfg(t *testing.T, cfg Config, r Rule, recs ...*parsers.Record) []Finding {
	t.Helper()
	sink := &collect{}
	facts := NewFacts(cfg.Env)
	ctx := NewContext(&cfg, r.Meta(), sink, facts)
	for _, rec := range recs {
		facts.Reset(rec)
		r.Check(ctx, rec)
	}
	if ff, ok := r.(FileFinisher); ok && len(recs) > 0 {
		facts.Reset(nil)
		ff.FinishFile(ctx, Input{File: recs[0].Source.File, Format: recs[0].Source.Format})
	}
	return sink.fs
}

func itoa(i int) string { return fmt.Sprint(i) }
