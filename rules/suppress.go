package rules

// Suppress applies "a specific cause silences a generic one" to the findings
// of one record: a rule's Meta.Suppresses, and any client-side cause
// silencing server-rejected-token. metas maps IDs to Meta.
func Suppress(fs []Finding, metas map[string]*Meta) []Finding {
	if len(fs) < 2 {
		return fs
	}
	drop := map[string]bool{}
	clientSide := false
	for _, f := range fs {
		m := metas[f.Rule]
		if m == nil {
			continue
		}
		for _, s := range m.Suppresses {
			drop[s] = true
		}
		if m.ClientSide {
			clientSide = true
		}
	}
	if clientSide {
		drop[serverRejectedTokenMeta.ID] = true
	}
	if len(drop) == 0 {
		return fs
	}
	out := fs[:0]
	for _, f := range fs {
		if !drop[f.Rule] {
			out = append(out, f)
		}
	}
	return out
}
