package rules

import (
	"strings"

	"github.com/authtriage/authtriage/parsers"
)

type unsignedJWT struct{}

var unsignedJWTMeta = &Meta{
	ID:    "unsigned-jwt",
	Title: "A JWT is unsigned (alg none or an empty signature)",
	Doc: `A JWT with ` + "`\"alg\": \"none\"`" + ` or an empty third segment carries no signature: anyone can forge it. Servers
that validate tokens refuse it (Spring: "Unsecured (plain) JWTs are rejected"); a server that accepts it is
vulnerable. Either way it should not be in traffic.

**How it is detected.** Every JWT credential of the request is decoded; the header's ` + "`alg`" + ` and the signature
segment are checked. A JWT whose signature was replaced by a redaction marker (` + "`authtriage sanitize`" + `,
Cloudflare's sanitizer) is not unsigned. It fires on any status.`,
	Fix:        "Use a signed token from the real issuer; if a server accepted this one, configure its validator to reject alg \"none\" and to require the expected algorithm.",
	Severity:   High,
	Confidence: HighConfidence,
	AnyStatus:  true,
	Explains:   true,
	ClientSide: true,
	Examples: []Example{
		{Name: "alg none", Fires: true, HTTP: `GET https://api.example.com/v1/me
Authorization: Bearer eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJhZG1pbiJ9.

200
`},
		{Name: "signed", HTTP: `GET https://api.example.com/v1/me
Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl

200
`},
		{Name: "sanitized signature", HTTP: `GET https://api.example.com/v1/me
Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.<redacted:sig::43:3f9a1c02b7d4>

401
`},
	},
}

func (unsignedJWT) Meta() *Meta { return unsignedJWTMeta }

func (unsignedJWT) Check(c *Context, rec *parsers.Record) {
	if rec.Exchange == nil {
		return
	}
	for _, cred := range c.Facts().jwtCredentials() {
		if !cred.JWT.Unsigned() {
			continue
		}
		why := "an empty signature"
		if strings.EqualFold(cred.JWT.Alg(), "none") {
			why = "\"alg\": \"none\""
		}
		c.Report(Finding{
			Message:    describe(rec.Exchange) + ": the JWT in " + cred.Field + " is unsigned (" + why + "), so anyone could have forged it.",
			Evidence:   []Evidence{credEvidence(cred), jwtEvidence(cred)},
			Credential: cred.Token.Fingerprint(),
		})
		return
	}
}
