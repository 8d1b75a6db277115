package rules

import (
	"strings"

	"github.com/authtriage/authtriage/parsers"
	"github.com/authtriage/authtriage/secrets"
)

type tokenInQuery struct{}

var tokenInQueryMeta = &Meta{
	ID:    "token-in-query",
	Title: "A credential is in the URL query string",
	Doc: `A token or key travels in the URL (` + "`?access_token=`" + `, ` + "`?api_key=`" + `, ` + "`?token=`" + ` …). Many APIs reject
query tokens (RFC 6750 §2.3 says they should not be used), and wherever they are accepted the credential
leaks into server and proxy access logs, browser history and the Referer header sent to other sites.

**How it is detected.** On a refused request, any credential-named query parameter with a real value (not
a placeholder or a redaction marker). On a request that succeeded, the exposure is reported when the
parameter carries an access token, a password or a client secret (` + "`access_token`" + `, ` + "`token`" + `, ` + "`id_token`" + `,
` + "`password`" + ` …) or a value in a known secret format (a JWT, ` + "`sk_live_…`" + `, ` + "`ghp_…`" + `); browser-side API keys and
analytics session ids (` + "`apiKey`" + `, ` + "`key`" + `, ` + "`sid`" + `) that web pages put in URLs by design are left alone.
Signature parameters of pre-signed URLs (` + "`X-Amz-Signature`" + `, ` + "`sig`" + `) are designed for the query string and
are not reported.`,
	Fix:        "Send the credential in the Authorization header instead of the URL, and rotate it if these URLs were logged or shared.",
	Severity:   Medium,
	Confidence: HighConfidence,
	AnyStatus:  true,
	Explains:   true,
	ClientSide: true,
	Examples: []Example{
		{Name: "access_token refused", Fires: true, HTTP: `GET https://api.example.com/v1/me?access_token=9f8e7d6c5b4a39281706f5e4

401
`},
		{Name: "access_token accepted but exposed", Fires: true, HTTP: `GET https://api.example.com/v1/data?page=2&access_token=9f8e7d6c5b4a39281706f5e4

200
`},
		{Name: "JWT accepted but exposed", Fires: true, HTTP: `GET https://api.example.com/v1/data?jwt=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl

200
`},
		{Name: "browser API key on a successful page load", HTTP: `GET https://cdn.gigya.com/js/gigya.js?apiKey=3_5b4a39281706f5e4d3c2b1a09f8e7d6c

200
`},
		{Name: "pre-signed URL", HTTP: `GET https://bucket.s3.amazonaws.com/a.txt?X-Amz-Signature=9f8e7d6c5b4a39281706f5e4d3c2b1a0

200
`},
		{Name: "no credential in the query", HTTP: `GET https://api.example.com/v1/data?page=2&sort=name

401
`},
	},
}

func (tokenInQuery) Meta() *Meta { return tokenInQueryMeta }

func (tokenInQuery) Check(c *Context, rec *parsers.Record) {
	ex := rec.Exchange
	if ex == nil {
		return
	}
	for _, cred := range c.Facts().Credentials() {
		// Another tool's redaction says nothing; sanitize's marker stands
		// for a credential that was in the URL.
		if cred.Place != "query" || !cred.Comparable() || isSignatureParam(cred.Name) {
			continue
		}
		if !ex.Failed() && !isSecretParam(cred) {
			continue
		}
		msg := describe(ex) + ": the credential is in the URL query string (" + cred.Name + "), "
		if ex.Failed() {
			msg += "where this API does not accept it."
		} else {
			msg += "so it is written to access logs, browser history and Referer headers."
		}
		c.Report(Finding{
			Message:    msg,
			Evidence:   []Evidence{credEvidence(cred), {Field: "request.url", Value: ex.Request.URL.String()}},
			Credential: cred.Token.Fingerprint(),
		})
		return
	}
}

// isSecretParam reports a query credential whose exposure matters even when
// the request succeeded: an access token, password or client secret by
// name, or a value in a known secret format.
func isSecretParam(c Credential) bool {
	n := strings.ToLower(c.Name)
	switch n {
	case "refresh_token", "client_secret", "password", "passwd", "pwd", "secret":
		return true
	}
	if accessTokenParams[n] {
		return true
	}
	switch k := c.Token.SanitizedKind(); k {
	case secrets.KindOpaque, secrets.KindPlaceholder, secrets.KindRedacted, "stripe-publishable", "google":
		return false
	}
	return true
}

// isSignatureParam names the query parameters of pre-signed URLs.
func isSignatureParam(name string) bool {
	n := strings.ToLower(name)
	return n == "sig" || n == "signature" || strings.HasPrefix(n, "x-amz-") || strings.HasPrefix(n, "x-goog-") || n == "se" || n == "sv"
}
