package analyze

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/authtriage/authtriage/parsers"
	"github.com/authtriage/authtriage/rules"
	"github.com/authtriage/authtriage/secrets"
)

// scanSink collects what one task found: grouped findings with line numbers
// relative to the task's first line, per-record errors, the distinct
// credentials, and how many lines and records it read.
type scanSink struct {
	path    string
	format  parsers.Format
	meta    *rules.Meta
	o       *Options
	sc      *secrets.Scanner
	lb      rules.LeakBuilder
	agg     *aggregator
	perrs   []parsers.ParseError
	nperr   int
	creds   credSet
	known   map[leakKey]*group
	lines   int // lines read (the next task's line numbers start after them)
	records int
	failed  error

	// the line being scanned, for onLine
	line   int
	onLine func(secrets.Match)
}

func newScanSink(path string, meta *rules.Meta, o *Options, sc *secrets.Scanner) *scanSink {
	s := &scanSink{path: path, meta: meta, o: o, sc: sc, agg: newAggregator(o.MaxGroups), creds: credSet{}, known: map[leakKey]*group{},
		lb: rules.LeakBuilder{Env: o.Config.Env, Now: o.Now}}
	s.onLine = s.lineMatch // one method value, not a closure per line
	return s
}

func (s *scanSink) fail(err error) {
	if s.failed == nil {
		s.failed = err
	}
}

// parseError keeps a per-record error (bounded; the count stays exact in
// the input's errors).
func (s *scanSink) parseError(pe *parsers.ParseError) {
	s.nperr++
	if len(s.perrs) < s.o.MaxErrors {
		s.perrs = append(s.perrs, *pe)
	}
}

// add files one finding and counts its credential.
func (s *scanSink) add(f rules.Finding) *group {
	f.Rule = LeakedSecret
	s.creds.add(f.Credential)
	return s.agg.groups[s.agg.add(s.meta, f)]
}

func (s *scanSink) lineMatch(m secrets.Match) {
	// A credential seen before in the same place only adds an
	// occurrence: a session's token repeats on every line of a log.
	k := leakKey{place: strings.ToLower(rules.PlaceField(m)), fp: m.Secret.Fingerprint()}
	if g := s.known[k]; g != nil {
		g.count++
		g.addOcc(Location{File: s.path, Entry: -1, Line: s.line, Column: m.Start + 1})
		return
	}
	f := s.lb.Finding(m, "this line", m.Start+1)
	f.Location = parsers.Source{File: s.path, Format: s.format, Entry: -1, Line: s.line}
	if g := s.add(f); g.f.Place == k.place && g.f.Credential == k.fp && len(s.known) < DefaultMaxGroups {
		s.known[k] = g
	}
}

// leakKey identifies a group of line findings: place and credential (the
// rule and the file are the sink's).
type leakKey struct {
	place string
	fp    secrets.Fingerprint
}

// scanLines reads r line by line (a line of any length up to --max-line;
// longer ones are reported and skipped) and runs the detectors over each.
// The detectors' keyword table is the prefilter: a line without a
// candidate costs one pass and no allocation.
func (s *scanSink) scanLines(ctx context.Context, r io.Reader) {
	ls := parsers.NewLineScanner(r, s.path, s.o.Parser.MaxLine)
	for {
		if s.lines&4095 == 0 && ctx.Err() != nil {
			s.fail(ctx.Err())
			return
		}
		line, num, _, err := ls.Next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return
			}
			var pe *parsers.ParseError
			if errors.As(err, &pe) {
				s.lines = num
				s.records++
				s.parseError(pe)
				continue
			}
			s.fail(fmt.Errorf("%s: %w", s.path, err))
			return
		}
		s.lines = num
		s.records++
		s.line = num
		s.sc.Scan(line, s.onLine)
	}
}
