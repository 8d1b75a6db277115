package analyze

import (
	"sort"
	"strings"

	"github.com/authtriage/authtriage/parsers"
	"github.com/authtriage/authtriage/rules"
	"github.com/authtriage/authtriage/secrets"
)

// Caps that keep memory bounded whatever the input size. Counts stay exact.
const (
	maxOccurrences = 1000
	maxRelated     = 20
	// DefaultMaxGroups is how many distinct findings one rule keeps per
	// input (--max-findings); the rest fold into one "(other)" finding.
	DefaultMaxGroups = 5000
)

// group is one grouped finding being built.
type group struct {
	// key is the group's map key, which the failed records that cite the
	// group share instead of a copy each.
	key        string
	f          rules.Finding
	meta       *rules.Meta
	count      int
	occ        []Location
	truncated  bool
	related    []Related
	severity   rules.Severity
	confidence rules.Confidence
	order      int
}

// aggregator groups findings: same rule, file, endpoint, place and
// credential make one finding with a count.
type aggregator struct {
	groups    map[string]*group
	perRule   map[string]int
	sequence  int
	maxGroups int
}

func newAggregator(maxGroups int) *aggregator {
	if maxGroups <= 0 {
		maxGroups = DefaultMaxGroups
	}
	return &aggregator{groups: map[string]*group{}, perRule: map[string]int{}, maxGroups: maxGroups}
}

// groupKey is what the finding fingerprint hashes (rule, file, place,
// credential), with the endpoint standing for the place when a rule names
// none, so two groups never share a fingerprint.
func groupKey(f *rules.Finding) string {
	e := f.Endpoint
	if f.Place != "" {
		e = rules.Endpoint{}
	}
	var b strings.Builder
	for _, s := range []string{f.Rule, f.Location.File, e.Environment, e.Host, e.Method, e.Route, f.Place, f.Credential.Hex()} {
		b.WriteString(s)
		b.WriteByte(0)
	}
	if f.FileLevel {
		b.WriteString("file")
	}
	return b.String()
}

func location(s parsers.Source) Location {
	return Location{File: s.File, Entry: s.Entry, Line: s.Line, Pointer: s.Pointer}
}

// add files one finding and returns the key of its group.
func (a *aggregator) add(meta *rules.Meta, f rules.Finding) string {
	if f.Update {
		// A revision of an existing finding (a storm's final count):
		// new message and evidence, no new occurrence.
		key := groupKey(&f)
		if g := a.groups[key]; g != nil {
			g.f.Message, g.f.Evidence = f.Message, f.Evidence
			if f.Fix != "" {
				g.f.Fix = f.Fix
			}
			a.addRelated(g, f.Related)
		}
		return key
	}
	key, g := a.find(&f)
	if g == nil {
		g = a.newGroup(key, meta, f)
		g.severity = f.Severity
		if g.severity == rules.SeverityUnset {
			g.severity = meta.Severity
		}
	}
	g.count++
	if f.Extra > 0 {
		g.count += f.Extra
		g.truncated = true
	}
	if c := confidenceOf(meta, f); c > g.confidence {
		g.confidence = c
	}
	if f.Severity > g.severity {
		g.severity = f.Severity
	}
	loc := location(f.Location)
	loc.Column = f.Column
	g.addOcc(loc)
	a.addRelated(g, f.Related)
	return key
}

// find returns the key of a finding's group and the group (nil when it is
// new). Once a rule has maxGroups groups, a finding of a new group folds
// into the rule's one "(other)" group of the file, so counts stay exact:
// find rewrites f to that group's identity then.
func (a *aggregator) find(f *rules.Finding) (string, *group) {
	key := groupKey(f)
	g := a.groups[key]
	if g == nil && a.perRule[f.Rule] >= a.maxGroups {
		f.Endpoint = rules.Endpoint{Host: "(other)", Route: "(other)"}
		f.Credential = secrets.Fingerprint{}
		f.Place = "(other)"
		key = groupKey(f)
		g = a.groups[key]
	}
	if g != nil {
		return g.key, g
	}
	return key, g
}

// newGroup starts the group of key with its first finding.
func (a *aggregator) newGroup(key string, meta *rules.Meta, f rules.Finding) *group {
	a.sequence++
	g := &group{key: key, f: f, meta: meta, order: a.sequence}
	a.groups[key] = g
	a.perRule[f.Rule]++
	return g
}

// addRelated adds related records to a group, without duplicates, capped.
func (a *aggregator) addRelated(g *group, rs []rules.Related) {
	for _, r := range rs {
		if len(g.related) >= maxRelated {
			break
		}
		rel := Related{Location: location(r.Location), Note: r.Note}
		dup := false
		for _, have := range g.related {
			if have == rel {
				dup = true
				break
			}
		}
		if !dup {
			g.related = append(g.related, rel)
		}
	}
}

// removeOccurrence takes one occurrence back from a group: a more specific
// cause found later silences a generic finding filed on the same record.
// The group disappears with its last occurrence.
func (a *aggregator) removeOccurrence(key string, loc Location) {
	g := a.groups[key]
	if g == nil {
		return
	}
	for i, o := range g.occ {
		if o.File == loc.File && o.Entry == loc.Entry && o.Line == loc.Line {
			g.occ = append(g.occ[:i], g.occ[i+1:]...)
			break
		}
	}
	g.count--
	if g.count <= 0 || len(g.occ) == 0 { // a finding is shown at an occurrence
		delete(a.groups, key)
		a.perRule[g.f.Rule]--
	}
}

func confidenceOf(meta *rules.Meta, f rules.Finding) rules.Confidence {
	if f.Confidence != rules.ConfidenceUnset {
		return f.Confidence
	}
	return meta.Confidence
}

// dropSuppressed removes the groups a file-level finding suppresses: same
// file, and same origin when the finding names one.
func (a *aggregator) dropSuppressed(file string, origin string, suppressed []string) {
	for key, g := range a.groups {
		if g.f.Location.File != file || g.f.FileLevel {
			continue
		}
		if origin != "" && g.f.Endpoint.Origin != origin {
			continue
		}
		for _, s := range suppressed {
			if g.f.Rule == s {
				delete(a.groups, key)
				a.perRule[s]--
			}
		}
	}
}

// findings renders the groups in the order they were created (Run sorts
// the findings of all inputs together, keeping that order for ties).
func (a *aggregator) findings() []Finding {
	gs := make([]*group, 0, len(a.groups))
	for _, g := range a.groups {
		// Stream rules may report earlier records after later ones (a
		// retry storm confirmed at its fifth attempt): list occurrences
		// in input order, so the location is the first.
		sort.SliceStable(g.occ, func(i, j int) bool {
			if g.occ[i].Entry != g.occ[j].Entry {
				return g.occ[i].Entry < g.occ[j].Entry
			}
			return g.occ[i].Line < g.occ[j].Line
		})
		gs = append(gs, g)
	}
	// creation order breaks the ties of sortFindings
	sort.Slice(gs, func(i, j int) bool { return gs[i].order < gs[j].order })
	out := make([]Finding, 0, len(gs))
	for _, g := range gs {
		out = append(out, g.render())
	}
	return out // in creation order: Run sorts every input's findings together
}

// addOcc lists one more occurrence, up to maxOccurrences; past it the
// group only says its list is cut (the count stays exact).
func (g *group) addOcc(loc Location) {
	if len(g.occ) < maxOccurrences {
		g.occ = append(g.occ, loc)
	} else {
		g.truncated = true
	}
}

func (g *group) render() Finding {
	f := g.f

	fix := f.Fix
	if fix == "" {
		fix = g.meta.Fix
	}
	place := f.Place
	if place == "" {
		place = endpointString(f.Endpoint)
	}
	ev := f.Evidence
	if ev == nil {
		ev = []rules.Evidence{}
	}
	rel := g.related
	if rel == nil {
		rel = []Related{}
	}
	return Finding{
		Rule:                 f.Rule,
		Title:                g.meta.Title,
		Severity:             g.severity.String(),
		Confidence:           g.confidence.String(),
		Count:                g.count,
		Message:              f.Message,
		Fix:                  fix,
		Endpoint:             endpointString(f.Endpoint),
		Location:             g.occ[0],
		Occurrences:          g.occ,
		OccurrencesTruncated: g.truncated,
		Related:              rel,
		Evidence:             ev,
		Detector:             f.Detector,
		Provider:             f.Provider,
		Environment:          f.Environment,
		Fingerprint:          secrets.HashParts(f.Rule, f.Location.File, place, f.Credential.Hex()),
		severity:             g.severity,
		credential:           credentialShort(f.Credential),
	}
}

// endpointString is "GET api.example.com /v1/users/{id}" or "".
func endpointString(e rules.Endpoint) string {
	if e.Host == "" && e.Route == "" {
		return ""
	}
	return strings.TrimSpace(e.Method + " " + e.Host + e.Route)
}

func credentialShort(fp secrets.Fingerprint) string {
	if fp.IsZero() {
		return ""
	}
	return fp.Short()
}
