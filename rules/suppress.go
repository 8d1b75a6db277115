package rules

// Suppressed is a finding a more specific one silenced, and which rules did.
type Suppressed struct {
	Finding Finding
	By      []string
}

// Silences lists the rules a rule's findings silence on the same request:
// its Suppresses, and server-rejected-token for a client-side cause.
func (m *Meta) Silences() []string {
	if !m.ClientSide || m.ID == serverRejectedTokenMeta.ID {
		return m.Suppresses
	}
	return append(append([]string(nil), m.Suppresses...), serverRejectedTokenMeta.ID)
}

// Suppress applies "a specific cause silences a generic one" to the findings
// of one record: a rule's Meta.Suppresses, and any client-side cause
// silencing server-rejected-token. metas maps IDs to Meta.
func Suppress(fs []Finding, metas map[string]*Meta) []Finding {
	kept, _ := SuppressDetailed(fs, metas)
	return kept
}

// SuppressDetailed is Suppress that also returns what was dropped and by
// which rules, so a suppression can be undone when its cause is itself
// withdrawn (a missing-credentials finding in a HAR that turns out to be
// sanitized).
func SuppressDetailed(fs []Finding, metas map[string]*Meta) ([]Finding, []Suppressed) {
	if len(fs) < 2 {
		return fs, nil
	}
	by := map[string][]string{} // suppressed rule -> suppressors
	for _, f := range fs {
		m := metas[f.Rule]
		if m == nil {
			continue
		}
		for _, s := range m.Silences() {
			by[s] = append(by[s], f.Rule)
		}
	}
	if len(by) == 0 {
		return fs, nil
	}
	var kept []Finding
	var dropped []Suppressed
	for _, f := range fs {
		if sup := by[f.Rule]; len(sup) > 0 {
			dropped = append(dropped, Suppressed{Finding: f, By: sup})
			continue
		}
		kept = append(kept, f)
	}
	return kept, dropped
}
