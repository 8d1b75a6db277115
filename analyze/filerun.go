package analyze

import (
	"slices"

	"github.com/authtriage/authtriage/parsers"
	"github.com/authtriage/authtriage/rules"
)

// maxFailedKept bounds the failed records remembered in case a later
// finding (a stream rule's, anchored on an earlier record) explains them or
// silences a generic finding on them. The oldest are forgotten first.
const maxFailedKept = 50000

// fileRun runs the rules over one input's records.
type fileRun struct {
	fr      *fileResult
	o       *Options
	rules   []rules.Rule
	ctxs    []*rules.Context
	facts   *rules.Facts
	metas   map[string]*rules.Meta
	sink    *bufferSink
	cur     *parsers.Record
	creator string
	// onlyMiss counts, per origin, endpoint and rule, the 401s a
	// withdrawable rule (missing-credentials) alone explained, so that a
	// withdrawal takes them back from the summary and the endpoint rows.
	onlyMiss map[string]map[missKey]int
	// failed remembers recent failed records (FIFO, bounded): their
	// status, endpoint statistics, whether a finding explains them, and
	// the generic findings filed on them that a later, more specific
	// finding may silence.
	failed      map[recordKey]*failedRecord
	failedOrder []recordKey
	failedNext  int
	// suppressible are the rules some selected rule may silence.
	suppressible map[string]bool
	// withdrawable are rules a file-level finding may withdraw at the end
	// of the input (missing-credentials, when har-sanitized fires); held
	// keeps, per origin, the findings only they suppressed, to restore.
	withdrawable map[string]bool
	held         map[string][]heldFinding
	nheld        int
}

// failedRecord is what is remembered of a failed record.
type failedRecord struct {
	status    int
	acc       *endpointAcc
	explained bool
	filed     []filedFinding
}

// filedFinding is a generic finding filed on a failed record: the group it
// went to and its occurrence, so that a later specific finding can take it
// back.
type filedFinding struct {
	rule     string
	group    string
	loc      Location
	explains bool
}

// heldFinding is a finding suppressed only by withdrawable rules.
type heldFinding struct {
	f rules.Finding
	// onlyMiss: the record's sole explanation was the withdrawable rule,
	// so restoring an explaining finding explains the record again.
	onlyMiss bool
	acc      *endpointAcc // the record's endpoint row
}

type missKey struct {
	acc  *endpointAcc
	rule string
}

// maxHeld bounds the held findings per input.
const maxHeld = 10000

// maxOriginsKept bounds the per-origin counts of onlyMiss; past it, new
// origins share one count (otherOrigins) that only a file-wide withdrawal
// takes back.
var maxOriginsKept = 10000

const otherOrigins = "\x00(other)"

type recordKey struct {
	entry, line int
}

func keyOf(s parsers.Source) recordKey { return recordKey{s.Entry, s.Line} }

// bufferSink collects the findings of the current record.
type bufferSink struct {
	buf []rules.Finding
}

func (b *bufferSink) Add(_ *rules.Meta, f rules.Finding) { b.buf = append(b.buf, f) }

func newFileRun(fr *fileResult, o *Options, onErr func(Error)) *fileRun {
	rs, _ := rules.Select(o.Enable, o.Disable) // validated in Run
	run := &fileRun{fr: fr, o: o, rules: rs, facts: rules.NewFacts(o.Config.Env), metas: map[string]*rules.Meta{},
		sink: &bufferSink{}, onlyMiss: map[string]map[missKey]int{}, failed: map[recordKey]*failedRecord{},
		suppressible: map[string]bool{}, withdrawable: map[string]bool{}, held: map[string][]heldFinding{}}
	for _, r := range rs {
		m := r.Meta()
		run.metas[m.ID] = m
		run.ctxs = append(run.ctxs, rules.NewContext(&o.Config, m, run.sink, run.facts))
		for _, s := range m.Silences() {
			run.suppressible[s] = true
		}
		if _, ok := r.(rules.FileFinisher); ok {
			for _, s := range m.Suppresses {
				run.withdrawable[s] = true
			}
		}
	}
	return run
}

// inWindow applies --since/--until to exchanges with a known time.
func (run *fileRun) inWindow(ex *parsers.Exchange) bool {
	t := ex.Time()
	if t.IsZero() {
		return true
	}
	if !run.o.Since.IsZero() && t.Before(run.o.Since) {
		return false
	}
	return run.o.Until.IsZero() || t.Before(run.o.Until)
}

// record runs every rule on one record, applies suppression and files the
// findings and statistics.
func (run *fileRun) record(rec *parsers.Record) {
	run.fr.input.Records++
	ex := rec.Exchange
	if ex != nil {
		if !run.inWindow(ex) {
			return
		}
		run.fr.input.Exchanges++
		if c := ex.Extra("creator"); c != "" {
			run.creator = c
		}
	}
	run.cur = rec
	run.facts.Reset(rec)
	run.sink.buf = run.sink.buf[:0]
	for i, r := range run.rules {
		r.Check(run.ctxs[i], rec)
	}
	var own, late []rules.Finding
	for _, f := range run.sink.buf {
		if !f.FileLevel && keyOf(f.Location) == keyOf(rec.Source) && f.Location.File == rec.Source.File {
			own = append(own, f)
		} else {
			late = append(late, f)
		}
	}
	own, dropped := rules.SuppressDetailed(own, run.metas)
	var causes []string
	var filed []filedFinding
	failed := ex != nil && ex.Failed()
	for _, f := range own {
		m := run.metas[f.Rule]
		group := run.fr.agg.add(m, f)
		if m.Explains && failed {
			causes = append(causes, f.Rule)
		}
		if failed && run.suppressible[f.Rule] {
			filed = append(filed, filedFinding{rule: f.Rule, group: group, loc: location(f.Location), explains: m.Explains})
		}
	}
	if ex != nil {
		ep := run.facts.Endpoint()
		acc := run.fr.stats.exchange(ex, ep, run.facts.Credentials(), causes)
		onlyMiss := len(causes) == 1 && run.withdrawable[causes[0]]
		run.hold(dropped, ep.Origin, onlyMiss && ex.Status() == 401, acc)
		switch st := ex.Status(); {
		case len(causes) > 0 && st == 401:
			run.fr.stats.explained401++
			if onlyMiss {
				o := ep.Origin
				if _, ok := run.onlyMiss[o]; !ok && len(run.onlyMiss) >= maxOriginsKept {
					o = otherOrigins
				}
				if run.onlyMiss[o] == nil {
					run.onlyMiss[o] = map[missKey]int{}
				}
				run.onlyMiss[o][missKey{acc, causes[0]}]++
			}
		case len(causes) > 0 && st == 403:
			run.fr.stats.explained403++
		}
		if failed {
			run.remember(keyOf(rec.Source), &failedRecord{status: ex.Status(), acc: acc, explained: len(causes) > 0, filed: filed})
		}
	}
	for _, f := range late {
		run.addLate(f)
	}
}

// remember keeps a failed record, forgetting the oldest beyond the cap.
func (run *fileRun) remember(k recordKey, fr *failedRecord) {
	if len(run.failedOrder) < maxFailedKept {
		run.failedOrder = append(run.failedOrder, k)
	} else {
		delete(run.failed, run.failedOrder[run.failedNext])
		run.failedOrder[run.failedNext] = k
		run.failedNext = (run.failedNext + 1) % maxFailedKept
	}
	run.failed[k] = fr
}

// addLate files a finding anchored on an earlier record or on the file. A
// specific cause found late silences the generic findings already filed on
// its record, as it would have on the spot, and explains the record.
func (run *fileRun) addLate(f rules.Finding) {
	m := run.metas[f.Rule]
	run.fr.agg.add(m, f)
	if f.FileLevel {
		if len(m.Suppresses) > 0 {
			run.withdraw(f, m)
		}
		return
	}
	if f.Update {
		return
	}
	p := run.failed[keyOf(f.Location)]
	if p == nil {
		return
	}
	if sil := m.Silences(); len(sil) > 0 && len(p.filed) > 0 {
		kept := p.filed[:0]
		for _, fd := range p.filed {
			if !slices.Contains(sil, fd.rule) {
				kept = append(kept, fd)
				continue
			}
			run.fr.agg.removeOccurrence(fd.group, fd.loc)
			if fd.explains && p.acc != nil && p.acc.causes[fd.rule] > 0 {
				p.acc.causes[fd.rule]--
				if p.acc.causes[fd.rule] == 0 {
					delete(p.acc.causes, fd.rule)
				}
			}
		}
		p.filed = kept
	}
	if !m.Explains {
		return
	}
	if p.acc != nil && (p.status == 401 || p.status == 403) {
		p.acc.causes[f.Rule]++
	}
	if p.explained {
		return
	}
	p.explained = true
	switch p.status {
	case 401:
		run.fr.stats.explained401++
		if p.acc != nil {
			p.acc.explained++
		}
	case 403:
		run.fr.stats.explained403++
	}
}

// hold keeps the findings that only withdrawable rules suppressed.
func (run *fileRun) hold(dropped []rules.Suppressed, origin string, onlyMiss bool, acc *endpointAcc) {
	for _, d := range dropped {
		only := true
		for _, by := range d.By {
			if !run.withdrawable[by] {
				only = false
				break
			}
		}
		if !only || run.nheld >= maxHeld {
			continue
		}
		run.held[origin] = append(run.held[origin], heldFinding{f: d.Finding, onlyMiss: onlyMiss, acc: acc})
		run.nheld++
	}
}

// withdraw applies a file-level finding's suppression: the suppressed rules'
// findings in this file (and origin, when it names one) are dropped, the
// 401s they alone explained are no longer explained, and what they had
// suppressed is restored.
func (run *fileRun) withdraw(f rules.Finding, m *rules.Meta) {
	run.fr.agg.dropSuppressed(f.Location.File, f.Endpoint.Origin, m.Suppresses)
	for origin, per := range run.onlyMiss {
		if f.Endpoint.Origin == "" || f.Endpoint.Origin == origin {
			for k, n := range per {
				run.fr.stats.explained401 -= n
				k.acc.explained -= n
				if k.acc.causes[k.rule] -= n; k.acc.causes[k.rule] <= 0 {
					delete(k.acc.causes, k.rule)
				}
			}
			delete(run.onlyMiss, origin)
		}
	}
	for origin, hs := range run.held {
		if f.Endpoint.Origin != "" && f.Endpoint.Origin != origin {
			continue
		}
		explained := map[recordKey]bool{}
		caused := map[missKey]map[recordKey]bool{}
		for _, h := range hs {
			hm := run.metas[h.f.Rule]
			run.fr.agg.add(hm, h.f)
			k := keyOf(h.f.Location)
			if !h.onlyMiss || !hm.Explains {
				continue
			}
			if !explained[k] {
				explained[k] = true
				run.fr.stats.explained401++
				h.acc.explained++
			}
			if mk := (missKey{h.acc, h.f.Rule}); !caused[mk][k] {
				if caused[mk] == nil {
					caused[mk] = map[recordKey]bool{}
				}
				caused[mk][k] = true
				h.acc.causes[h.f.Rule]++
			}
		}
		delete(run.held, origin)
	}
}

// finish lets stream rules report at the end of the input.
func (run *fileRun) finish(rd parsers.Reader) {
	in := rules.Input{File: run.fr.input.Path, Format: rd.Format(), Schema: rd.Schema(), Creator: run.creator}
	if c, ok := rd.(interface{ Creator() string }); ok && c.Creator() != "" {
		in.Creator = c.Creator()
	}
	run.facts.Reset(nil)
	for i, r := range run.rules {
		ff, ok := r.(rules.FileFinisher)
		if !ok {
			continue
		}
		run.sink.buf = run.sink.buf[:0]
		ff.FinishFile(run.ctxs[i], in)
		for _, f := range run.sink.buf {
			if f.Location.File == "" {
				f.Location.File = in.File
			}
			run.addLate(f)
		}
	}
}
