package rules

import (
	"strings"

	"github.com/authtriage/authtriage/parsers"
	"github.com/authtriage/authtriage/secrets"
)

type insufficientScope struct{}

var insufficientScopeMeta = &Meta{
	ID:    "insufficient-scope",
	Title: "The token is valid but lacks the scope or role this call needs",
	Doc: `The server knows who is calling but refuses the action: RFC 6750 §3.1 answers 403 with
` + "`WWW-Authenticate: Bearer error=\"insufficient_scope\", scope=\"…\"`" + ` naming the scope required. This is an
authorisation problem, not an authentication one: a new token with the same grant will fail the same way.

**How it is detected.** A 403 (or 401) whose challenge says ` + "`error=\"insufficient_scope\"`" + `, or whose body says so
(` + "`{\"error\":\"insufficient_scope\"}`" + `), or whose challenged ` + "`scope`" + ` is not fully contained in the token's
` + "`scope`" + `/` + "`scp`" + `/` + "`roles`" + ` claims.`,
	Fix:        "Request a token with the scope the server names (add it to the authorization request's scope parameter, or grant the role/permission to the client or user), then call again.",
	Severity:   Medium,
	Confidence: HighConfidence,
	Explains:   true,
	ClientSide: true,
	Examples: []Example{
		{Name: "insufficient_scope challenge", Fires: true, HTTP: `DELETE https://api.example.com/v1/users/42
Authorization: Bearer 9f8e7d6c5b4a39281706f5e4

403
WWW-Authenticate: Bearer error="insufficient_scope", scope="admin:users"
`},
		{Name: "challenged scope missing from the JWT", Fires: true, HTTP: `GET https://api.example.com/v1/users
Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzY29wZSI6InJlYWQ6bWUiLCJleHAiOjQxMDI0NDQ4MDB9.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl

403
WWW-Authenticate: Bearer scope="read:users"
`},
		{Name: "the JWT has the scope", HTTP: `GET https://api.example.com/v1/users
Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzY29wZSI6InJlYWQ6dXNlcnMiLCJleHAiOjQxMDI0NDQ4MDB9.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl

403
WWW-Authenticate: Bearer scope="read:users"
`},
		{Name: "plain 403", HTTP: `GET https://api.example.com/v1/users
Authorization: Bearer 9f8e7d6c5b4a39281706f5e4

403
`},
	},
}

func (insufficientScope) Meta() *Meta { return insufficientScopeMeta }

func (insufficientScope) Check(c *Context, rec *parsers.Record) {
	ex := rec.Exchange
	if ex == nil || (ex.Status() != 403 && ex.Status() != 401) {
		return
	}
	f := c.Facts()
	var required []string
	said := false
	for _, ch := range f.Challenges() {
		if e, _ := ch.Param("error"); strings.EqualFold(e, "insufficient_scope") {
			said = true
		}
		if s, ok := ch.Param("scope"); ok {
			required = append(required, strings.Fields(s)...)
		}
	}
	if e, ok := ex.Response.Body.Field("error"); ok && strings.EqualFold(e.Value, "insufficient_scope") {
		said = true
	}
	var ev []Evidence
	var missing []string
	jwts := f.jwtCredentials()
	if len(jwts) > 0 && len(required) > 0 {
		have := map[string]bool{}
		for _, s := range jwts[0].JWT.Scopes() {
			have[s] = true
		}
		for _, s := range required {
			if !have[s] {
				missing = append(missing, s)
			}
		}
		ev = append(ev, jwtEvidence(jwts[0]))
	}
	if !said && len(missing) == 0 {
		return
	}
	// The scopes come from the server's challenge: scrubbed like the rest
	// of it (challengeEvidence).
	msg := describe(ex) + ": the server accepted the credential but it lacks the required scope"
	switch {
	case len(missing) > 0:
		msg += " (" + oneLine(secrets.ScrubText(strings.Join(missing, " ")), 200) + " is not in the token's scopes)"
	case len(required) > 0:
		msg += " (" + oneLine(secrets.ScrubText(strings.Join(required, " ")), 200) + ")"
	}
	if cred, ok := f.Authorization(); ok {
		ev = append([]Evidence{credEvidence(cred)}, ev...)
	}
	c.Report(Finding{Message: msg + ".", Evidence: append(ev, c.challengeEvidence(ex)...)})
}
