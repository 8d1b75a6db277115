package rules

import "github.com/authtriage/authtriage/parsers"

// missingCredentials fires on a refused request that carries no credential
// at all. It remembers, per origin, whether earlier requests did carry one:
// then the finding is stronger (the client usually sends it and forgot here).
type missingCredentials struct {
	withCreds map[string]bool // origin -> a request to it carried a credential
}

func newMissingCredentials() Rule { return &missingCredentials{withCreds: map[string]bool{}} }

// maxOrigins bounds the per-origin memory of stream rules.
const maxOrigins = 10000

var missingCredentialsMeta = &Meta{
	ID:    "missing-credentials",
	Title: "The request carried no credential at all",
	Doc: `The server refused a request that had no Authorization header, no API-key header, no cookie,
no token parameter and no URL password: it could not know who was calling.

**How it is detected.** A 401, 403 or 407 whose request carries no credential anywhere. The finding is
stronger (high confidence) when other requests to the same origin earlier in the capture did carry one:
the client knows how to authenticate and skipped it here (a request made before the token was loaded,
an interceptor that does not apply to this call, a different HTTP client).

**Known false positives.** A HAR exported by Chrome 130+ without "sensitive data" has had its
Authorization and Cookie headers removed: ` + "`har-sanitized`" + ` reports that once and silences this rule.
A cross-origin redirect that dropped the header and a rejected CORS preflight are reported by their own
rules. Access logs that do not record request headers (Common Log Format) are never judged.`,
	Fix:        "Send the credential with this request: check that the token is loaded before the call is made and that the HTTP client or interceptor adds the Authorization header to this URL.",
	Severity:   High,
	Confidence: MediumConfidence,
	Explains:   true,
	ClientSide: true,
	Examples: []Example{
		{Name: "no credential", Fires: true, HTTP: `GET https://api.example.com/v1/me
Accept: application/json

401
WWW-Authenticate: Bearer realm="api"
`},
		{Name: "a bearer token is present", HTTP: `GET https://api.example.com/v1/me
Authorization: Bearer abcdef0123456789abcdef

401
`},
		{Name: "a successful anonymous request", HTTP: `GET https://api.example.com/v1/health

200
`},
		{Name: "a session cookie is a credential", HTTP: `GET https://app.example.com/api/me
Cookie: session=7f3a9c0e5b1d4f2a8c6e

401
`},
	},
}

func (r *missingCredentials) Meta() *Meta { return missingCredentialsMeta }

func (r *missingCredentials) Check(c *Context, rec *parsers.Record) {
	ex := rec.Exchange
	if ex == nil || ex.Partial.Has(parsers.NoRequestHeaders) {
		return
	}
	f := c.Facts()
	origin := f.Endpoint().Origin
	if f.HasCredential() {
		if len(r.withCreds) < maxOrigins {
			r.withCreds[origin] = true
		}
		return
	}
	switch ex.Status() {
	case 401, 403, 407:
	default:
		return
	}
	if f.IsPreflight() {
		return // cors-preflight-rejected: preflights never carry credentials
	}
	what := "no Authorization header, API-key header, cookie, token parameter or URL password"
	if ex.Status() == 407 {
		what = "no Proxy-Authorization header"
	}
	ev := append([]Evidence{{Field: "request.headers (names)", Value: headerNames(ex)}}, c.challengeEvidence(ex)...)
	fd := Finding{
		Message:  describe(ex) + " carried no credential: " + what + ".",
		Evidence: ev,
	}
	if r.withCreds[origin] {
		fd.Confidence = HighConfidence
		fd.Message += " Earlier requests to " + ex.Request.URL.Scheme + "://" + ex.Request.URL.Host + " did carry one, so the client skipped it for this call."
	}
	c.Report(fd)
}
