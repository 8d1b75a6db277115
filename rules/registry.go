package rules

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// constructors is the explicit, sorted list of rules. New rules are added
// here, in ID order; nothing registers itself.
var constructors = []func() Rule{
	func() Rule { return bearerTwice{} },
	func() Rule { return clientAuthFailed{} },
	newCORSPreflight,
	newCredentialsDropped,
	newEnvMismatch,
	func() Rule { return expiredToken{} },
	newHARSanitized,
	func() Rule { return insufficientScope{} },
	newLeakedSecret,
	func() Rule { return malformedAuthorization{} },
	newMissingCredentials,
	func() Rule { return multipleCredentials{} },
	func() Rule { return placeholderCredential{} },
	newRefreshRejected,
	newRetryStorm,
	func() Rule { return schemeMismatch{} },
	func() Rule { return serverRejectedToken{} },
	newStaleToken,
	func() Rule { return tokenInBody{} },
	func() Rule { return tokenInQuery{} },
	func() Rule { return tokenNotYetValid{} },
	func() Rule { return unsignedJWT{} },
}

// All returns a fresh instance of every rule, sorted by ID. Stream rules keep
// state, so each input gets its own set.
func All() []Rule {
	out := make([]Rule, len(constructors))
	for i, c := range constructors {
		out[i] = c()
	}
	return out
}

// Metas returns every rule's documentation, sorted by ID.
func Metas() []*Meta {
	all := All()
	out := make([]*Meta, len(all))
	for i, r := range all {
		out[i] = r.Meta()
	}
	return out
}

// Lookup returns a rule's Meta by ID.
func Lookup(id string) (*Meta, bool) {
	for _, m := range Metas() {
		if m.ID == id {
			return m, true
		}
	}
	return nil, false
}

// Select returns the rules enabled by --enable/--disable. An unknown ID is an
// error (a typo must not silently disable a check). enable empty means all.
func Select(enable, disable []string) ([]Rule, error) {
	known := map[string]bool{}
	for _, m := range Metas() {
		known[m.ID] = true
	}
	for _, id := range append(append([]string{}, enable...), disable...) {
		if !known[id] {
			return nil, fmt.Errorf("unknown rule %q (see `authtriage rules`)", id)
		}
	}
	on := func(id string) bool {
		for _, d := range disable {
			if d == id {
				return false
			}
		}
		if len(enable) == 0 {
			return true
		}
		for _, e := range enable {
			if e == id {
				return true
			}
		}
		return false
	}
	var out []Rule
	for _, r := range All() {
		if on(r.Meta().ID) {
			out = append(out, r)
		}
	}
	return out, nil
}

var reID = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)

// Validate checks every rule's Meta: ID format and uniqueness, sorted order,
// title, doc, fix, severity and confidence set, suppressed IDs known.
func Validate(metas []*Meta) error {
	var errs []string
	seen := map[string]bool{}
	for _, m := range metas {
		seen[m.ID] = true
	}
	ids := make([]string, len(metas))
	for i, m := range metas {
		ids[i] = m.ID
		switch {
		case !reID.MatchString(m.ID):
			errs = append(errs, m.ID+": ID is not kebab-case")
		case m.Title == "" || strings.HasSuffix(m.Title, "."):
			errs = append(errs, m.ID+": title empty or ends with a period")
		case len(m.Doc) < 80:
			errs = append(errs, m.ID+": doc too short")
		case m.Fix == "":
			errs = append(errs, m.ID+": no fix")
		case m.Severity < Info || m.Severity > High:
			errs = append(errs, m.ID+": severity unset")
		case m.Confidence < LowConfidence || m.Confidence > HighConfidence:
			errs = append(errs, m.ID+": confidence unset")
		}
		for _, s := range m.Suppresses {
			if !seen[s] {
				errs = append(errs, m.ID+": suppresses unknown rule "+s)
			}
		}
	}
	if !sort.StringsAreSorted(ids) {
		errs = append(errs, "rules are not sorted by ID: "+strings.Join(ids, ", "))
	}
	if len(ids) != len(seen) {
		errs = append(errs, "duplicate rule IDs")
	}
	if len(errs) > 0 {
		return fmt.Errorf("invalid rule metadata:\n%s", strings.Join(errs, "\n"))
	}
	return nil
}
