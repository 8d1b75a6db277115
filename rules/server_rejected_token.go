package rules

import (
	"strings"

	"github.com/authtriage/authtriage/parsers"
	"github.com/authtriage/authtriage/secrets"
)

type serverRejectedToken struct{}

var serverRejectedTokenMeta = &Meta{
	ID:    "server-rejected-token",
	Title: "The server says why it refused the credential",
	Doc: `The request looks well formed, but the server explains its refusal: the ` + "`error`" + ` and
` + "`error_description`" + ` parameters of WWW-Authenticate (RFC 6750 §3.1: ` + "`invalid_token`" + `, ` + "`invalid_request`" + `), an
OAuth error body, an API gateway's error type, or a vendor's known message (GitHub "Bad credentials",
Istio "Jwt issuer is not configured", AWS "InvalidClientTokenId", DRF "Authentication credentials were not
provided", OpenAI "invalid_api_key" …; research/domain.md §2.5).

**How it is detected.** Parsed challenges, JSON error fields and a table of vendor strings in the response
body. It is the generic explanation: any client-side cause found on the same request (expired token, double
Bearer, wrong scheme …) silences it.

**Known false positives.** A server may hide the real reason behind a generic message on purpose.`,
	Fix:        "Act on the server's reason: get a new token from the right issuer for this API (audience, environment), check that it was not revoked, and compare it with one that works (authtriage diff).",
	Severity:   Medium,
	Confidence: MediumConfidence,
	Explains:   true,
	Examples: []Example{
		{Name: "invalid_token with a description", Fires: true, HTTP: `GET https://api.example.com/v1/me
Authorization: Bearer 9f8e7d6c5b4a39281706f5e4

401
WWW-Authenticate: Bearer error="invalid_token", error_description="The token was revoked"
`},
		{Name: "vendor body", Fires: true, HTTP: `GET https://api.github.com/user
Authorization: token 9f8e7d6c5b4a39281706f5e4

401
Content-Type: application/json
--
{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}
`},
		{Name: "no reason given", HTTP: `GET https://api.example.com/v1/me
Authorization: Bearer 9f8e7d6c5b4a39281706f5e4

401
WWW-Authenticate: Bearer realm="api"
`},
	},
}

// vendorReasons maps response-body strings to what they mean
// (research/domain.md §2.5). Matched case-insensitively.
var vendorReasons = []struct{ text, meaning string }{
	{"jwt issuer is not configured", "the token's issuer is not one this server trusts (wrong environment or identity provider)"},
	{"jwt token is expired", "the token expired"},
	{"jwt expired", "the token expired"},
	{"token is expired", "the token expired"},
	{"token has expired", "the token expired"},
	{"token has been expired or revoked", "the token expired or was revoked"},
	{"jwt not active", "the token is not valid yet (clock skew)"},
	{"audience validation failed", "the token was minted for another audience"},
	{"audience is invalid", "the token was minted for another audience"},
	{"jwt audience invalid", "the token was minted for another audience"},
	{"issuer validation failed", "the token comes from an issuer this server does not trust"},
	{"signature is invalid", "the token's signature does not verify (wrong issuer or key)"},
	{"authentication credentials were not provided", "the server did not receive a credential (a proxy such as Apache mod_wsgi or CloudFront may strip the Authorization header)"},
	{"missing authentication token", "API Gateway has no such route or stage: check the path, not the token"},
	{"not a valid key=value pair", "a Bearer token was sent to an AWS SigV4 (IAM) route"},
	{"invalidclienttokenid", "AWS does not know this access key (wrong account or partition, deleted key, or an ASIA key without its session token)"},
	{"signaturedoesnotmatch", "the AWS signature does not match (wrong secret key or a modified request)"},
	{"requesttimetooskewed", "the request time is too far from the server's clock (clock skew)"},
	{"expiredtoken", "the AWS session token expired"},
	{"bad credentials", "the token is invalid or revoked"},
	{"requires authentication", "the server received no usable credential"},
	{"must authenticate", "the server received no usable credential"},
	{"invalid access token", "the token is invalid or revoked"},
	{"invalid_api_key", "the API key is invalid (or belongs to another provider)"},
	{"incorrect api key provided", "the API key is invalid (or belongs to another provider)"},
	{"you did not provide an api key", "the server received no API key"},
	{"a similar object exists in live mode, but a test mode key was used", "a test-mode key was used against live-mode data"},
	{"a similar object exists in test mode, but a live mode key was used", "a live-mode key was used against test-mode data"},
	{"authentication_error", "the provider refused the credential"},
	{"rbac: access denied", "the mesh's authorization policy denied the call (often: no JWT at all)"},
	{"token_expired", "the token expired"},
	{"invalid_auth", "the token is invalid"},
	{"not_authed", "no token was received"},
}

// oauthErrors explains RFC 6750 / RFC 6749 error codes.
var oauthErrors = map[string]string{
	"invalid_token":          "the token is expired, revoked, malformed or for another resource",
	"invalid_request":        "the request is malformed (a missing, duplicated or badly formatted credential)",
	"invalid_client":         "client authentication failed",
	"invalid_grant":          "the grant or refresh token is invalid, expired or revoked",
	"unauthorized_client":    "this client may not use this grant type",
	"use_dpop_nonce":         "the server wants a DPoP proof with its nonce",
	"invalid_dpop_proof":     "the DPoP proof is invalid",
	"EXPIRED_TOKEN":          "the token expired",
	"UNAUTHORIZED":           "the authorizer refused the request",
	"ACCESS_DENIED":          "the authorizer denied the request",
	"MISSING_AUTHENTICATION": "no credential reached the gateway",
	"INVALID_SIGNATURE":      "the request signature is invalid",
	"INVALID_API_KEY":        "the API key is invalid",
}

func (serverRejectedToken) Meta() *Meta { return serverRejectedTokenMeta }

func (serverRejectedToken) Check(c *Context, rec *parsers.Record) {
	ex := rec.Exchange
	if !failedStatus(ex) || ex.Response == nil {
		return
	}
	reason, ev := serverReason(c, ex)
	if reason == "" {
		return
	}
	f := Finding{Message: describe(ex) + ": the server refused the credential: " + reason + ".", Evidence: ev}
	if cred, ok := c.Facts().Authorization(); ok {
		f.Evidence = append([]Evidence{credEvidence(cred)}, f.Evidence...)
		f.Credential = cred.Token.Fingerprint()
	}
	c.Report(f)
}

// serverReason collects what the server said, from challenges, gateway
// fields and the body.
func serverReason(c *Context, ex *parsers.Exchange) (string, []Evidence) {
	f := c.Facts()
	var parts []string
	ev := c.challengeEvidence(ex)
	for _, ch := range f.Challenges() {
		code, _ := ch.Param("error")
		desc, _ := ch.Param("error_description")
		if code == "" && desc == "" {
			continue
		}
		parts = append(parts, explainCode(code, desc))
	}
	if g := ex.Extra("gateway_error"); g != "" {
		parts = append(parts, explainCode(g, ""))
		ev = append(ev, Evidence{Field: "gateway error", Value: oneLine(secrets.ScrubText(g), 100)})
	}
	body := ex.Response.Body
	if len(parts) == 0 {
		code, desc := "", ""
		if p, ok := body.Field("error"); ok {
			code = p.Value
		}
		if p, ok := body.Field("error_description"); ok {
			desc = p.Value
		}
		if code != "" && len(code) < 64 {
			parts = append(parts, explainCode(code, desc))
			ev = append(ev, Evidence{Field: "response.body.error", Value: oneLine(secrets.ScrubText(code), 64)})
		}
	}
	if len(parts) == 0 && body.Text != "" {
		head := body.Text
		if len(head) > 4096 {
			head = head[:4096]
		}
		// ASCII folding keeps byte offsets: strings.ToLower may change
		// the length of non-ASCII text, and an index into the lowered
		// copy would then point at other bytes of the body.
		lower := asciiLower(head)
		for _, v := range vendorReasons {
			if i := strings.Index(lower, v.text); i >= 0 {
				parts = append(parts, "\""+head[i:i+len(v.text)]+"\" — "+v.meaning)
				ev = append(ev, Evidence{Field: "response.body", Value: "contains \"" + head[i:i+len(v.text)] + "\""})
				break
			}
		}
	}
	return strings.Join(parts, "; "), ev
}

// explainCode words an error code and description for the message. Both
// are server-supplied text, which may echo the refused token.
func explainCode(code, desc string) string {
	s := oneLine(secrets.ScrubText(code), 64)
	if m, ok := oauthErrors[code]; ok {
		s += " (" + m + ")"
	}
	if desc != "" {
		if s != "" {
			s += ", "
		}
		s += "\"" + oneLine(secrets.ScrubText(desc), 200) + "\""
	}
	return s
}

// asciiLower lower-cases ASCII letters only, so that offsets in the result
// are offsets in s.
func asciiLower(s string) string {
	i := 0
	for i < len(s) && !(s[i] >= 'A' && s[i] <= 'Z') {
		i++
	}
	if i == len(s) {
		return s
	}
	b := []byte(s)
	for ; i < len(b); i++ {
		if c := b[i]; c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
