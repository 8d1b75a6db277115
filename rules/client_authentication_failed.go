package rules

import (
	"encoding/base64"
	"fmt"
	"sort"
	"strings"

	"github.com/authtriage/authtriage/parsers"
	"github.com/authtriage/authtriage/secrets"
)

type clientAuthFailed struct{}

var clientAuthFailedMeta = &Meta{
	ID:    "client-authentication-failed",
	Title: "The token endpoint refused to authenticate the client (invalid_client)",
	Doc: `An OAuth token request was refused because the *client* (the application, not the user) failed to
authenticate: RFC 6749 §5.2 ` + "`invalid_client`" + `, usually 401 with ` + "`WWW-Authenticate: Basic`" + `. The client_id is unknown
(a typo, another environment's or tenant's app), the client secret is wrong or was rotated, the client used
an authentication method not registered for it (a secret in the body where Basic is required, none at all
for a confidential client), or the Basic credential was built wrongly.

A classic of the last kind: RFC 6749 §2.3.1 says client_id and client_secret are *form-urlencoded*
(Appendix B) before they are joined with a colon and base64-encoded. A secret containing ` + "`+`" + ` or ` + "`%`" + ` that is
sent raw is read differently by a server that decodes it (` + "`+`" + ` becomes a space), and a secret that was encoded
(` + "`%2B`" + `) does not match at a server that does not decode it (research/domain.md §1.3, C21).

**How it is detected.** A request to a token endpoint (a path ending in ` + "`/token`" + `, or a body with
` + "`grant_type`" + `) answered with ` + "`error: invalid_client`" + ` (body or challenge), or a POST with ` + "`grant_type`" + ` or a Basic
challenge answered 401 with no error code.
The finding says how the client authenticated (Basic, a secret in the body, a client assertion, or only a
client_id), and for Basic it decodes the credential in memory and checks the form-urlencoding of its two
parts — reporting which special characters were found, never the values.

**Known false positives.** None known; a server may answer invalid_client for a client that is disabled,
which the message cannot tell from a wrong secret.`,
	Fix:        "Check the client_id and secret against the authorization server for this environment (and rotate the secret in the client's configuration if it was changed). Use the authentication method registered for the client (client_secret_basic vs client_secret_post). For Basic, form-urlencode client_id and client_secret before joining them with ':' and base64-encoding — or switch to client_secret_post if the server does not decode them.",
	Severity:   High,
	Confidence: HighConfidence,
	Explains:   true,
	ClientSide: true,
	Suppresses: []string{"missing-credentials"},
	Examples: []Example{
		{Name: "invalid_client with a Basic challenge", Fires: true, HTTP: `POST https://auth.example.com/oauth/token
Authorization: Basic ZGVtby13ZWI6b2xkLXNlY3JldA==
Content-Type: application/x-www-form-urlencoded
--
grant_type=client_credentials&scope=read

401
WWW-Authenticate: Basic realm="oauth"
Content-Type: application/json
--
{"error":"invalid_client","error_description":"Client authentication failed"}
`},
		{Name: "a secret with a raw + that was not form-urlencoded", Fires: true, HTTP: `POST https://login.example.com/oauth2/token
Authorization: Basic YXBwLTE6YWIrY2QvZWY9
Content-Type: application/x-www-form-urlencoded
--
grant_type=client_credentials

401
WWW-Authenticate: Basic realm="login"
`},
		{Name: "public client with an unknown client_id", Fires: true, HTTP: `POST https://auth.example.com/oauth/token
Content-Type: application/x-www-form-urlencoded
--
grant_type=authorization_code&code=ac_0123456789&code_verifier=cv_0123456789abcdef0123456789abcdef&client_id=spa-web-prod

401
Content-Type: application/json
--
{"error":"invalid_client"}
`},
		{Name: "token issued", HTTP: `POST https://auth.example.com/oauth/token
Authorization: Basic ZGVtby13ZWI6b2xkLXNlY3JldA==
Content-Type: application/x-www-form-urlencoded
--
grant_type=client_credentials

200
`},
		{Name: "a refused refresh is not client authentication", HTTP: `POST https://auth.example.com/oauth/token
Content-Type: application/x-www-form-urlencoded
--
grant_type=refresh_token&refresh_token=rt_0123456789abcdef&client_id=web

400
Content-Type: application/json
--
{"error":"invalid_grant"}
`},
		{Name: "401 from an API, not a token endpoint", HTTP: `GET https://api.example.com/v1/me
Authorization: Basic ZGVtby13ZWI6b2xkLXNlY3JldA==

401
WWW-Authenticate: Basic realm="api"
`},
	},
}

func (clientAuthFailed) Meta() *Meta { return clientAuthFailedMeta }

func (clientAuthFailed) Check(c *Context, rec *parsers.Record) {
	ex := rec.Exchange
	f := c.Facts()
	if !failedStatus(ex) || ex.Response == nil || !f.IsTokenEndpoint() {
		return
	}
	code, desc := oauthError(f)
	switch {
	case code == "invalid_client":
	case code == "" && ex.Status() == 401 && ex.Request.Method == "POST" &&
		(grantType(ex) != "" || schemeChallenged(f.Challenges(), "basic")):
		// An OAuth token request (or a Basic challenge) refused
		// without an error code; a 401 from some other /token
		// endpoint (a login with a user's password) is not about the
		// client.
	default:
		return
	}
	method, ev, hint, strong := clientAuthMethod(f, ex)
	msg := describe(ex) + ": the token endpoint refused to authenticate the client"
	if code != "" {
		msg += " (" + code + ")"
	}
	msg += ": the client_id is unknown here, the secret is wrong or was rotated, or the client used an authentication method the server does not accept for it. The client authenticated " + method + "."
	if hint != "" {
		msg += " " + hint
	}
	if desc != "" {
		ev = append(ev, descEvidence(desc))
	}
	ev = append(ev, c.challengeEvidence(ex)...)
	fd := Finding{Message: msg, Evidence: ev}
	if cr, ok := f.Authorization(); ok {
		fd.Credential = cr.Token.Fingerprint()
	}
	if hint != "" && !strong {
		fd.Confidence = MediumConfidence
	}
	c.Report(fd)
}

// clientAuthMethod says how a token request authenticated its client, with
// evidence, and checks a Basic credential's form-urlencoding. strong is true
// when the encoding problem alone explains the refusal.
func clientAuthMethod(f *Facts, ex *parsers.Exchange) (method string, ev []Evidence, hint string, strong bool) {
	if e, ok := clientIDEvidence(ex); ok {
		ev = append(ev, e)
	}
	if cr, ok := f.Authorization(); ok && strings.EqualFold(cr.Auth.Scheme(), "basic") && cr.Present() {
		ev = append([]Evidence{credEvidence(cr)}, ev...)
		hint, strong = basicEncodingHint(cr.Token)
		return "with HTTP Basic (client_secret_basic)", ev, hint, strong
	}
	if _, ok := topField(ex.Request.Body, "client_assertion"); ok {
		return "with a signed client assertion (private_key_jwt or client_secret_jwt): check its iss, sub, aud (the token endpoint URL) and exp, and the key registered for the client", ev, "", false
	}
	if p, ok := topField(ex.Request.Body, "client_secret"); ok && p.Sensitive() {
		ev = append(ev, Evidence{Field: "request.body.client_secret", Value: p.Secret.String()})
		return "with the secret in the body (client_secret_post)", ev, "", false
	}
	if cr, ok := f.Authorization(); ok {
		ev = append([]Evidence{credEvidence(cr)}, ev...)
		return "with an Authorization header that is not Basic", ev, "", false
	}
	return "with no secret at all (a public client sends only its client_id): the client_id may be unknown here, or the server expects a secret for it", ev, "", false
}

// formSafe are the bytes form-urlencoding leaves as they are.
func formSafe(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~*", c) >= 0
}

// basicEncodingHint decodes a Basic credential in memory and reports, by
// character class only, whether its parts were form-urlencoded as RFC 6749
// §2.3.1 requires. strong is true for characters a decoding server reads
// differently (+ and %).
func basicEncodingHint(tok secrets.Secret) (string, bool) {
	raw := strings.Trim(strings.TrimSpace(tok.Reveal()), `"'`)
	dec, err := base64.StdEncoding.DecodeString(raw)
	if err != nil {
		if dec, err = base64.RawStdEncoding.DecodeString(raw); err != nil {
			return "", false
		}
	}
	id, secret, ok := strings.Cut(string(dec), ":")
	if !ok {
		return "", false
	}
	rawChars := map[byte]bool{}
	escapes := false
	for _, part := range []string{id, secret} {
		for i := 0; i < len(part); i++ {
			c := part[i]
			switch {
			case c == '%' && i+2 < len(part) && isHex(part[i+1]) && isHex(part[i+2]):
				escapes = true
				i += 2
			case !formSafe(c) && c < 0x80 && c > ' ':
				rawChars[c] = true
			}
		}
	}
	if len(rawChars) > 0 {
		var list []string
		for c := range rawChars {
			list = append(list, string(c))
		}
		sort.Strings(list)
		strong := rawChars['+'] || rawChars['%']
		h := fmt.Sprintf("The Basic credential was not form-urlencoded before base64 (RFC 6749 §2.3.1): its client_id or secret contains %s as raw character(s).", quoteList(list))
		if strong {
			h += " A server that decodes them, as the RFC requires, reads a different secret ('+' becomes a space, '%' starts an escape)."
		} else {
			h += " A compliant server still decodes them to the same text, but a strict one may not accept them."
		}
		return h, strong
	}
	if escapes {
		return "The Basic credential's parts are form-urlencoded (it contains %XX escapes), as RFC 6749 §2.3.1 requires; a server that does not decode them compares the encoded text with the registered secret and refuses it. If this server does not decode, send the raw values or use client_secret_post.", false
	}
	return "", false
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func quoteList(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = "'" + s + "'"
	}
	return strings.Join(q, ", ")
}
