package rules

import (
	"github.com/authtriage/authtriage/parsers"
	"github.com/authtriage/authtriage/secrets"
)

type placeholderCredential struct{}

var placeholderCredentialMeta = &Meta{
	ID:    "placeholder-credential",
	Title: "A placeholder or unset variable was sent instead of a credential",
	Doc: `The credential is a template or an unset variable, not a token: ` + "`Bearer undefined`" + `, ` + "`Bearer null`" + `,
` + "`${TOKEN}`" + `, ` + "`$TOKEN`" + `, ` + "`%TOKEN%`" + `, ` + "`{{token}}`" + `, ` + "`<token>`" + `, ` + "`YOUR_ACCESS_TOKEN`" + `, ` + "`changeme`" + `.

**Why it happens.** JavaScript string interpolation of a variable that was never set (` + "`undefined`" + `, ` + "`null`" + `),
a shell or CI variable that was not exported, a Postman/Insomnia environment that is not selected, a value
copied from documentation.

**How it is detected.** The Authorization credential, an API-key header or a token parameter matches a list
of placeholder words and template syntaxes. Values that some tool already redacted (` + "`REDACTED`" + `,
` + "`<redacted:…>`" + `, ` + "`****`" + `) are not placeholders.`,
	Fix:        "Make sure the variable holding the token is set where the request is built (environment, config, state store) and fail loudly when it is empty instead of sending a placeholder.",
	Severity:   High,
	Confidence: HighConfidence,
	Explains:   true,
	ClientSide: true,
	Suppresses: []string{"malformed-authorization"},
	Examples: []Example{
		{Name: "Bearer undefined", Fires: true, HTTP: `GET https://api.example.com/v1/me
Authorization: Bearer undefined

401
`},
		{Name: "unexpanded shell variable in an API-key header", Fires: true, HTTP: `GET https://api.example.com/v1/me
X-API-Key: ${API_KEY}

401
`},
		{Name: "documentation placeholder", Fires: true, HTTP: `GET https://api.example.com/v1/me
Authorization: Bearer YOUR_ACCESS_TOKEN

401
`},
		{Name: "a real-looking token", HTTP: `GET https://api.example.com/v1/me
Authorization: Bearer 9f8e7d6c5b4a39281706f5e4

401
`},
		{Name: "already redacted by a tool", HTTP: `GET https://api.example.com/v1/me
Authorization: Bearer [REDACTED]

401
`},
	},
}

func (placeholderCredential) Meta() *Meta { return placeholderCredentialMeta }

func (placeholderCredential) Check(c *Context, rec *parsers.Record) {
	if !failedStatus(rec.Exchange) {
		return
	}
	for _, cred := range c.Facts().Credentials() {
		if cred.Token.Kind() != secrets.KindPlaceholder || cred.Place == "cookie" {
			continue
		}
		c.Report(Finding{
			Message:  describe(rec.Exchange) + ": " + cred.Field + " holds a placeholder (" + cred.Token.String() + "), not a credential: the variable meant to hold the token was not set.",
			Evidence: append([]Evidence{credEvidence(cred)}, c.challengeEvidence(rec.Exchange)...),
		})
		return
	}
}
