package rules

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/authtriage/authtriage/parsers"
	"github.com/authtriage/authtriage/secrets"
)

// failedStatus reports the statuses diagnosis rules explain.
func failedStatus(ex *parsers.Exchange) bool { return ex != nil && ex.Failed() }

// describe is "GET https://api.example.com/v1/me (401)" for messages.
func describe(ex *parsers.Exchange) string {
	return fmt.Sprintf("%s %s (%s)", ex.Request.Method, ex.Request.URL.PathOnly(), parsers.StatusString(ex.Status()))
}

// credEvidence shows a credential in its display form.
func credEvidence(c Credential) Evidence {
	return Evidence{Field: c.Field, Value: c.Value.String()}
}

// jwtEvidence shows the claims that matter of a credential's JWT.
func jwtEvidence(c Credential) Evidence {
	return Evidence{Field: c.Field + " (JWT claims)", Value: c.JWT.Summary()}
}

// challengeEvidence shows the response's WWW-Authenticate fields, scrubbed.
// Several rules cite the same record's challenges: they are built once per
// record, and handed out clipped, so an append never writes into the cache.
func (c *Context) challengeEvidence(ex *parsers.Exchange) []Evidence {
	f := c.Facts()
	if ex != f.Exchange() {
		return buildChallengeEvidence(ex)
	}
	if !f.chEvDone {
		f.chEvDone = true
		f.chEv = buildChallengeEvidence(ex)
	}
	return slices.Clip(f.chEv)
}

func buildChallengeEvidence(ex *parsers.Exchange) []Evidence {
	if ex.Response == nil {
		return nil
	}
	var out []Evidence
	name := "WWW-Authenticate"
	if ex.Response.Status == 407 {
		name = "Proxy-Authenticate"
	}
	for _, h := range ex.Response.Headers.All(name) {
		out = append(out, Evidence{Field: "response.headers." + h.Name, Value: oneLine(secrets.ScrubText(h.Value), 300)})
	}
	return out
}

// headerNames lists a request's header names (no values) for evidence.
func headerNames(ex *parsers.Exchange) string {
	var names []string
	for _, h := range ex.Request.Headers {
		if !strings.HasPrefix(h.Name, ":") {
			names = append(names, h.Name)
		}
	}
	if len(names) == 0 {
		return "(none)"
	}
	return oneLine(strings.Join(names, ", "), 300)
}

// oneLine collapses whitespace and cuts a server-supplied string for display.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		s = s[:n] + "…"
	}
	return s
}

// HumanDuration prints 2h13m0s as "2h13m", sub-minute values in seconds and
// two days or more in days. The diff report uses it too.
func HumanDuration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	switch {
	case d < time.Minute:
		return d.Round(time.Second).String()
	case d < 48*time.Hour:
		return strings.TrimSuffix(d.Round(time.Minute).String(), "0s")
	}
	return fmt.Sprintf("%.0f days", d.Hours()/24)
}

// schemeChallenged reports whether any challenge names the scheme.
func schemeChallenged(chs []parsers.Challenge, scheme string) bool {
	for _, c := range chs {
		if strings.EqualFold(c.Scheme, scheme) {
			return true
		}
	}
	return false
}

// accessTokenParams are the (lower-case) query and body parameter names
// that carry an access token: RFC 6750's access_token and its spellings.
var accessTokenParams = map[string]bool{
	"access_token": true, "accesstoken": true, "token": true, "id_token": true, "auth_token": true,
	"authtoken": true, "jwt": true, "bearer": true, "oauth_token": true, "private_token": true,
}

// redactedUpstream reports a credential another tool redacted (REDACTED,
// ****): it says nothing about the value, so it cannot be compared or
// judged. A value `authtriage sanitize` wrote is not one: its marker keeps
// the original's kind, prefix, length and fingerprint, and one marker per
// credential, so it is judged and compared like the credential it stands for.
func redactedUpstream(s secrets.Secret) bool {
	return s.Redacted() && !secrets.IsSanitized(s.Reveal())
}
