package rules

import (
	"fmt"
	"hash/fnv"
	"strings"

	"github.com/authtriage/authtriage/parsers"
	"github.com/authtriage/authtriage/secrets"
)

// staleToken remembers, by fingerprint only, which access tokens a token
// endpoint replaced, and reports later refused requests that still send one.
type staleToken struct {
	// byRefresh: refresh token → the access token issued with it, so a
	// refresh that presents it replaces exactly that access token.
	byRefresh *boundedMap[secrets.Fingerprint, issuedToken]
	// sessions: token endpoint and client → the access token it issued
	// last.
	sessions *boundedMap[uint64, issuedToken]
	// superseded: access tokens replaced by a newer one.
	superseded *boundedMap[secrets.Fingerprint, supersession]
	// lastUsed is the JWT access token the client last used successfully
	// on an API call: a refresh by the same issuer replaces it.
	lastUsed usedToken
}

type issuedToken struct {
	fp  secrets.Fingerprint
	src parsers.Source
}

type supersession struct {
	refresh    parsers.Source
	refreshReq string // "POST https://auth.example.com/oauth/token (200)"
	grant      string
	issued     parsers.Source // where the old token was issued, if seen
	newDisplay string         // the new token's display form
}

type usedToken struct {
	fp       secrets.Fingerprint
	iss, sub string
}

const maxTokens = 4096

func newStaleToken() Rule {
	return &staleToken{
		byRefresh:  newBoundedMap[secrets.Fingerprint, issuedToken](maxTokens),
		sessions:   newBoundedMap[uint64, issuedToken](maxTokens),
		superseded: newBoundedMap[secrets.Fingerprint, supersession](maxTokens),
	}
}

var staleTokenMeta = &Meta{
	ID:    "stale-token-after-refresh",
	Title: "The client still sends the access token that a refresh replaced",
	Doc: `The token endpoint issued a new access token (a refresh, or any other grant), and later requests
still carried the previous one and were refused with 401.

**Why it fails.** Many authorization servers revoke the previous access token when they issue a new one
(refresh-token rotation, single active session), and a token that is not revoked still expires on its own
schedule. A client that refreshes but keeps the old value — the new token stored in one place and read from
another, an HTTP client built before the refresh with the header baked in, a second tab or worker with its
own copy, a request retried with its original headers — sends a token the server no longer accepts.

**How it is detected.** Tokens are compared by fingerprint, never by value. A 2xx response of a token
endpoint with ` + "`access_token`" + ` in its JSON or form body replaces: the access token issued together with the
refresh token that this request presented; the access token the same endpoint last issued to the same
client; and the JWT the client last used successfully when the new token is a JWT from the same issuer
(and subject). Besides token endpoints, any 2xx response that hands out ` + "`access_token`" + ` with ` + "`token_type`" + `,
` + "`expires_in`" + ` or ` + "`refresh_token`" + ` counts (an app's own login or refresh route). A later 401 that carries a
replaced token is reported; the refresh is cited as related.
Memory is bounded (the last 4096 tokens of each kind).

**Known false positives.** A server that keeps old tokens valid refuses them only for another reason
(the rule then names a plausible but wrong cause); the server's own error, when it gives one, is shown.`,
	Fix:        "After a refresh, replace the stored token everywhere it is read (the HTTP client's default headers, interceptors, other tabs or workers via a shared store), and build each request's Authorization header from the current token at send time — including retries.",
	Severity:   High,
	Confidence: HighConfidence,
	Explains:   true,
	ClientSide: true,
	Examples: []Example{
		{Name: "old token sent after a refresh", Fires: true, HTTP: `POST https://auth.example.com/oauth/token
Content-Type: application/x-www-form-urlencoded
--
grant_type=authorization_code&code=ac_0123456789&client_id=web

200
Content-Type: application/json
--
{"access_token":"at_old_7f3a9c0e5b1d4f2a8c6e","refresh_token":"rt_one_5b1d4f2a8c6e7f3a9c0e","token_type":"Bearer"}
===
POST https://auth.example.com/oauth/token
Content-Type: application/x-www-form-urlencoded
--
grant_type=refresh_token&refresh_token=rt_one_5b1d4f2a8c6e7f3a9c0e&client_id=web

200
Content-Type: application/json
--
{"access_token":"at_new_0e5b1d4f2a8c6e7f3a9c","refresh_token":"rt_two_8c6e7f3a9c0e5b1d4f2a","token_type":"Bearer"}
===
GET https://api.example.com/v1/orders
Authorization: Bearer at_old_7f3a9c0e5b1d4f2a8c6e

401
WWW-Authenticate: Bearer error="invalid_token"
`},
		{Name: "the new token is used", HTTP: `POST https://auth.example.com/oauth/token
Content-Type: application/x-www-form-urlencoded
--
grant_type=authorization_code&code=ac_0123456789&client_id=web

200
Content-Type: application/json
--
{"access_token":"at_old_7f3a9c0e5b1d4f2a8c6e","refresh_token":"rt_one_5b1d4f2a8c6e7f3a9c0e","token_type":"Bearer"}
===
POST https://auth.example.com/oauth/token
Content-Type: application/x-www-form-urlencoded
--
grant_type=refresh_token&refresh_token=rt_one_5b1d4f2a8c6e7f3a9c0e&client_id=web

200
Content-Type: application/json
--
{"access_token":"at_new_0e5b1d4f2a8c6e7f3a9c","token_type":"Bearer"}
===
GET https://api.example.com/v1/orders
Authorization: Bearer at_new_0e5b1d4f2a8c6e7f3a9c

401
`},
		{Name: "old token still accepted", HTTP: `POST https://auth.example.com/oauth/token
Content-Type: application/x-www-form-urlencoded
--
grant_type=client_credentials&client_id=worker&client_secret=cs_5b1d4f2a8c6e7f3a9c0e

200
Content-Type: application/json
--
{"access_token":"at_old_7f3a9c0e5b1d4f2a8c6e","token_type":"Bearer"}
===
POST https://auth.example.com/oauth/token
Content-Type: application/x-www-form-urlencoded
--
grant_type=client_credentials&client_id=worker&client_secret=cs_5b1d4f2a8c6e7f3a9c0e

200
Content-Type: application/json
--
{"access_token":"at_new_0e5b1d4f2a8c6e7f3a9c","token_type":"Bearer"}
===
GET https://api.example.com/v1/orders
Authorization: Bearer at_old_7f3a9c0e5b1d4f2a8c6e

200
`},
	},
}

func (r *staleToken) Meta() *Meta { return staleTokenMeta }

func (r *staleToken) Check(c *Context, rec *parsers.Record) {
	ex := rec.Exchange
	if ex == nil {
		return
	}
	f := c.Facts()
	if issuesTokens(f, ex) {
		if st := ex.Status(); st >= 200 && st < 300 {
			r.issued(c, rec, ex)
		}
		return
	}
	st := ex.Status()
	if st == 401 && r.superseded.Len() > 0 {
		for _, cr := range f.Credentials() {
			if cr.Place == "body" || !cr.Comparable() {
				continue
			}
			if s, ok := r.superseded.Get(cr.Token.Fingerprint()); ok {
				r.report(c, ex, cr, s)
				return
			}
		}
	}
	if st >= 200 && st < 300 {
		if cr, ok := f.Authorization(); ok && cr.JWT != nil && !cr.JWT.Encrypted && cr.Present() {
			r.lastUsed = usedToken{fp: cr.Token.Fingerprint(), iss: cr.JWT.Issuer(), sub: cr.JWT.Subject()}
		}
	}
}

// issued handles a successful token response: the new access token
// replaces the ones this exchange shows to be older.
func (r *staleToken) issued(c *Context, rec *parsers.Record, ex *parsers.Exchange) {
	at, ok := bodySecret(ex.Response.Body, "access_token")
	if !ok {
		return
	}
	newFP := at.Fingerprint()
	grant := grantType(ex)
	var prev []issuedToken
	if rt, ok := bodySecret(ex.Request.Body, "refresh_token"); ok && (grant == "" || strings.EqualFold(grant, "refresh_token")) {
		if it, ok := r.byRefresh.Get(rt.Fingerprint()); ok {
			prev = append(prev, it)
		}
	}
	session := sessionKey(ex)
	if it, ok := r.sessions.Get(session); ok {
		prev = append(prev, it)
	}
	if r.lastUsed.fp != (secrets.Fingerprint{}) {
		if j := c.Facts().decodeJWT(at); j != nil && !j.Encrypted && j.Issuer() != "" && j.Issuer() == r.lastUsed.iss &&
			(j.Subject() == "" || r.lastUsed.sub == "" || j.Subject() == r.lastUsed.sub) {
			prev = append(prev, issuedToken{fp: r.lastUsed.fp})
		}
	}
	for _, p := range prev {
		if p.fp == newFP {
			continue
		}
		if _, have := r.superseded.Get(p.fp); have {
			continue
		}
		r.superseded.Put(p.fp, supersession{refresh: rec.Source, refreshReq: describe(ex), grant: grant, issued: p.src, newDisplay: at.String()})
	}
	// A token issued again is current again.
	r.superseded.Delete(newFP)
	it := issuedToken{fp: newFP, src: rec.Source}
	r.sessions.Put(session, it)
	if rt, ok := bodySecret(ex.Response.Body, "refresh_token"); ok {
		r.byRefresh.Put(rt.Fingerprint(), it)
	}
}

// issuesTokens reports a token endpoint, or any response that hands out an
// access token the OAuth way (access_token with token_type, expires_in or
// refresh_token: an app's own /auth/login or /auth/refresh).
func issuesTokens(f *Facts, ex *parsers.Exchange) bool {
	if f.IsTokenEndpoint() {
		return true
	}
	if ex.Response == nil || ex.Status() < 200 || ex.Status() >= 300 {
		return false
	}
	b := ex.Response.Body
	if _, ok := topField(b, "access_token"); !ok {
		return false
	}
	for _, n := range []string{"token_type", "expires_in", "refresh_token"} {
		if _, ok := topField(b, n); ok {
			return true
		}
	}
	return false
}

// sessionKey identifies a client at a token endpoint: the endpoint URL and
// the client_id (from the body, or the fingerprint of the Basic
// credential that authenticates the client).
func sessionKey(ex *parsers.Exchange) uint64 {
	h := fnv.New64a()
	u := ex.Request.URL
	h.Write([]byte(u.Origin() + u.Path))
	h.Write([]byte{0})
	if p, ok := topField(ex.Request.Body, "client_id"); ok && !p.Sensitive() {
		h.Write([]byte(p.Value))
	} else if a, ok := ex.Request.Headers.Get("Authorization"); ok && a.Sensitive() {
		fp := a.Secret.Fingerprint()
		h.Write(fp[:])
	}
	return h.Sum64()
}

func (r *staleToken) report(c *Context, ex *parsers.Exchange, cr Credential, s supersession) {
	how := "a new access token"
	if s.grant != "" {
		how = "a new access token (grant_type=" + oneLine(s.grant, 40) + ")"
	}
	msg := fmt.Sprintf("%s still sends the access token that the token endpoint replaced at %s, which returned %s: the client kept the old token after refreshing, and the server no longer accepts it.",
		describe(ex), where(s.refresh), how)
	related := []Related{{Location: s.refresh, Note: "the token endpoint returned a new access token"}}
	if s.issued.File != "" {
		related = append(related, Related{Location: s.issued, Note: "where the old access token was issued"})
	}
	ev := []Evidence{
		credEvidence(cr),
		{Field: "replaced by (" + where(s.refresh) + ")", Value: s.newDisplay},
		{Field: "refresh", Value: s.refreshReq},
	}
	if cr.JWT != nil && !cr.JWT.Encrypted {
		ev = append(ev, jwtEvidence(cr))
	}
	ev = append(ev, c.challengeEvidence(ex)...)
	c.Report(Finding{Message: msg, Evidence: ev, Related: related, Credential: cr.Token.Fingerprint()})
}
