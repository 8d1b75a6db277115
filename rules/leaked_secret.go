package rules

import (
	"bytes"
	"strings"
	"time"

	"github.com/authtriage/authtriage/parsers"
	"github.com/authtriage/authtriage/secrets"
)

// leakedSecret keeps one LeakBuilder for the whole input, so that a token
// a log repeats on every line is decoded once.
type leakedSecret struct {
	b LeakBuilder
}

func newLeakedSecret() Rule { return &leakedSecret{} }

var leakedSecretMeta = &Meta{
	ID:    "leaked-secret",
	Title: "A credential is exposed where it must not be",
	Doc: `A credential sits in clear text where anyone who can read the file can take it: a log line, a URL, a
request or response body, a free-text line. Whoever reads the log, the proxy's history or the shared capture
can use it until it is rotated. It rarely explains a 401; it is reported on any status because the risk is
the exposure itself.

**How it is detected.** The detectors of ` + "`authtriage scan`" + ` (the same code): Authorization and
Proxy-Authorization values of any scheme, session cookies, API-key headers, token-named query, form and
JSON fields, passwords in URLs, and known formats (JWT, GitHub, Stripe, AWS, Slack, Google, OpenAI, …).
Where it looks depends on the input:

- **Line-based inputs** (access logs, application logs, text): every credential in a line is a leak — a
  log should never hold one.
- **HAR and curl transcripts**: credentials in request headers are how requests authenticate, and the
  response's ` + "`Set-Cookie`" + ` is how a session is issued: neither is a leak. Credentials in the URL (query
  string, userinfo), in a request body, and in a response body (a token echoed back) are. A token
  endpoint's own grant (` + "`client_secret`" + `, ` + "`refresh_token`" + ` in its body) and its response (the issued tokens) are
  the protocol working as designed and are not reported here; ` + "`authtriage scan`" + ` reports every credential a
  capture holds, because a capture that is committed or shared leaks them all.

A credential in the query string is reported by this rule *and* by ` + "`token-in-query`" + `: that rule is the cause
(most APIs refuse query tokens, RFC 6750 §2.3), this one the exposure of that particular value (its
detector, provider and environment, to rotate it).

Severity follows the credential's environment: a production credential (` + "`sk_live_`" + `, ` + "`ghp_`" + `, a JWT from a
production issuer) is high, a sandbox or test one (` + "`sk_test_`" + `, ` + "`rzp_test_`" + `) low, one whose environment cannot
be told medium. Redaction markers (` + "`REDACTED`" + `, ` + "`****`" + `, ` + "`<redacted:…>`" + `), placeholders (` + "`${TOKEN}`" + `) and
high-entropy values that are not credentials (request and trace ids, UUIDs, ETags, digests, asset hashes)
are not reported.

**Known false positives.** A key-value pair named like a credential (` + "`password=`" + `, ` + "`token:`" + `) whose
value is random but harmless; a browser API key that a web page embeds by design.`,
	Fix:        "Rotate the credential (it must be treated as compromised), then stop it reaching this place: log request headers and bodies through a redacting formatter, keep tokens out of URLs, and share captures only after `authtriage sanitize`.",
	Severity:   Medium,
	Confidence: HighConfidence,
	AnyStatus:  true,
	Examples: []Example{
		{Name: "token in the URL", Fires: true, HTTP: `GET https://api.example.com/v1/data?page=2&access_token=9f8e7d6c5b4a39281706f5e4d3c2b1a0

200
`},
		{Name: "password in the URL", Fires: true, HTTP: `GET https://deploy:s3cr3t-Pa55word@ci.example.com/job/1

200
`},
		{Name: "token in an API request body", Fires: true, HTTP: `POST https://api.example.com/v1/orders
Content-Type: application/json
--
{"access_token":"9f8e7d6c5b4a39281706f5e4","item":42}

401
`},
		{Name: "token echoed in a response body", Fires: true, HTTP: `GET https://api.example.com/v1/debug

200
Content-Type: application/json
--
{"received_headers":{"Authorization":"Bearer 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"}}
`},
		{Name: "credential in the Authorization header", HTTP: `GET https://api.example.com/v1/me
Authorization: Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0

200
`},
		{Name: "session issued by Set-Cookie", HTTP: `GET https://app.example.com/

200
Set-Cookie: sid=7f3a9c0e5b1d7f3a9c0e5b1d; HttpOnly
`},
		{Name: "token endpoint response", HTTP: `POST https://auth.example.com/oauth/token
Content-Type: application/x-www-form-urlencoded
--
grant_type=refresh_token&refresh_token=rt_9f8e7d6c5b4a39281706f5e4d3c2b1a0

200
Content-Type: application/json
--
{"access_token":"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl","token_type":"Bearer"}
`},
		{Name: "redacted value in the URL", HTTP: `GET https://api.example.com/v1/data?access_token=REDACTED

200
`},
	},
}

func (*leakedSecret) Meta() *Meta { return leakedSecretMeta }

func (r *leakedSecret) Check(c *Context, rec *parsers.Record) {
	b := &r.b
	b.Env = c.Config.Env
	if rec.Text != nil {
		// A line of a log or a text file: everything in it is exposed.
		secrets.ScanLine(rec.Text, func(m secrets.Match) {
			c.Report(b.Finding(m, "this line", m.Start+1))
		})
		return
	}
	ex := rec.Exchange
	if ex == nil {
		return
	}
	report := func(where, place string, m secrets.Match) {
		f := b.Finding(m, where, 0)
		f.Place = place + "." + strings.ToLower(PlaceField(m))
		f.Message = describe(ex) + ": " + f.Message
		c.Report(f)
	}
	u := &ex.Request.URL
	for _, p := range u.Query {
		scanParam(p, func(m secrets.Match) { report("the URL query string", "request.query", m) })
	}
	if !u.Password.IsZero() && !u.Password.Redacted() && u.Password.Kind() != secrets.KindPlaceholder {
		m := secrets.Match{Detector: "url-password", Secret: u.Password, Field: u.Hostname(), Environment: secrets.EnvUnknown}
		report("the URL userinfo", "request.url", m)
	}
	if c.Facts().IsTokenEndpoint() {
		return // the grant and the issued tokens are the protocol at work
	}
	scanBody(&ex.Request.Body, func(m secrets.Match) { report("the request body", "request.body", m) })
	if ex.Response != nil {
		scanBody(&ex.Response.Body, func(m secrets.Match) { report("the response body", "response.body", m) })
	}
}

// scanParam runs the detectors over one query or form parameter, written as
// it appears in a query string so the parameter name gives the context.
func scanParam(p parsers.Param, fn func(secrets.Match)) {
	v := p.Value
	if p.Sensitive() {
		v = p.Secret.Reveal()
	}
	if v == "" {
		return
	}
	line := make([]byte, 0, len(p.Name)+len(v)+2)
	line = append(append(append(append(line, '?'), p.Name...), '='), v...)
	secrets.ScanLine(line, fn)
}

// scanBody runs the detectors over every line of a body, or over its parsed
// form fields when the input kept only those (martian's postData.params).
func scanBody(b *parsers.Body, fn func(secrets.Match)) {
	if b.Text == "" {
		for _, p := range b.Fields {
			if p.Path == "form" || p.Path == "query" {
				scanParam(p, fn)
			}
		}
		return
	}
	text := []byte(b.Text)
	for len(text) > 0 {
		line := text
		if i := bytes.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = nil
		}
		secrets.ScanLine(line, fn)
	}
}

// LeakBuilder turns detector matches into leaked-secret findings. The rule
// and the scan engine share it, so analyze and scan describe, rate and
// fingerprint a leak the same way.
type LeakBuilder struct {
	// Env decides a credential's environment (--env-config first, then the
	// built-in prefix and issuer tables); nil uses the match's own.
	Env *secrets.EnvResolver
	// Now, when set, is the scan time against which a JWT's expiry is
	// judged ("still valid at scan time"). Zero: not judged.
	Now time.Time
	// jwts: a log repeats a session's token on every line.
	jwts jwtCache
}

// Finding describes one match. where is a short phrase for the message
// ("this line", "the response body"); column is the 1-based column of the
// value in its line, 0 when not applicable. The finding's Place is the
// credential's field (lower case) or, for a bare token, its detector, so
// that one credential in one field of one file is one finding.
func (b *LeakBuilder) Finding(m secrets.Match, where string, column int) Finding {
	env := b.environment(m)
	what := leakKind(m) + " (" + m.Detector
	if env == secrets.EnvProduction || env == secrets.EnvSandbox {
		what += ", " + string(env)
	}
	msg := what + ") is in clear text in " + where
	if fld := PlaceField(m); fld != m.Detector {
		msg += ", in " + fieldLabel(m)
	}
	msg += "."
	value := m.Secret.String()
	if m.Scheme != "" {
		value = m.Scheme + " " + value
	}
	label := "credential"
	if m.Field != "" {
		label = fieldLabel(m)
	}
	ev := []Evidence{{Field: label, Value: value}}
	if k := m.Secret.Kind(); k == secrets.KindJWT || k == secrets.KindJWE {
		if j := b.decode(m.Secret); j != nil {
			ev = append(ev, Evidence{Field: "JWT claims", Value: j.Summary()})
			if v := b.validity(j); v != "" {
				ev = append(ev, Evidence{Field: "JWT validity", Value: v})
				if strings.HasPrefix(v, "still valid") {
					msg += " The token was still valid at scan time."
				}
			}
		}
	}
	conf := HighConfidence
	if m.Detector == "key-value" || m.Detector == "json-field" {
		conf = MediumConfidence
	}
	return Finding{
		Severity:    leakSeverity(env),
		Confidence:  conf,
		Message:     msg,
		Evidence:    ev,
		Detector:    m.Detector,
		Provider:    m.Provider,
		Environment: string(env),
		Credential:  m.Secret.Fingerprint(),
		Place:       strings.ToLower(PlaceField(m)),
		Column:      column,
	}
}

// PlaceField is what names a leak's place within its file: the field the
// credential sat in, else its detector.
func PlaceField(m secrets.Match) string {
	if m.Field != "" {
		return m.Field
	}
	return m.Detector
}

// fieldLabel names the field for messages: "Authorization header", "cookie
// sid", "password of https://…@ci.example.com".
func fieldLabel(m secrets.Match) string {
	switch m.Detector {
	case "cookie":
		_, name, ok := strings.Cut(m.Field, ":")
		if ok {
			return "cookie " + name
		}
	case "url-password":
		return "URL password for " + m.Field
	}
	return m.Field
}

// leakSeverity: production high, sandbox low, unknown medium (DESIGN.md).
func leakSeverity(env secrets.Environment) Severity {
	switch env {
	case secrets.EnvProduction:
		return High
	case secrets.EnvSandbox:
		return Low
	}
	return Medium
}

// providerNames spell providers for messages.
var providerNames = map[string]string{
	"github": "GitHub", "gitlab": "GitLab", "stripe": "Stripe", "aws": "AWS", "slack": "Slack",
	"google": "Google", "google-oauth": "Google OAuth", "openai": "OpenAI", "anthropic": "Anthropic",
	"twilio": "Twilio", "sendgrid": "SendGrid", "shopify": "Shopify", "square": "Square", "okta": "Okta",
	"paddle": "Paddle", "razorpay": "Razorpay", "plaid": "Plaid", "braintree": "Braintree", "npm": "npm",
	"checkout": "Checkout.com", "launchdarkly": "LaunchDarkly",
}

// leakKind is "a Stripe key", "a JWT", "a session cookie" for messages.
func leakKind(m secrets.Match) string {
	var noun string
	switch k := m.Secret.Kind(); k {
	case secrets.KindJWT:
		noun = "JWT"
	case secrets.KindJWE:
		noun = "encrypted JWT"
	case secrets.KindBasic:
		noun = "Basic credential"
	case secrets.KindPassword:
		noun = "password"
	case secrets.KindCookie:
		noun = "session cookie"
	case secrets.KindOpaque:
		noun = "token"
		if m.Detector == "cookie" {
			noun = "session cookie"
		}
	default:
		noun = "key"
		if strings.Contains(string(k), "token") || m.Provider == "slack" || m.Provider == "github" || m.Provider == "gitlab" {
			noun = "token"
		}
	}
	if p := m.Provider; p != "" {
		name, ok := providerNames[p]
		if !ok {
			name = p
		}
		noun = name + " " + noun
	}
	article := "a "
	switch noun[0] {
	case 'a', 'e', 'i', 'o', 'u', 'A', 'E', 'I', 'O':
		article = "an "
	}
	return article + noun
}

func (b *LeakBuilder) decode(s secrets.Secret) *secrets.JWT {
	if b.jwts.max == 0 {
		b.jwts.max = 1024
	}
	return b.jwts.decode(s)
}

// environment is the credential's: what its own format says (prefix, a
// JWT issuer's host labels), else what --env-config says of its prefix or
// its JWT issuer's host.
func (b *LeakBuilder) environment(m secrets.Match) secrets.Environment {
	env := m.Environment
	if env == secrets.EnvProduction || env == secrets.EnvSandbox || b.Env == nil {
		if env == "" {
			env = secrets.EnvUnknown
		}
		return env
	}
	if k := m.Secret.Kind(); k == secrets.KindJWT {
		// decoded once here, not again by the resolver
		if j := b.decode(m.Secret); j != nil {
			if host := secrets.IssuerHost(j.Issuer()); host != "" {
				if e := b.Env.Host(host); e == secrets.EnvProduction || e == secrets.EnvSandbox {
					return e
				}
			}
		}
		return secrets.EnvUnknown
	}
	if e, _ := b.Env.Credential(m.Secret); e == secrets.EnvProduction || e == secrets.EnvSandbox {
		return e
	}
	return secrets.EnvUnknown
}

// validity judges a JWT's expiry against the scan time.
func (b *LeakBuilder) validity(j *secrets.JWT) string {
	if b.Now.IsZero() || j.Encrypted {
		return ""
	}
	now := b.Now.UTC().Format(time.RFC3339)
	exp, ok := j.Expiry()
	switch {
	case !ok:
		return "still valid at scan time " + now + ": the token has no exp claim and never expires"
	case exp.After(b.Now):
		return "still valid at scan time " + now + ": expires " + exp.Format(time.RFC3339) + " (in " + HumanDuration(exp.Sub(b.Now)) + ")"
	}
	return "expired " + exp.Format(time.RFC3339) + ", " + HumanDuration(b.Now.Sub(exp)) + " before the scan time " + now
}
