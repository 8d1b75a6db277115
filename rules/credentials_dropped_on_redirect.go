package rules

import (
	"fmt"
	"net/textproto"
	"strings"
	"time"

	"github.com/authtriage/authtriage/parsers"
	"github.com/authtriage/authtriage/secrets"
)

// credentialsDropped follows redirect chains: a hop that carried credentials
// and was redirected leaves a pending entry keyed by the target URL; the next
// request to that URL is the next hop.
type credentialsDropped struct {
	pending *boundedMap[uint64, *redirectChain]
}

// redirectChain is what is remembered of a redirect chain while its next hop
// is awaited. It holds display strings and fingerprints, never a credential.
type redirectChain struct {
	first      parsers.Source // the hop that carried the credentials
	firstDesc  string         // "GET https://api.example.com/v1/files/x (307)"
	origin     string         // origin of that hop
	lastOrigin string         // origin of the latest hop
	crossed    bool           // some hop left the origin
	carried    []Evidence     // the credentials it carried, in display form
	names      string         // "Authorization" or "Authorization and Cookie"
	cred       secrets.Fingerprint
	target     string // display form of the latest Location
	at         time.Time
	related    []Related
}

// maxRedirects bounds the redirects awaiting their next hop.
const maxRedirects = 1024

// redirectHopWindow is how long after a redirect its next hop may start.
const redirectHopWindow = 60 * time.Second

func newCredentialsDropped() Rule {
	return &credentialsDropped{pending: newBoundedMap[uint64, *redirectChain](maxRedirects)}
}

var credentialsDroppedMeta = &Meta{
	ID:    "credentials-dropped-on-redirect",
	Title: "The credential was dropped when a redirect left the origin",
	Doc: `A request carried a credential (Authorization, an API-key header, a cookie or a URL password)
and was answered with a redirect (301, 302, 303, 307, 308) to another origin — another host, scheme or
port. The client followed it without the credential, and the new origin refused the request.

**Why it fails.** Clients remove credentials when a redirect leaves the origin, so that a token is not
handed to whoever the server points at: the Fetch standard (browsers, since 2022) strips Authorization on
cross-origin redirects, curl ` + "`-L`" + ` drops ` + "`-H Authorization`" + ` and ` + "`-u`" + ` when the host changes, Go's net/http
keeps them only for the same domain or a subdomain, python-requests strips Authorization when the host
changes. The target then sees an anonymous request (research/domain.md C01, C02).

**How it is detected.** Redirect chains are followed through the capture: a 3xx response's
` + "`redirectURL`" + ` or ` + "`Location`" + ` (resolved against the request URL) is matched with the next request to that URL
within a minute (in a curl ` + "`-L`" + ` transcript, the next exchange). Origins are compared hop by hop. The rule
fires on the hop that failed (401 or 403) without any credential when an earlier hop of its chain carried
one and the chain crossed an origin; the redirecting request is cited as related. It silences
` + "`missing-credentials`" + ` on that hop.

**Known false positives.** A target that is meant to be called anonymously and refuses for another
reason. Pre-signed URLs (S3, Azure Blob) want no Authorization at all and answer 400/403 when one is
sent: there, dropping it is right, and the 403 has another cause.`,
	Fix:        "Call the final URL directly with the credential, or make the server redirect within the same origin. If you trust the target, re-send the credential after the redirect on purpose: curl --location-trusted, a CheckRedirect in Go that copies the header, a session hook in requests, or a second fetch() to the new URL.",
	Severity:   High,
	Confidence: HighConfidence,
	Explains:   true,
	ClientSide: true,
	Suppresses: []string{"missing-credentials"},
	Examples: []Example{
		{Name: "cross-origin redirect drops Authorization", Fires: true, HTTP: `GET https://api.example.com/v1/files/f_2024
Authorization: Bearer 9f8e7d6c5b4a39281706f5e4

307
Location: https://files.example.net/v1/files/f_2024
===
GET https://files.example.net/v1/files/f_2024

401
WWW-Authenticate: Bearer realm="files"
`},
		{Name: "http to https on the same host is another origin", Fires: true, HTTP: `GET http://api.example.com/v1/me
Authorization: Basic YWxpY2U6czNjcjN0LXBhc3M=

301
Location: https://api.example.com/v1/me
===
GET https://api.example.com/v1/me

401
`},
		{Name: "same-origin redirect", HTTP: `GET https://api.example.com/v1/me
Authorization: Bearer 9f8e7d6c5b4a39281706f5e4

308
Location: /v1/me/
===
GET https://api.example.com/v1/me/

401
`},
		{Name: "credential re-sent after the redirect (curl --location-trusted)", HTTP: `GET https://api.example.com/v1/files/f_2024
Authorization: Bearer 9f8e7d6c5b4a39281706f5e4

307
Location: https://files.example.net/v1/files/f_2024
===
GET https://files.example.net/v1/files/f_2024
Authorization: Bearer 9f8e7d6c5b4a39281706f5e4

401
`},
		{Name: "the target accepts the anonymous request", HTTP: `GET https://api.example.com/v1/files/f_2024
Authorization: Bearer 9f8e7d6c5b4a39281706f5e4

302
Location: https://bucket.s3.amazonaws.com/f_2024?X-Amz-Signature=abc
===
GET https://bucket.s3.amazonaws.com/f_2024?X-Amz-Signature=abc

200
`},
	},
}

func (r *credentialsDropped) Meta() *Meta { return credentialsDroppedMeta }

func (r *credentialsDropped) Check(c *Context, rec *parsers.Record) {
	ex := rec.Exchange
	if ex == nil || ex.Request.URL.Invalid {
		return
	}
	redirect := isRedirect(ex)
	if !redirect && r.pending.Len() == 0 {
		return
	}
	f := c.Facts()
	origin := f.Endpoint().Origin
	at := ex.Time()
	key := urlKey(ex.Request.URL, origin)
	chain, ok := r.pending.Get(key)
	if ok {
		r.pending.Delete(key)
		if !chain.at.IsZero() && !at.IsZero() && (at.Sub(chain.at) > redirectHopWindow || at.Before(chain.at.Add(-time.Second))) {
			chain, ok = nil, false // the same URL, requested on its own later
		}
	}
	if !ok && !redirect {
		return
	}
	carried, names, fp := carriedCredentials(f)
	if ok {
		hop := *chain
		hop.crossed = chain.crossed || chain.lastOrigin != origin
		hop.lastOrigin = origin
		if len(carried) == 0 {
			switch st := ex.Status(); {
			case (st == 401 || st == 403) && hop.crossed && !f.HasCredential():
				r.report(c, ex, &hop)
				return
			case isRedirect(ex):
				// A hop without credentials that redirects again:
				// the chain goes on with what the first hop carried.
				if len(hop.related) < 5 {
					hop.related = append(hop.related, Related{Location: rec.Source, Note: fmt.Sprintf("redirect hop without credentials (%d)", st)})
				}
				r.await(ex, &hop, at)
				return
			}
			return
		}
	}
	if len(carried) > 0 && isRedirect(ex) {
		r.await(ex, &redirectChain{
			first: rec.Source, firstDesc: describe(ex), origin: origin, lastOrigin: origin,
			carried: carried, names: names, cred: fp,
		}, at)
	}
}

// await files a chain under the URL its latest hop redirects to.
func (r *credentialsDropped) await(ex *parsers.Exchange, chain *redirectChain, at time.Time) {
	target, ok := resolveRedirect(ex.Request.URL, ex.Response.RedirectURL)
	if !ok {
		return
	}
	chain.target = target.String()
	chain.at = at
	r.pending.Put(urlKey(target, target.Origin()), chain)
}

func (r *credentialsDropped) report(c *Context, ex *parsers.Exchange, chain *redirectChain) {
	related := append([]Related{{Location: chain.first, Note: "carried " + chain.names + "; redirected to " + chain.target}}, chain.related...)
	msg := fmt.Sprintf("%s carried no credential: it is a redirect hop of %s at %s, which carried %s and was redirected from %s to another origin, %s. Clients drop credentials when a redirect leaves the origin, so this hop reached the server without them.",
		describe(ex), chain.firstDesc, where(chain.first), chain.names, chain.origin, ex.Request.URL.Origin())
	ev := append([]Evidence{}, chain.carried...)
	ev = append(ev,
		Evidence{Field: "redirect", Value: chain.target},
		Evidence{Field: "origins", Value: chain.origin + " → " + ex.Request.URL.Origin()},
		Evidence{Field: "request.headers (names)", Value: headerNames(ex)},
	)
	ev = append(ev, c.challengeEvidence(ex)...)
	c.Report(Finding{Message: msg, Evidence: ev, Related: related, Credential: chain.cred})
}

// carriedCredentials lists the credentials a client strips on a
// cross-origin redirect: Authorization-style and API-key headers, cookies,
// a URL password. Query and body credentials travel with the URL or are
// re-posted, so they are not counted.
func carriedCredentials(f *Facts) ([]Evidence, string, secrets.Fingerprint) {
	var ev []Evidence
	var names []string
	var fp secrets.Fingerprint
	seen := map[string]bool{}
	for _, cr := range f.Credentials() {
		if cr.Place == "query" || cr.Place == "body" || !cr.Present() {
			continue
		}
		name := textproto.CanonicalMIMEHeaderKey(cr.Name)
		switch cr.Place {
		case "cookie":
			name = "Cookie"
		case "userinfo":
			name = "the URL password"
		}
		if !seen[strings.ToLower(name)] {
			seen[strings.ToLower(name)] = true
			names = append(names, name)
		}
		if fp.IsZero() {
			fp = cr.Token.Fingerprint()
		}
		if len(ev) < 4 {
			ev = append(ev, Evidence{Field: "redirecting " + cr.Field, Value: cr.Value.String()})
		}
	}
	return ev, strings.Join(names, " and "), fp
}
