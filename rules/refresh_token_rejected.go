package rules

import (
	"fmt"
	"strings"
	"time"

	"github.com/authtriage/authtriage/parsers"
	"github.com/authtriage/authtriage/secrets"
)

// refreshRejected reports refused refreshes, and remembers (by fingerprint)
// which refresh tokens the capture issued and used, to say why.
type refreshRejected struct {
	used   *boundedMap[secrets.Fingerprint, refreshUse]
	issued *boundedMap[secrets.Fingerprint, parsers.Source]
}

// refreshUse is an earlier refresh that presented a refresh token.
type refreshUse struct {
	src     parsers.Source
	status  int
	at      time.Time
	rotated bool // the response carried a different refresh token
}

// concurrentRefresh is how close two refreshes with one token must be to be
// called a race.
const concurrentRefresh = 2 * time.Second

func newRefreshRejected() Rule {
	return &refreshRejected{
		used:   newBoundedMap[secrets.Fingerprint, refreshUse](maxTokens),
		issued: newBoundedMap[secrets.Fingerprint, parsers.Source](maxTokens),
	}
}

var refreshRejectedMeta = &Meta{
	ID:    "refresh-token-rejected",
	Title: "The token endpoint refused the refresh token (invalid_grant)",
	Doc: `A ` + "`grant_type=refresh_token`" + ` request was answered with ` + "`invalid_grant`" + ` (RFC 6749 §5.2, usually 400): the
refresh token is expired, revoked, already used, or was issued to another client. Every later call fails
too until the user signs in again.

Common causes (research/domain.md C17): **rotation with reuse detection** — the server returns a new
refresh token with every refresh and refuses the old one, and a replayed one may revoke the whole family
(RFC 9700 §4.14.2); two tabs, threads or retries refreshing with the same token at once (the first wins,
the second gets invalid_grant); a refresh token stored from an old session; inactivity or absolute
lifetime limits (Google issues 7-day refresh tokens to apps in "Testing", Entra AADSTS700082); a user who
changed their password or revoked the app.

**How it is detected.** A token-endpoint request with ` + "`grant_type=refresh_token`" + ` answered with
` + "`error: invalid_grant`" + `. Refresh tokens are followed by fingerprint through the capture, so the finding says
whether this one was already used (and when, and whether that was a race), was rotated away by an earlier
refresh, was issued in this capture, or comes from before it. The earlier use is cited as related.

**Known false positives.** None known.`,
	Fix:        "Refresh once and share the result: serialize refreshes (a single in-flight refresh per session, across tabs via a lock or BroadcastChannel), always store the refresh token returned by the last refresh, and when a refresh is refused send the user through sign-in again instead of retrying.",
	Severity:   High,
	Confidence: HighConfidence,
	Explains:   true,
	ClientSide: true,
	Examples: []Example{
		{Name: "invalid_grant on a refresh", Fires: true, HTTP: `POST https://auth.example.com/oauth/token
Content-Type: application/x-www-form-urlencoded
--
grant_type=refresh_token&refresh_token=rt_EXAMPLE0123456789abcdef&client_id=web

400
Content-Type: application/json
--
{"error":"invalid_grant","error_description":"The refresh token is invalid or expired"}
`},
		{Name: "a rotated refresh token used twice", Fires: true, HTTP: `POST https://auth.example.com/oauth/token
Content-Type: application/x-www-form-urlencoded
--
grant_type=refresh_token&refresh_token=rt_one_5b1d4f2a8c6e7f3a9c0e&client_id=web

200
Content-Type: application/json
--
{"access_token":"at_new_0e5b1d4f2a8c6e7f3a9c","refresh_token":"rt_two_8c6e7f3a9c0e5b1d4f2a"}
===
POST https://auth.example.com/oauth/token
Content-Type: application/x-www-form-urlencoded
--
grant_type=refresh_token&refresh_token=rt_one_5b1d4f2a8c6e7f3a9c0e&client_id=web

400
Content-Type: application/json
--
{"error":"invalid_grant"}
`},
		{Name: "refresh succeeded", HTTP: `POST https://auth.example.com/oauth/token
Content-Type: application/x-www-form-urlencoded
--
grant_type=refresh_token&refresh_token=rt_EXAMPLE0123456789abcdef&client_id=web

200
Content-Type: application/json
--
{"access_token":"at_new_0e5b1d4f2a8c6e7f3a9c"}
`},
		{Name: "invalid_grant on an authorization code", HTTP: `POST https://auth.example.com/oauth/token
Content-Type: application/x-www-form-urlencoded
--
grant_type=authorization_code&code=ac_0123456789&client_id=web

400
Content-Type: application/json
--
{"error":"invalid_grant"}
`},
	},
}

func (r *refreshRejected) Meta() *Meta { return refreshRejectedMeta }

func (r *refreshRejected) Check(c *Context, rec *parsers.Record) {
	ex := rec.Exchange
	f := c.Facts()
	if ex == nil || ex.Response == nil || !f.IsTokenEndpoint() {
		return
	}
	if st := ex.Status(); st >= 200 && st < 300 {
		if rt, ok := bodySecret(ex.Response.Body, "refresh_token"); ok {
			r.issued.Put(rt.Fingerprint(), rec.Source)
		}
	}
	if !strings.EqualFold(grantType(ex), "refresh_token") {
		return
	}
	rt, haveRT := bodySecret(ex.Request.Body, "refresh_token")
	at := ex.Time()
	var fp secrets.Fingerprint
	var prev refreshUse
	var seen bool
	if haveRT {
		fp = rt.Fingerprint()
		prev, seen = r.used.Get(fp)
		use := refreshUse{src: rec.Source, status: ex.Status(), at: at}
		if newRT, ok := bodySecret(ex.Response.Body, "refresh_token"); ok && newRT.Fingerprint() != fp {
			use.rotated = true
		}
		if !seen || prev.status < 200 || prev.status >= 300 {
			r.used.Put(fp, use)
		}
	}
	code, desc := oauthError(f)
	if code != "invalid_grant" || !failedStatus(ex) {
		return
	}
	msg := describe(ex) + ": the token endpoint refused the refresh token (invalid_grant)"
	var related []Related
	switch {
	case !haveRT:
		msg += "; the request carries no refresh_token value."
	case seen && prev.status >= 200 && prev.status < 300 && !prev.at.IsZero() && !at.IsZero() && at.Sub(prev.at) <= concurrentRefresh:
		msg += fmt.Sprintf(": the same refresh token was used %s earlier at %s and succeeded. Two refreshes raced (tabs, threads or a retry), and the server, which allows each refresh token once, refused the second.", HumanDuration(at.Sub(prev.at)), where(prev.src))
		related = append(related, Related{Location: prev.src, Note: "the same refresh token, used first"})
	case seen && prev.status >= 200 && prev.status < 300:
		msg += fmt.Sprintf(": this refresh token was already used at %s", where(prev.src))
		if prev.rotated {
			msg += ", which returned a new one (rotation): the client kept the old refresh token instead of storing the new one, and a reused refresh token is refused (and may revoke the whole token family)."
		} else {
			msg += ", and the server allows each refresh token once."
		}
		related = append(related, Related{Location: prev.src, Note: "the same refresh token, already used"})
	case seen:
		msg += fmt.Sprintf(": it was already refused at %s and the client tried again.", where(prev.src))
		related = append(related, Related{Location: prev.src, Note: "the same refresh token, refused before"})
	default:
		if src, ok := r.issued.Get(fp); ok {
			msg += fmt.Sprintf(": it was issued at %s and not used since, so the server revoked it or it expired (an inactivity or lifetime limit).", where(src))
			related = append(related, Related{Location: src, Note: "where this refresh token was issued"})
		} else {
			msg += ": it comes from before this capture (a stored session) and the server no longer accepts it: expired, revoked (sign-out, password change, rotation elsewhere), or issued to another client."
		}
	}
	ev := []Evidence{}
	if haveRT {
		ev = append(ev, Evidence{Field: "request.body.refresh_token", Value: rt.String()})
	}
	if e, ok := clientIDEvidence(ex); ok {
		ev = append(ev, e)
	}
	if desc != "" {
		ev = append(ev, descEvidence(desc))
	}
	c.Report(Finding{Message: msg, Evidence: ev, Related: related, Credential: fp})
}
