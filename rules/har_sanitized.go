package rules

import (
	"fmt"
	"strings"

	"github.com/authtriage/authtriage/parsers"
	"github.com/authtriage/authtriage/secrets"
)

// harSanitized notices a HAR whose entries carry no Authorization and no
// Cookie at all while some requests were refused. Chrome 130+ (and Edge)
// export such HARs by default: the headers were removed by the export, so
// whether the client sent a credential cannot be judged.
type harSanitized struct {
	failed     int
	first      parsers.Source
	sawAuth    bool // an Authorization or Cookie header, or cookies[], anywhere
	origins    map[string]*originAuth
	originList []string
}

// originAuth is what one origin's entries showed.
type originAuth struct {
	failed     int
	first      parsers.Source
	endpoint   Endpoint
	authHeader bool // Authorization with a value
	cookie     bool // Cookie header or request cookies[]
	setCookie  bool // a response set a cookie
}

func newHARSanitized() Rule { return &harSanitized{origins: map[string]*originAuth{}} }

var harSanitizedMeta = &Meta{
	ID:    "har-sanitized",
	Title: "The HAR was exported without credentials, so their presence cannot be judged",
	Doc: `Since Chrome 130 (and in Edge), DevTools' "Export HAR" writes a *sanitized* file by default: it
removes the Authorization, Cookie and Set-Cookie headers and empties the cookie lists. A 401 in such a file
looks exactly like a request sent without a credential, but the credential may well have been sent.

**How it is detected.** A HAR with at least one 401 or 403 in which no entry carries an Authorization or
Cookie header, no request has cookies and no response sets one. It is reported once per file (not on every
entry) and it silences ` + "`missing-credentials`" + ` there. When only some origins of a capture lost their
credentials while others kept them (an export or proxy that strips one site's headers, or only cookies),
the finding names that origin.

**Known false positives.** A client that really never authenticates anywhere in the capture produces the
same picture; the fix below tells them apart.`,
	Fix:        `Re-export with credentials: in DevTools open Settings > Preferences > Network, enable "Allow to generate HAR with sensitive data", then use "Export HAR (with sensitive data)"; or send a curl -v transcript or the server's access log for the same request. Then run authtriage sanitize on it before sharing.`,
	Severity:   Info,
	Confidence: MediumConfidence,
	Suppresses: []string{"missing-credentials"},
}

func (r *harSanitized) Meta() *Meta { return harSanitizedMeta }

func (r *harSanitized) Check(c *Context, rec *parsers.Record) {
	ex := rec.Exchange
	if ex == nil || rec.Source.Format != parsers.FormatHAR {
		return
	}
	origin := ex.Request.URL.Origin()
	o := r.origins[origin]
	if o == nil {
		if len(r.origins) >= maxOrigins {
			o = &originAuth{} // counted in the file totals only
		} else {
			o = &originAuth{endpoint: Endpoint{Host: c.Facts().Endpoint().Host, Environment: c.Facts().Endpoint().Environment, Origin: origin}}
			r.origins[origin] = o
			r.originList = append(r.originList, origin)
		}
	}
	for _, h := range ex.Request.Headers {
		switch {
		case secrets.IsAuthorizationHeader(h.Name) && !h.Secret.Empty():
			o.authHeader, r.sawAuth = true, true
		case strings.EqualFold(h.Name, "cookie") && !h.Secret.Empty():
			o.cookie, r.sawAuth = true, true
		}
	}
	if ex.Extra("request_cookies") != "" {
		o.cookie, r.sawAuth = true, true
	}
	if ex.Response != nil {
		if ex.Response.Headers.Has("Set-Cookie") {
			o.setCookie, r.sawAuth = true, true
		}
	}
	if s := ex.Status(); s == 401 || s == 403 {
		if r.failed == 0 {
			r.first = rec.Source
		}
		r.failed++
		if o.failed == 0 {
			o.first = rec.Source
		}
		o.failed++
	}
}

func (r *harSanitized) FinishFile(c *Context, in Input) {
	if in.Format != parsers.FormatHAR || r.failed == 0 {
		return
	}
	if !r.sawAuth {
		msg := fmt.Sprintf("No entry of this HAR carries an Authorization or Cookie header, yet %d request(s) got 401/403", r.failed)
		if isChromium(in.Creator) {
			msg += fmt.Sprintf("; it was exported by %s, which removes them unless \"Allow to generate HAR with sensitive data\" is enabled", in.Creator)
		} else {
			msg += "; the export or a sanitizer probably removed them"
		}
		c.Report(Finding{
			Message:   msg + ". Whether a credential was sent cannot be judged from this file.",
			Location:  parsers.Source{File: in.File, Format: in.Format, Entry: -1, Pointer: "/log"},
			Related:   []Related{{Location: r.first, Note: "first refused request"}},
			Evidence:  []Evidence{{Field: "log.creator", Value: oneLine(in.Creator, 100)}, {Field: "entries with 401/403", Value: fmt.Sprint(r.failed)}},
			FileLevel: true,
			Status:    401,
		})
		return
	}
	// Some origins kept credentials: an origin whose requests failed and
	// whose responses set cookies that its requests never sent back was
	// stripped of cookies by the export or a proxy.
	for _, origin := range r.originList {
		o := r.origins[origin]
		if o.failed == 0 || o.authHeader || o.cookie || !o.setCookie {
			continue
		}
		c.Report(Finding{
			Message: fmt.Sprintf("Responses from %s set cookies but none of its %d refused request(s), nor any other request to it, sends a Cookie header: the export probably stripped this origin's cookies, so whether a session was sent cannot be judged.",
				origin, o.failed),
			Location:   parsers.Source{File: in.File, Format: in.Format, Entry: -1, Pointer: "/log"},
			Related:    []Related{{Location: o.first, Note: "first refused request to this origin"}},
			Endpoint:   o.endpoint,
			Evidence:   []Evidence{{Field: "origin", Value: origin}, {Field: "entries with 401/403", Value: fmt.Sprint(o.failed)}},
			FileLevel:  true,
			Confidence: LowConfidence,
			Status:     401,
		})
	}
}

// isChromium reports a Chromium DevTools creator (WebInspector, Edge).
func isChromium(creator string) bool {
	c := strings.ToLower(creator)
	return strings.Contains(c, "webinspector") || strings.Contains(c, "chrome") || strings.Contains(c, "edge")
}
