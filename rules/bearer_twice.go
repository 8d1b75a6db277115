package rules

import (
	"strings"

	"github.com/authtriage/authtriage/parsers"
)

type bearerTwice struct{}

var bearerTwiceMeta = &Meta{
	ID:    "bearer-twice",
	Title: "The authentication scheme is repeated (Bearer Bearer …)",
	Doc: `The Authorization header names its scheme twice: ` + "`Bearer Bearer eyJ…`" + `, ` + "`Bearer: Bearer …`" + ` or
` + "`Basic Basic …`" + `. The server reads the second "Bearer" as the token and refuses it (often 401
invalid_token, sometimes 400 invalid_request).

**Why it happens.** The token was stored with its prefix ("Bearer eyJ…", as some token endpoints and SDKs
return it) and the client adds "Bearer " again, or two layers (an interceptor and the call site) each add it.

**How it is detected.** The first two words of the header are authentication schemes (case-insensitive).`,
	Fix:        `Send the scheme once: "Authorization: Bearer <token>". Strip a "Bearer " prefix from the stored token, or stop adding it in one of the two places.`,
	Severity:   High,
	Confidence: HighConfidence,
	Explains:   true,
	ClientSide: true,
	Suppresses: []string{"malformed-authorization"},
	Examples: []Example{
		{Name: "Bearer Bearer", Fires: true, HTTP: `GET https://api.example.com/v1/me
Authorization: Bearer Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlX3NpZ25hdHVyZQ

401
WWW-Authenticate: Bearer error="invalid_token"
`},
		{Name: "Bearer: Bearer", Fires: true, HTTP: `GET https://api.example.com/v1/me
Authorization: Bearer: Bearer abcdef0123456789abcdef

401
`},
		{Name: "lower-case bearer bearer", Fires: true, HTTP: `GET https://api.example.com/v1/me
Authorization: bearer bearer abcdef0123456789abcdef

400
`},
		{Name: "a single scheme", HTTP: `GET https://api.example.com/v1/me
Authorization: Bearer abcdef0123456789abcdef

401
`},
		{Name: "doubled but the request succeeded", HTTP: `GET https://api.example.com/v1/me
Authorization: Bearer Bearer abcdef0123456789abcdef

200
`},
	},
}

func (bearerTwice) Meta() *Meta { return bearerTwiceMeta }

func (bearerTwice) Check(c *Context, rec *parsers.Record) {
	if !failedStatus(rec.Exchange) {
		return
	}
	cred, ok := c.Facts().Authorization()
	if !ok || len(cred.Auth.Schemes) < 2 {
		return
	}
	s := cred.Auth.Schemes
	c.Report(Finding{
		Message:    describe(rec.Exchange) + ": the " + cred.Name + " header repeats its scheme (\"" + strings.Join(s[:2], " ") + " …\"), so the server reads the second \"" + s[1] + "\" as the token.",
		Evidence:   append([]Evidence{credEvidence(cred)}, c.challengeEvidence(rec.Exchange)...),
		Credential: cred.Token.Fingerprint(),
	})
}
