package rules

import (
	"fmt"
	"strconv"
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
	gapped     int  // entries whose declared headersSize exceeds their listed headers
	gapBytes   int
	origins    map[string]*originAuth
	originList []string
}

// originAuth is what one origin's entries showed.
type originAuth struct {
	failed       int
	first        parsers.Source
	endpoint     Endpoint
	authHeader   bool // Authorization with a value
	cookieHeader bool // a Cookie header
	// Evidence that headers were removed from this origin's refused
	// requests: parsed cookies listed without a Cookie header, and the
	// bytes by which the declared headersSize exceeds the listed headers.
	listOnly    int
	gapped      int
	maxGap      int
	firstGapped parsers.Source
}

// exactHeaderSizes are the HAR producers (by schema) whose headersSize was
// found to match the listed request line and headers exactly on every
// unsanitized capture of the corpus; others (Fiddler, mitmproxy,
// chrome-har-capturer, Polly) are off by 25 to 90 bytes.
var exactHeaderSizes = map[string]bool{
	"chrome": true, "edge": true, "playwright": true, "firefox": true, "safari": true,
	"charles": true, "ie": true, "firebug": true, "martian": true,
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
entry) and it silences ` + "`missing-credentials`" + ` there. When the exporter records header sizes exactly
(Chromium, Playwright, Firefox, Safari, Charles …), the message adds how many bytes of headers the entries
declare but no longer list.

**Per origin.** Some tools strip only one site's headers, or only cookies, while other origins keep theirs.
An origin is reported on its own only with positive evidence that headers were *removed* from its refused
requests: the entry still lists parsed cookies (` + "`request.cookies`" + `) but has no Cookie header, or its declared
` + "`headersSize`" + ` exceeds the request line and headers it lists by more than 24 bytes (trusted only for the
exporters above, whose sizes were checked against the corpus) — and no request to that origin carries an
Authorization or Cookie header. The finding names the origin and silences ` + "`missing-credentials`" + ` for it only.
An origin whose responses set cookies that its requests never send back is deliberately *not* taken as
sanitized: browsers withhold cookies from cross-site requests (SameSite=Lax/Strict, third-party cookie
blocking, ` + "`fetch`" + ` without ` + "`credentials: 'include'`" + `), a genuine cause of 401 (research/domain.md C22) that
` + "`missing-credentials`" + ` must keep reporting.

**Known false positives.** A client that really never authenticates anywhere in the capture produces the
same picture as a whole-file export without credentials; the fix below tells them apart.`,
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
	// the origin as the engine keys its statistics and file-level
	// suppression (Endpoint)
	ep := c.Facts().Endpoint()
	origin := ep.Origin
	o := r.origins[origin]
	if o == nil {
		if len(r.origins) >= maxOrigins {
			o = &originAuth{} // counted in the file totals only
		} else {
			o = &originAuth{endpoint: Endpoint{Host: ep.Host, Environment: ep.Environment, Origin: origin}}
			r.origins[origin] = o
			r.originList = append(r.originList, origin)
		}
	}
	cookieHeader := false
	for _, h := range ex.Request.Headers {
		switch {
		case secrets.IsAuthorizationHeader(h.Name) && !h.Secret.Empty():
			o.authHeader, r.sawAuth = true, true
		case strings.EqualFold(h.Name, "cookie") && !h.Secret.Empty():
			o.cookieHeader, r.sawAuth, cookieHeader = true, true, true
		}
	}
	listed := ex.Extra("request_cookies") != ""
	if listed {
		r.sawAuth = true
	}
	if ex.Response != nil {
		if ex.Response.Headers.Has("Set-Cookie") {
			r.sawAuth = true
		}
	}
	gap := 0
	if g := ex.Extra("request_headers_missing_bytes"); g != "" {
		gap, _ = strconv.Atoi(g)
	}
	if gap > 0 {
		r.gapped++
		r.gapBytes += gap
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
		if listed && !cookieHeader {
			o.listOnly++
		}
		if gap > 0 {
			if o.gapped == 0 {
				o.firstGapped = rec.Source
			}
			o.gapped++
			o.maxGap = max(o.maxGap, gap)
		}
	}
}

func (r *harSanitized) FinishFile(c *Context, in Input) {
	if in.Format != parsers.FormatHAR || r.failed == 0 {
		return
	}
	exact := exactHeaderSizes[in.Schema]
	if !r.sawAuth {
		msg := fmt.Sprintf("No entry of this HAR carries an Authorization or Cookie header, yet %d request(s) got 401/403", r.failed)
		if isChromium(in.Creator) {
			msg += fmt.Sprintf("; it was exported by %s, which removes them unless \"Allow to generate HAR with sensitive data\" is enabled", in.Creator)
		} else {
			msg += "; the export or a sanitizer probably removed them"
		}
		ev := []Evidence{{Field: "log.creator", Value: oneLine(in.Creator, 100)}, {Field: "entries with 401/403", Value: fmt.Sprint(r.failed)}}
		conf := ConfidenceUnset
		if exact && r.gapped > 0 {
			msg += fmt.Sprintf(" (%d entries declare %d bytes of request headers that they no longer list)", r.gapped, r.gapBytes)
			ev = append(ev, Evidence{Field: "request headers removed", Value: fmt.Sprintf("%d entries, %d bytes", r.gapped, r.gapBytes)})
			conf = HighConfidence
		}
		c.Report(Finding{
			Message:    msg + ". Whether a credential was sent cannot be judged from this file.",
			Location:   parsers.Source{File: in.File, Format: in.Format, Entry: -1, Pointer: "/log"},
			Related:    []Related{{Location: r.first, Note: "first refused request"}},
			Evidence:   ev,
			FileLevel:  true,
			Confidence: conf,
			Status:     401,
		})
		return
	}
	// Other origins kept their credentials: an origin is reported only
	// with positive evidence that headers were removed from its refused
	// requests (see the Doc: a cookie set and never sent back is a
	// SameSite problem, not sanitizing).
	for _, origin := range r.originList {
		o := r.origins[origin]
		if o.failed == 0 || o.authHeader || o.cookieHeader {
			continue
		}
		var why []string
		ev := []Evidence{{Field: "origin", Value: origin}, {Field: "entries with 401/403", Value: fmt.Sprint(o.failed)}}
		related := []Related{{Location: o.first, Note: "first refused request to this origin"}}
		if o.listOnly > 0 {
			why = append(why, fmt.Sprintf("%d of them list parsed cookies (request.cookies) but have no Cookie header", o.listOnly))
			ev = append(ev, Evidence{Field: "entries with cookies but no Cookie header", Value: fmt.Sprint(o.listOnly)})
		}
		if exact && o.gapped > 0 {
			why = append(why, fmt.Sprintf("%d of them declare up to %d bytes more request headers (headersSize) than they list", o.gapped, o.maxGap))
			ev = append(ev, Evidence{Field: "entries with removed request headers", Value: fmt.Sprintf("%d (up to %d bytes)", o.gapped, o.maxGap)})
			if o.firstGapped != o.first {
				related = append(related, Related{Location: o.firstGapped, Note: "a refused request whose headers were removed"})
			}
		}
		if len(why) == 0 {
			continue
		}
		c.Report(Finding{
			Message: fmt.Sprintf("No request to %s carries an Authorization or Cookie header, and its %d refused request(s) show that headers were removed from the capture: %s. Other origins in this HAR kept theirs, so the export or a proxy stripped this origin's credentials, and whether they were sent cannot be judged.",
				origin, o.failed, strings.Join(why, "; ")),
			Location:   parsers.Source{File: in.File, Format: in.Format, Entry: -1, Pointer: "/log"},
			Related:    related,
			Endpoint:   o.endpoint,
			Evidence:   ev,
			FileLevel:  true,
			Confidence: MediumConfidence,
			Status:     401,
		})
	}
}

// isChromium reports a Chromium DevTools creator (WebInspector, Edge).
func isChromium(creator string) bool {
	c := strings.ToLower(creator)
	return strings.Contains(c, "webinspector") || strings.Contains(c, "chrome") || strings.Contains(c, "edge")
}
