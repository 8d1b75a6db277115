package rules

import (
	"fmt"
	"strings"
	"time"

	"github.com/authtriage/authtriage/parsers"
)

// corsPreflight reports refused CORS preflights and looks for the real
// request they were sent for: just before the preflight (DevTools orders
// entries by start time, and the blocked request starts first), or after it.
type corsPreflight struct {
	recent  *boundedMap[corsKey, corsRequest]
	waiting *boundedMap[corsKey, *corsWaiting]
}

// corsKey is a URL and a method: the real request a preflight asks about.
type corsKey struct {
	url    uint64
	method string
}

// corsRequest is what is remembered of a recent non-preflight request.
type corsRequest struct {
	src    parsers.Source
	status int
	at     time.Time
	failed string // HAR _error / _failureText
}

// corsWaiting is a refused preflight whose real request has not been seen.
type corsWaiting struct {
	f      Finding
	method string
	at     time.Time
}

const (
	maxCORSRecent  = 256
	maxCORSWaiting = 256
	// corsWindow is how far apart a preflight and its real request may
	// be.
	corsWindow = 60 * time.Second
)

func newCORSPreflight() Rule {
	return &corsPreflight{recent: newBoundedMap[corsKey, corsRequest](maxCORSRecent), waiting: newBoundedMap[corsKey, *corsWaiting](maxCORSWaiting)}
}

var corsPreflightMeta = &Meta{
	ID:    "cors-preflight-rejected",
	Title: "The CORS preflight was refused, so the browser never sent the real request",
	Doc: `A browser that makes a cross-origin request with an Authorization header (or a JSON body, or any
non-safelisted header or method) first sends a *preflight*: an ` + "`OPTIONS`" + ` request with
` + "`Access-Control-Request-Method`" + ` and ` + "`Access-Control-Request-Headers`" + `. Preflights never carry credentials —
the browser asks for permission to send them. A server (or gateway, or auth middleware placed before the
CORS handler) that authenticates every method answers the preflight 401 or 403, and the browser then
blocks the real request: it never reaches the server, and the app sees a network error
(research/domain.md C06, Fetch standard).

**How it is detected.** An ` + "`OPTIONS`" + ` request with ` + "`Access-Control-Request-Method`" + ` answered 401 or 403; in an
access log that does not record request headers, any ` + "`OPTIONS`" + ` answered 401 or 403 (medium confidence). The
finding anchors on the preflight and says what became of the real request: recorded without a response
(Playwright and DevTools list the blocked request with status 0 or -1 and ` + "`net::ERR_FAILED`" + `), absent
(proxies and servers never see it), or present with a response. It silences ` + "`missing-credentials`" + ` there.

**Known false positives.** None known for the preflight itself. A capture recorded by Playwright alone has
no preflight entries at all (it drops them): the blocked request then shows only as a request without a
response, which proves nothing by itself, and this rule stays silent.`,
	Fix:        "Let preflights through before authentication: answer OPTIONS with 204 and Access-Control-Allow-Origin, Access-Control-Allow-Methods and Access-Control-Allow-Headers (listing Authorization) for the app's origin, and authenticate only the real request (move the CORS middleware before the auth middleware, or exempt OPTIONS in the gateway's authorizer).",
	Severity:   High,
	Confidence: HighConfidence,
	Explains:   true,
	Suppresses: []string{"missing-credentials"},
	Examples: []Example{
		{Name: "preflight answered 401", Fires: true, HTTP: `OPTIONS https://api.example.com/v2/exports
Origin: https://app.example.com
Access-Control-Request-Method: GET
Access-Control-Request-Headers: authorization

401
WWW-Authenticate: Bearer realm="api"
`},
		{Name: "the blocked request recorded before its preflight", Fires: true, HTTP: `GET https://api.example.com/v2/exports?format=csv
Authorization: Bearer 9f8e7d6c5b4a39281706f5e4
===
OPTIONS https://api.example.com/v2/exports?format=csv
Origin: https://app.example.com
Access-Control-Request-Method: GET
Access-Control-Request-Headers: authorization

401
`},
		{Name: "preflight allowed", HTTP: `OPTIONS https://api.example.com/v1/me
Origin: https://app.example.com
Access-Control-Request-Method: GET
Access-Control-Request-Headers: authorization

204
Access-Control-Allow-Origin: https://app.example.com
Access-Control-Allow-Headers: Authorization
`},
		{Name: "an OPTIONS that is not a preflight", HTTP: `OPTIONS https://api.example.com/v1/me
Authorization: Bearer 9f8e7d6c5b4a39281706f5e4

401
`},
	},
}

func (r *corsPreflight) Meta() *Meta { return corsPreflightMeta }

func (r *corsPreflight) Check(c *Context, rec *parsers.Record) {
	ex := rec.Exchange
	if ex == nil || ex.Request.URL.Invalid {
		return
	}
	at := ex.Time()
	if r.waiting.Len() > 0 && !at.IsZero() {
		r.expire(c, at)
	}
	f := c.Facts()
	headerless := ex.Request.Method == "OPTIONS" && ex.Partial.Has(parsers.NoRequestHeaders)
	if !f.IsPreflight() && !headerless {
		// Only requests that need a preflight are remembered: methods
		// other than GET, HEAD and POST, or any request with a
		// credential header (Authorization is never CORS-safelisted).
		needs := needsPreflight(ex, f)
		if r.waiting.Len() == 0 && !needs {
			return
		}
		k := corsKey{url: urlKey(ex.Request.URL, f.Endpoint().Origin), method: ex.Request.Method}
		if w, ok := r.waiting.Get(k); ok {
			r.waiting.Delete(k)
			if w.at.IsZero() || at.IsZero() || at.Sub(w.at) <= corsWindow {
				c.Report(withRealRequest(w.f, w.method, &corsRequest{src: rec.Source, status: ex.Status(), at: at, failed: ex.Extra("_error")}))
				return
			}
			c.Report(withRealRequest(w.f, w.method, nil))
		}
		if needs {
			r.recent.Put(k, corsRequest{src: rec.Source, status: ex.Status(), at: at, failed: ex.Extra("_error")})
		}
		return
	}
	st := ex.Status()
	if st != 401 && st != 403 {
		return
	}
	method := strings.ToUpper(strings.TrimSpace(ex.Request.Headers.Value("Access-Control-Request-Method")))
	reqHeaders := strings.ToLower(strings.TrimSpace(ex.Request.Headers.Value("Access-Control-Request-Headers")))
	forWhat := "a cross-origin request"
	if method != "" {
		forWhat = "a cross-origin " + method
		if reqHeaders != "" {
			forWhat += " with " + oneLine(reqHeaders, 100)
		}
	}
	fd := Finding{
		Message: fmt.Sprintf("The CORS preflight %s for %s was refused. Browsers send preflights without credentials, so a server that demands authentication on OPTIONS refuses every one, and the browser then blocks the real request.",
			describe(ex), forWhat),
		Evidence: corsEvidence(c, ex),
	}
	if headerless {
		fd.Message = fmt.Sprintf("%s was refused. This log does not record request headers, but browsers send OPTIONS almost only as CORS preflights, and preflights carry no credentials: a server that demands authentication on OPTIONS blocks every cross-origin call that needs one.", describe(ex))
		fd.Confidence = MediumConfidence
		c.Report(fd)
		return
	}
	k := corsKey{url: urlKey(ex.Request.URL, f.Endpoint().Origin), method: method}
	if real, ok := r.recent.Get(k); ok && (real.at.IsZero() || at.IsZero() || at.Sub(real.at) <= corsWindow) {
		r.recent.Delete(k)
		c.Report(withRealRequest(fd, method, &real))
		return
	}
	// The real request may follow (a proxy or DevTools ordering): wait for
	// it, within the window, and report on the preflight either way.
	fd.Location = rec.Source
	fd.Endpoint = f.Endpoint()
	fd.Status = st
	r.waiting.Put(k, &corsWaiting{f: fd, method: method, at: at})
}

// expire reports preflights whose window has passed without their request.
func (r *corsPreflight) expire(c *Context, now time.Time) {
	var done []corsKey
	r.waiting.Each(func(k corsKey, w *corsWaiting) {
		if !w.at.IsZero() && now.Sub(w.at) > corsWindow {
			done = append(done, k)
		}
	})
	for _, k := range done {
		w, _ := r.waiting.Get(k)
		r.waiting.Delete(k)
		c.Report(withRealRequest(w.f, w.method, nil))
	}
}

// FinishFile reports the refused preflights whose request never showed up.
func (r *corsPreflight) FinishFile(c *Context, _ Input) {
	r.waiting.Each(func(_ corsKey, w *corsWaiting) {
		c.Report(withRealRequest(w.f, w.method, nil))
	})
	r.waiting = newBoundedMap[corsKey, *corsWaiting](maxCORSWaiting)
}

// withRealRequest completes a preflight finding with what became of the
// real request.
func withRealRequest(fd Finding, method string, real *corsRequest) Finding {
	if method == "" {
		method = "request"
	}
	switch {
	case real == nil:
		fd.Message += " The real " + method + " does not appear in the capture: the browser never sent it."
	case real.status == 0:
		fd.Message += " The real " + method + " is recorded at " + where(real.src) + " without a response"
		if real.failed != "" {
			fd.Message += " (" + oneLine(real.failed, 60) + ")"
		}
		fd.Message += ": the browser blocked it and never sent it."
		fd.Related = append(fd.Related, Related{Location: real.src, Note: "the real request, blocked by the browser (no response)"})
	default:
		fd.Message += fmt.Sprintf(" A %s to the same URL is recorded at %s with status %d: if it came from the same page, an earlier, cached preflight let it through.", method, where(real.src), real.status)
		fd.Related = append(fd.Related, Related{Location: real.src, Note: fmt.Sprintf("a request to the same URL (%d)", real.status)})
		fd.Confidence = MediumConfidence
	}
	return fd
}

// needsPreflight reports a request a browser would preflight if it were
// cross-origin: a method other than GET, HEAD and POST, a credential header,
// or a JSON body. Others are not remembered.
func needsPreflight(ex *parsers.Exchange, f *Facts) bool {
	switch ex.Request.Method {
	case "GET", "HEAD", "POST":
	default:
		return true
	}
	for _, cr := range f.Credentials() {
		if cr.Place == "header" {
			return true
		}
	}
	return strings.Contains(strings.ToLower(ex.Request.Headers.Value("Content-Type")), "json")
}

// corsEvidence shows the preflight's CORS request headers and what the
// response said (or did not say) about CORS.
func corsEvidence(c *Context, ex *parsers.Exchange) []Evidence {
	var ev []Evidence
	for _, n := range []string{"Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers"} {
		if v := ex.Request.Headers.Value(n); v != "" {
			ev = append(ev, Evidence{Field: "request.headers." + n, Value: oneLine(v, 200)})
		}
	}
	if ex.Response != nil {
		if v := ex.Response.Headers.Value("Access-Control-Allow-Origin"); v != "" {
			ev = append(ev, Evidence{Field: "response.headers.Access-Control-Allow-Origin", Value: oneLine(v, 200)})
		} else {
			ev = append(ev, Evidence{Field: "response.headers.Access-Control-Allow-Origin", Value: "(absent)"})
		}
	}
	return append(ev, c.challengeEvidence(ex)...)
}
