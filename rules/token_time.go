package rules

import (
	"time"

	"github.com/authtriage/authtriage/parsers"
)

// Token validity is judged against the request's own time (the response
// Date, else the entry's start), never the machine's clock: an old capture
// would otherwise look expired throughout.

type expiredToken struct{}

var expiredTokenMeta = &Meta{
	ID:    "expired-token",
	Title: "The JWT had expired when the request was made",
	Doc: `The access token is a JWT whose ` + "`exp`" + ` claim lies before the time of the request by more than the
leeway (` + "`--leeway`" + `, default 60 s). The server refuses it, usually with
` + "`WWW-Authenticate: Bearer error=\"invalid_token\", error_description=\"The token expired …\"`" + `.

**Why it happens.** The client never refreshes (no refresh flow, a refresh that failed silently), caches the
token longer than its lifetime, or keeps sending the old token after a refresh.

**How it is detected.** The JWT is decoded locally without verifying its signature; ` + "`exp`" + ` is compared with the
response's Date header (else the entry's start time). Captures without any time are not judged.`,
	Fix:        "Refresh the access token before it expires (use expires_in or exp, minus a margin) and retry once with the new token after an invalid_token 401.",
	Severity:   High,
	Confidence: HighConfidence,
	Explains:   true,
	ClientSide: true,
	Examples: []Example{
		{Name: "expired 1h40m before", Fires: true, HTTP: `GET https://api.example.com/v1/me
Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwiZXhwIjoxNzk2MDE0ODAwfQ.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl

401
WWW-Authenticate: Bearer error="invalid_token", error_description="The access token expired"
`},
		{Name: "valid until 2100", HTTP: `GET https://api.example.com/v1/me
Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwiZXhwIjo0MTAyNDQ0ODAwfQ.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl

401
`},
		{Name: "expired 30 s before, within the leeway", HTTP: `GET https://api.example.com/v1/me
Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjE3OTYwMjA3NzB9.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl

401
`},
	},
}

func (expiredToken) Meta() *Meta { return expiredTokenMeta }

func (expiredToken) Check(c *Context, rec *parsers.Record) {
	ex := rec.Exchange
	if !failedStatus(ex) {
		return
	}
	at := ex.RequestTime()
	if at.IsZero() {
		return
	}
	for _, cred := range c.Facts().jwtCredentials() {
		exp, ok := cred.JWT.Expiry()
		if !ok || !exp.Before(at.Add(-c.Config.Leeway)) {
			continue
		}
		c.Report(Finding{
			Message: describe(ex) + ": the JWT in " + cred.Field + " expired " + HumanDuration(at.Sub(exp)) +
				" before the request (exp " + exp.Format(time.RFC3339) + ", request at " + at.UTC().Format(time.RFC3339) + ").",
			Evidence:   append([]Evidence{credEvidence(cred), jwtEvidence(cred)}, c.challengeEvidence(ex)...),
			Credential: cred.Token.Fingerprint(),
		})
		return
	}
}

type tokenNotYetValid struct{}

var tokenNotYetValidMeta = &Meta{
	ID:    "token-not-yet-valid",
	Title: "The JWT is not valid yet at the request time: clock skew",
	Doc: `The access token's ` + "`nbf`" + ` (not before) or ` + "`iat`" + ` (issued at) lies after the time of the request by more
than the leeway: the clocks of the issuer and of the server disagree, or the client mints its own tokens
with a clock that runs fast. Typical of VMs and containers resumed from sleep, WSL2, and hosts without NTP.

**How it is detected.** The JWT is decoded locally; ` + "`nbf`" + ` and ` + "`iat`" + ` are compared with the response's Date
header (else the entry's start time) plus ` + "`--leeway`" + ` (default 60 s).`,
	Fix:        "Synchronise the clocks (NTP) of the token issuer, the client and the server; allow a small clock-skew leeway in the validator; when the client mints tokens, back-date iat/nbf by a few seconds.",
	Severity:   High,
	Confidence: HighConfidence,
	Explains:   true,
	ClientSide: true,
	Examples: []Example{
		{Name: "nbf 20 minutes ahead", Fires: true, HTTP: `GET https://api.example.com/v1/me
Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJuYmYiOjE3OTYwMjIwMDAsImV4cCI6NDEwMjQ0NDgwMH0.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl

401
`},
		{Name: "issued an hour ago", HTTP: `GET https://api.example.com/v1/me
Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE3OTYwMTQ4MDAsImV4cCI6NDEwMjQ0NDgwMH0.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl

401
`},
	},
}

func (tokenNotYetValid) Meta() *Meta { return tokenNotYetValidMeta }

func (tokenNotYetValid) Check(c *Context, rec *parsers.Record) {
	ex := rec.Exchange
	if !failedStatus(ex) {
		return
	}
	at := ex.RequestTime()
	if at.IsZero() {
		return
	}
	limit := at.Add(c.Config.Leeway)
	for _, cred := range c.Facts().jwtCredentials() {
		claim, t, ok := "nbf", time.Time{}, false
		if nbf, has := cred.JWT.NotBefore(); has && nbf.After(limit) {
			t, ok = nbf, true
		} else if iat, has := cred.JWT.IssuedAt(); has && iat.After(limit) {
			claim, t, ok = "iat", iat, true
		}
		if !ok {
			continue
		}
		c.Report(Finding{
			Message: describe(ex) + ": the JWT in " + cred.Field + " is not valid until " + HumanDuration(t.Sub(at)) +
				" after the request (" + claim + " " + t.Format(time.RFC3339) + ", request at " + at.UTC().Format(time.RFC3339) + "): the clocks disagree.",
			Evidence:   append([]Evidence{credEvidence(cred), jwtEvidence(cred)}, c.challengeEvidence(ex)...),
			Credential: cred.Token.Fingerprint(),
		})
		return
	}
}
