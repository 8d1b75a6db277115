package rules

import (
	"strings"

	"github.com/authtriage/authtriage/parsers"
	"github.com/authtriage/authtriage/secrets"
)

// Sink receives findings from rules; the engine implements it.
type Sink interface {
	Add(meta *Meta, f Finding)
}

// Context is what a rule sees: the configuration, the current record's
// derived facts, and a way to report. The engine gives each rule its own
// Context for each input and moves it from record to record.
type Context struct {
	Config *Config
	meta   *Meta
	sink   Sink
	cur    *Facts
}

// NewContext is for the engine (and tests): one per rule and input.
func NewContext(cfg *Config, meta *Meta, sink Sink, cur *Facts) *Context {
	return &Context{Config: cfg, meta: meta, sink: sink, cur: cur}
}

// Facts returns the current record's derived facts.
func (c *Context) Facts() *Facts { return c.cur }

// Report files a finding; Rule, Location, Endpoint and Status default to the
// rule and the current record.
func (c *Context) Report(f Finding) {
	f.Rule = c.meta.ID
	if f.Location.File == "" && c.cur != nil && c.cur.Record != nil && !f.FileLevel {
		f.Location = c.cur.Record.Source
		if ex := c.cur.Record.Exchange; ex != nil {
			if f.Endpoint == (Endpoint{}) {
				f.Endpoint = c.cur.Endpoint()
			}
			f.Status = ex.Status()
		}
	}
	c.sink.Add(c.meta, f)
}

// Facts holds what several rules derive from one record, computed once.
type Facts struct {
	Record *parsers.Record
	env    *secrets.EnvResolver
	// jwts outlives the record: the same token repeats on every request
	// of a session.
	jwts *jwtCache

	creds      []Credential
	credsDone  bool
	jwtCreds   []Credential
	jwtsDone   bool
	challenges []parsers.Challenge
	chDone     bool
	chEv       []Evidence // challengeEvidence of this record
	chEvDone   bool
	endpoint   Endpoint
	epDone     bool
	tokenEP    bool
	tokenDone  bool
}

// NewFacts is for the engine: one per input, Reset for each record.
func NewFacts(env *secrets.EnvResolver) *Facts {
	return &Facts{env: env, jwts: &jwtCache{max: 4096}}
}

// Reset moves the facts to a new record.
func (f *Facts) Reset(r *parsers.Record) {
	*f = Facts{Record: r, env: f.env, jwts: f.jwts}
}

// decodeJWT decodes a credential that is a JWT, through the cache.
func (f *Facts) decodeJWT(s secrets.Secret) *secrets.JWT { return f.jwts.decode(s) }

// jwtCache decodes each JWT once per fingerprint, for Facts across the
// records of an input and for LeakBuilder across the lines of a log.
// Bounded: it is cleared when full.
type jwtCache struct {
	m   map[secrets.Fingerprint]*secrets.JWT
	max int
}

// decode returns the token's header and claims, nil when s is not a
// readable JWT (or JWE).
func (c *jwtCache) decode(s secrets.Secret) *secrets.JWT {
	if k := s.Kind(); k != secrets.KindJWT && k != secrets.KindJWE {
		return nil
	}
	fp := s.Fingerprint()
	if j, ok := c.m[fp]; ok {
		return j
	}
	if c.m == nil {
		c.m = map[secrets.Fingerprint]*secrets.JWT{}
	} else if len(c.m) >= c.max {
		clear(c.m)
	}
	j := decodeJWT(s)
	c.m[fp] = j
	return j
}

// Exchange is the current exchange, nil for text records.
func (f *Facts) Exchange() *parsers.Exchange {
	if f.Record == nil {
		return nil
	}
	return f.Record.Exchange
}

// Endpoint of the current exchange.
func (f *Facts) Endpoint() Endpoint {
	if !f.epDone {
		f.epDone = true
		if ex := f.Exchange(); ex != nil {
			f.endpoint = EndpointOf(ex, f.env)
		}
	}
	return f.endpoint
}

// Challenges are the response's WWW-Authenticate challenges (or
// Proxy-Authenticate for a 407).
func (f *Facts) Challenges() []parsers.Challenge {
	if !f.chDone {
		f.chDone = true
		if ex := f.Exchange(); ex != nil && ex.Response != nil {
			f.challenges = parsers.Challenges(ex.Response.Headers, ex.Response.Status == 407)
		}
	}
	return f.challenges
}

// Credential is one credential-bearing item of a request.
type Credential struct {
	// Place is header, query, body, cookie or userinfo.
	Place string
	// Name is the header, parameter, field or cookie name.
	Name string
	// Field is the report path, e.g. request.headers.Authorization,
	// request.query.access_token, request.body.auth.token.
	Field string
	// Value is the whole value as sent (for Authorization: scheme and
	// credential).
	Value secrets.Secret
	// Token is the bare credential (after the scheme for Authorization).
	Token secrets.Secret
	// Auth is set for Authorization-style headers.
	Auth *secrets.Authorization
	// JWT is the decoded token when it is one.
	JWT *secrets.JWT
}

// Present reports whether the credential carries a value (an empty header
// is not a credential, a redaction marker is: it was there before someone
// redacted it).
func (c Credential) Present() bool {
	return !c.Token.Empty() && c.Token.Kind() != secrets.KindPlaceholder
}

// Comparable reports a credential whose value can be judged and compared
// with others: present, and not another tool's redaction (REDACTED says
// nothing about what it replaced; sanitize's marker does).
func (c Credential) Comparable() bool { return c.Present() && !redactedUpstream(c.Token) }

// Credentials lists every credential-bearing item of the request: the
// Authorization-style headers, credential headers, each cookie, credential
// query and body fields, and a URL password.
func (f *Facts) Credentials() []Credential {
	if f.credsDone {
		return f.creds
	}
	f.credsDone = true
	ex := f.Exchange()
	if ex == nil {
		return nil
	}
	req := &ex.Request
	for _, h := range req.Headers {
		if !secrets.IsCredentialHeader(h.Name) || strings.EqualFold(h.Name, "set-cookie") {
			continue
		}
		field := "request.headers." + h.Name
		switch {
		case secrets.IsAuthorizationHeader(h.Name):
			a := h.Secret.Authorization()
			c := Credential{Place: "header", Name: h.Name, Field: field, Value: h.Secret, Token: a.Credential, Auth: &a}
			c.JWT = f.decodeJWT(a.Credential)
			f.creds = append(f.creds, c)
		case secrets.IsCookieHeader(h.Name):
			f.creds = append(f.creds, f.cookieCredentials(h)...)
		case h.Secret.Empty():
			// An empty API-key header is no credential (logs write
			// absent headers as "").
		default:
			f.creds = append(f.creds, Credential{Place: "header", Name: h.Name, Field: field, Value: h.Secret, Token: h.Secret, JWT: f.decodeJWT(h.Secret)})
		}
	}
	for _, p := range req.URL.Query {
		if p.Sensitive() {
			f.creds = append(f.creds, Credential{Place: "query", Name: p.Name, Field: "request.query." + p.Name, Value: p.Secret, Token: p.Secret, JWT: f.decodeJWT(p.Secret)})
		}
	}
	for _, p := range req.Body.Fields {
		if p.Sensitive() {
			path := p.Path
			if path == "" || path == "form" || path == "multipart" {
				path = p.Name
			}
			f.creds = append(f.creds, Credential{Place: "body", Name: p.Name, Field: "request.body." + path, Value: p.Secret, Token: p.Secret, JWT: f.decodeJWT(p.Secret)})
		}
	}
	if !req.URL.Password.IsZero() {
		f.creds = append(f.creds, Credential{Place: "userinfo", Name: req.URL.User, Field: "request.url.userinfo", Value: req.URL.Password, Token: req.URL.Password})
	}
	return f.creds
}

// cookieCredentials splits a Cookie header into one credential per cookie.
func (f *Facts) cookieCredentials(h parsers.Header) []Credential {
	var out []Credential
	var bare []string
	for _, part := range strings.Split(h.Secret.Reveal(), ";") {
		part = strings.TrimSpace(part)
		name, val, ok := strings.Cut(part, "=")
		if !ok || strings.Trim(val, "=") == "" {
			// no value, or base64 padding: "dXNlcjpwYXNz==" is a bare
			// token, whose "name" must not become a field name
			if len(strings.TrimRight(part, "=")) >= 8 {
				bare = append(bare, part)
			}
			continue
		}
		s := secrets.New(val)
		out = append(out, Credential{Place: "cookie", Name: name, Field: "request.cookies." + name, Value: s, Token: s, JWT: f.decodeJWT(s)})
	}
	switch {
	case len(out) == 0 && !h.Secret.Empty():
		out = append(out, Credential{Place: "cookie", Name: h.Name, Field: "request.headers." + h.Name, Value: h.Secret, Token: h.Secret})
	case len(out) > 0:
		// A bare token beside real cookies is a credential of the
		// header, so a changed token still changes what is compared.
		for _, b := range bare {
			s := secrets.New(b)
			out = append(out, Credential{Place: "cookie", Name: h.Name, Field: "request.headers." + h.Name, Value: s, Token: s})
		}
	}
	return out
}

func decodeJWT(s secrets.Secret) *secrets.JWT {
	raw := strings.Trim(strings.TrimSpace(s.Reveal()), `"'`)
	j, err := secrets.DecodeJWT(raw)
	if err != nil {
		return nil
	}
	return j
}

// Authorization returns the first Authorization credential (Proxy-
// Authorization for a 407).
func (f *Facts) Authorization() (Credential, bool) {
	want := "authorization"
	if ex := f.Exchange(); ex != nil && ex.Status() == 407 {
		want = "proxy-authorization"
	}
	for _, c := range f.Credentials() {
		if c.Auth != nil && strings.EqualFold(c.Name, want) {
			return c, true
		}
	}
	return Credential{}, false
}

// HasCredential reports whether the request carries any credential item,
// even an empty Authorization header or a placeholder: those are reported by
// the rules for malformed and placeholder values, not as missing.
func (f *Facts) HasCredential() bool { return len(f.Credentials()) > 0 }

// IsPreflight reports a CORS preflight: OPTIONS with
// Access-Control-Request-Method.
func (f *Facts) IsPreflight() bool {
	ex := f.Exchange()
	return ex != nil && ex.Request.Method == "OPTIONS" && ex.Request.Headers.Has("Access-Control-Request-Method")
}

// IsTokenEndpoint reports a request to an OAuth token endpoint: a path that
// ends in /token (oauth/token, oauth2/v1/token, connect/token) or
// /access_token, or a body with grant_type.
func (f *Facts) IsTokenEndpoint() bool {
	if !f.tokenDone {
		f.tokenDone = true
		if ex := f.Exchange(); ex != nil {
			p := strings.TrimSuffix(ex.Request.URL.Path, "/")
			_, grant := ex.Request.Body.Field("grant_type")
			f.tokenEP = hasSuffixFold(p, "/token") || hasSuffixFold(p, "/access_token") || grant
		}
	}
	return f.tokenEP
}

func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}

// jwtCredentials returns the request's credentials that are readable JWTs,
// Authorization first.
func (f *Facts) jwtCredentials() []Credential {
	if f.jwtsDone {
		return f.jwtCreds
	}
	f.jwtsDone = true
	for _, c := range f.Credentials() {
		if c.JWT != nil && !c.JWT.Encrypted {
			f.jwtCreds = append(f.jwtCreds, c)
			if c.Auth != nil {
				// move it before the others
				copy(f.jwtCreds[1:], f.jwtCreds[:len(f.jwtCreds)-1])
				f.jwtCreds[0] = c
			}
		}
	}
	return f.jwtCreds
}
