package rules

import (
	"strings"

	"github.com/authtriage/authtriage/parsers"
)

type tokenInBody struct{}

var tokenInBodyMeta = &Meta{
	ID:    "token-in-body",
	Title: "The credential was sent in the request body instead of the header",
	Doc: `An access token or API key travels in the JSON, form or multipart body (` + "`access_token`" + `, ` + "`api_key`" + `,
` + "`token`" + `, ` + "`client_secret`" + ` …) of an API request, and no Authorization header carries it. Most APIs read
credentials only from the Authorization header; RFC 6750 §2.2 allows a form-body token only for
` + "`application/x-www-form-urlencoded`" + ` requests and discourages it.

**How it is detected.** Credential-named fields in the parsed body of a refused request that is not a call to
an OAuth token endpoint (whose grant legitimately carries ` + "`client_secret`" + `, ` + "`refresh_token`" + ` or a password).
Password fields of a login form are not reported. For curl transcripts the body comes from the pasted
command line (` + "`-d`" + `, ` + "`--json`" + `, ` + "`-F`" + `), since ` + "`-v`" + ` never prints it.`,
	Fix:        "Move the token from the body into the header: \"Authorization: Bearer <token>\" (or the API-key header the API documents).",
	Severity:   High,
	Confidence: MediumConfidence,
	Explains:   true,
	ClientSide: true,
	Examples: []Example{
		{Name: "JSON body", Fires: true, HTTP: `POST https://api.example.com/v1/orders
Content-Type: application/json
--
{"access_token":"9f8e7d6c5b4a39281706f5e4","item":42}

401
`},
		{Name: "form body", Fires: true, HTTP: `POST https://api.example.com/v1/orders
Content-Type: application/x-www-form-urlencoded
--
api_key=9f8e7d6c5b4a39281706f5e4&item=42

401
`},
		{Name: "token endpoint grant", HTTP: `POST https://auth.example.com/oauth/token
Content-Type: application/x-www-form-urlencoded
--
grant_type=client_credentials&client_id=app&client_secret=9f8e7d6c5b4a39281706f5e4

401
`},
		{Name: "login form password", HTTP: `POST https://app.example.com/login
Content-Type: application/x-www-form-urlencoded
--
username=ann&password=correct-horse

401
`},
	},
}

func (tokenInBody) Meta() *Meta { return tokenInBodyMeta }

func (tokenInBody) Check(c *Context, rec *parsers.Record) {
	ex := rec.Exchange
	if !failedStatus(ex) {
		return
	}
	f := c.Facts()
	if f.IsTokenEndpoint() {
		return
	}
	var body *Credential
	for _, cred := range f.Credentials() {
		if cred.Auth != nil && cred.Present() && strings.EqualFold(cred.Name, "authorization") {
			return // a header credential too: multiple-credentials
		}
		if body == nil && cred.Place == "body" && cred.Present() && !isPasswordField(cred.Name) {
			cc := cred
			body = &cc
		}
	}
	if body == nil {
		return
	}
	c.Report(Finding{
		Message:    describe(ex) + ": the credential is in the request body (" + body.Field + ") and there is no Authorization header; the API most likely reads it only from the header.",
		Evidence:   append([]Evidence{credEvidence(*body)}, c.challengeEvidence(ex)...),
		Credential: body.Token.Fingerprint(),
	})
}

func isPasswordField(name string) bool {
	n := strings.ToLower(name)
	return strings.Contains(n, "password") || strings.Contains(n, "passwd") || n == "pwd" || n == "pass"
}
