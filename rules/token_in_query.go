package rules

import (
	"strings"

	"github.com/authtriage/authtriage/parsers"
)

type tokenInQuery struct{}

var tokenInQueryMeta = &Meta{
	ID:    "token-in-query",
	Title: "A credential is in the URL query string",
	Doc: `A token or key travels in the URL (` + "`?access_token=`" + `, ` + "`?api_key=`" + `, ` + "`?token=`" + ` …). Many APIs reject
query tokens (RFC 6750 §2.3 says they should not be used), and wherever they are accepted the credential
leaks into server and proxy access logs, browser history and the Referer header sent to other sites.

**How it is detected.** Credential-named query parameters with a real value (not a placeholder or a
redaction marker). It fires on any status: a query token that works is still exposed. Signature parameters
of pre-signed URLs (` + "`X-Amz-Signature`" + `, ` + "`sig`" + `) are designed for the query string and are not reported.`,
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
		{Name: "api_key accepted but exposed", Fires: true, HTTP: `GET https://api.example.com/v1/data?page=2&api_key=9f8e7d6c5b4a39281706f5e4

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
		if cred.Place != "query" || !cred.Present() || cred.Token.Redacted() || isSignatureParam(cred.Name) {
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

// isSignatureParam names the query parameters of pre-signed URLs.
func isSignatureParam(name string) bool {
	n := strings.ToLower(name)
	return n == "sig" || n == "signature" || strings.HasPrefix(n, "x-amz-") || strings.HasPrefix(n, "x-goog-") || n == "se" || n == "sv"
}
