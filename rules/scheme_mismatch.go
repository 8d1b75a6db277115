package rules

import (
	"strings"

	"github.com/authtriage/authtriage/parsers"
	"github.com/authtriage/authtriage/secrets"
)

type schemeMismatch struct{}

var schemeMismatchMeta = &Meta{
	ID:    "scheme-mismatch",
	Title: "The scheme sent is not one the server asked for",
	Doc: `The server's WWW-Authenticate challenges name the schemes it accepts (RFC 9110 §11.6.1); the request
used another one: Bearer where the server wants Basic, Token (GitHub-style) or SSWS (Okta), Basic where it
wants Bearer, Bearer where it wants DPoP.

**Why it happens.** Copying an example for another API, a client library that picks Basic from ` + "`~/.netrc`" + ` over a
configured bearer token (python-requests, httpx), an SDK that defaults to another scheme.

**How it is detected.** A 401 (or a 407 with Proxy-Authenticate) whose challenges, parsed per RFC 9110 §11
(several challenges per field, several fields), do not include the scheme of the Authorization header.
Schemes compare case-insensitively. Silent when the server sends no challenge.`,
	Fix:        "Use the scheme the server challenges with (shown in WWW-Authenticate), e.g. \"Authorization: Basic base64(user:password)\" or \"Authorization: SSWS <token>\", as the API's documentation says.",
	Severity:   High,
	Confidence: HighConfidence,
	Explains:   true,
	ClientSide: true,
	Examples: []Example{
		{Name: "Bearer sent, Basic challenged", Fires: true, HTTP: `GET https://api.example.com/v1/me
Authorization: Bearer 9f8e7d6c5b4a39281706f5e4

401
WWW-Authenticate: Basic realm="api"
`},
		{Name: "Basic sent, Bearer and DPoP challenged", Fires: true, HTTP: `GET https://api.example.com/v1/me
Authorization: Basic dXNlcjpwYXNz

401
WWW-Authenticate: Bearer realm="api", DPoP algs="ES256"
`},
		{Name: "one of several challenges matches", HTTP: `GET https://api.example.com/v1/me
Authorization: bearer 9f8e7d6c5b4a39281706f5e4

401
WWW-Authenticate: Basic realm="x"
WWW-Authenticate: Bearer error="invalid_token"
`},
		{Name: "no challenge", HTTP: `GET https://api.example.com/v1/me
Authorization: Bearer 9f8e7d6c5b4a39281706f5e4

401
`},
	},
}

func (schemeMismatch) Meta() *Meta { return schemeMismatchMeta }

func (schemeMismatch) Check(c *Context, rec *parsers.Record) {
	ex := rec.Exchange
	if ex == nil || (ex.Status() != 401 && ex.Status() != 407) {
		return
	}
	f := c.Facts()
	chs := f.Challenges()
	cred, ok := f.Authorization()
	if len(chs) == 0 || !ok || cred.Auth.Scheme() == "" {
		return
	}
	sent := cred.Auth.Scheme()
	if schemeChallenged(chs, sent) {
		return
	}
	var want []string
	for _, ch := range chs {
		// the server writes the challenge: scrubbed, as its evidence is
		want = append(want, oneLine(secrets.ScrubText(ch.Scheme), 40))
	}
	c.Report(Finding{
		Message:    describe(ex) + ": the request used the " + oneLine(secrets.ScrubText(sent), 40) + " scheme but the server only accepts " + strings.Join(want, " or ") + ".",
		Evidence:   append([]Evidence{credEvidence(cred)}, c.challengeEvidence(ex)...),
		Credential: cred.Token.Fingerprint(),
	})
}
