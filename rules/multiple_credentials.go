package rules

import (
	"fmt"
	"strings"

	"github.com/authtriage/authtriage/parsers"
)

type multipleCredentials struct{}

var multipleCredentialsMeta = &Meta{
	ID:    "multiple-credentials",
	Title: "The request carries more than one credential",
	Doc: `RFC 6750 §3.1 says a client must not send an access token in more than one way; servers answer
400 invalid_request (some 401). This rule fires when:

- a token is in the Authorization header and also in the query string (` + "`access_token=`" + `) or the body;
- there are two Authorization headers;
- one Authorization header holds two credentials joined by a comma (` + "`Bearer a, Bearer b`" + `): browsers and
  proxies merge duplicate headers this way.

**Why it happens.** An interceptor adds a header while the call site also passes the token as a parameter; a
default header set on a shared client plus a per-request one.`,
	Fix:        "Send the token exactly once, in the Authorization header; remove the query or body copy and the second header.",
	Severity:   Medium,
	Confidence: HighConfidence,
	Explains:   true,
	ClientSide: true,
	Examples: []Example{
		{Name: "header and query", Fires: true, HTTP: `GET https://api.example.com/v1/me?access_token=9f8e7d6c5b4a39281706f5e4
Authorization: Bearer 9f8e7d6c5b4a39281706f5e4

400
WWW-Authenticate: Bearer error="invalid_request"
`},
		{Name: "two headers", Fires: true, HTTP: `GET https://api.example.com/v1/me
Authorization: Bearer 9f8e7d6c5b4a39281706f5e4
Authorization: Bearer 0a1b2c3d4e5f60718293a4b5

401
`},
		{Name: "joined by a comma", Fires: true, HTTP: `GET https://api.example.com/v1/me
Authorization: Bearer 9f8e7d6c5b4a39281706f5e4, Bearer 0a1b2c3d4e5f60718293a4b5

400
`},
		{Name: "one header", HTTP: `GET https://api.example.com/v1/me
Authorization: Bearer 9f8e7d6c5b4a39281706f5e4

401
`},
	},
}

func (multipleCredentials) Meta() *Meta { return multipleCredentialsMeta }

func (multipleCredentials) Check(c *Context, rec *parsers.Record) {
	ex := rec.Exchange
	if !failedStatus(ex) {
		return
	}
	var headers []Credential
	var others []Credential
	for _, cred := range c.Facts().Credentials() {
		switch {
		case cred.Auth != nil && strings.EqualFold(cred.Name, "authorization"):
			headers = append(headers, cred)
		case (cred.Place == "query" || cred.Place == "body") && isBearerParam(cred.Name) && cred.Present():
			others = append(others, cred)
		}
	}
	if len(headers) == 0 {
		return
	}
	var why string
	var ev []Evidence
	switch {
	case len(headers) > 1:
		why = fmt.Sprintf("it has %d Authorization headers", len(headers))
		for _, h := range headers {
			ev = append(ev, credEvidence(h))
		}
	case len(headers[0].Auth.Parts) > 1:
		why = fmt.Sprintf("its Authorization header joins %d credentials with a comma", len(headers[0].Auth.Parts))
		ev = append(ev, credEvidence(headers[0]))
	case len(others) > 0 && headers[0].Present():
		why = "the token is sent in the Authorization header and also as " + others[0].Field
		ev = append(ev, credEvidence(headers[0]), credEvidence(others[0]))
	default:
		return
	}
	c.Report(Finding{
		Message:  describe(ex) + ": " + why + "; RFC 6750 §3.1 forbids more than one way of sending a token.",
		Evidence: append(ev, c.challengeEvidence(ex)...),
	})
}

// isBearerParam is a parameter that carries an access token or an API key
// (as opposed to a password field of a form, or an anti-forgery value).
func isBearerParam(name string) bool {
	n := strings.ToLower(name)
	switch n {
	case "api_key", "apikey", "api-key", "key":
		return true
	}
	return accessTokenParams[n]
}
