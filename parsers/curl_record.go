package parsers

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"
)

// Building the model from what a transcript showed: the URL from the command
// line or the request line, the headers that were sent (or that curl would
// have sent), the bodies, and the extras that say how much was seen.

// newReconstructed opens an exchange whose request only the command line
// shows: the next hop of a redirect it followed, or its next transfer. It
// returns nil when the command names no further request.
func (r *curlReader) newReconstructed() *curlExchange {
	if r.cmd == nil {
		return nil
	}
	c := &curlExchange{line: r.line, off: r.off, reconstructed: true, tunnel: r.tunnel}
	last := r.last
	switch {
	case r.nextURL != "" && last != nil:
		c.transfer, c.hop, c.base = last.transfer, last.hop+1, r.nextURL
		r.nextURL = ""
	case last != nil && last.reconstructed && r.cmd.Location && last.final && last.resp != nil &&
		curlIsRedirect(last.resp.status) && curlHeaderValue(last.resp.headers, "Location") != "":
		c.transfer, c.hop = last.transfer, last.hop+1
		c.base = curlResolveRef(last.base, curlHeaderValue(last.resp.headers, "Location"))
	case r.transfers < len(r.cmd.raw.urls):
		r.transfers++
		c.transfer, c.hop, c.base = r.transfers, 1, r.cmd.raw.urls[r.transfers-1]
	default:
		return nil
	}
	c.method = r.cmd.Method
	if c.hop > 1 && last != nil {
		c.method = curlRedirectMethod(r.cmd, last.method, last.resp)
	}
	r.cur = c
	r.newTransfer = false
	return c
}

func curlIsRedirect(status int) bool {
	switch status {
	case 301, 302, 303, 307, 308:
		return true
	}
	return false
}

// curlResolveRef resolves a Location against the URL it answered.
func curlResolveRef(base, ref string) string {
	b, err := url.Parse(base)
	if err != nil {
		return ref
	}
	u, err := b.Parse(ref)
	if err != nil {
		return ref
	}
	return u.String()
}

// curlRedirectMethod is the method curl uses after a redirect: -X sticks; 303
// and (for POST) 301/302 switch to GET.
func curlRedirectMethod(c *CurlCommand, prev string, p *curlResp) string {
	if c.ExplicitMethod != "" || p == nil {
		return prev
	}
	switch p.status {
	case 303:
		if prev != "HEAD" {
			return "GET"
		}
	case 301, 302:
		if prev == "POST" {
			return "GET"
		}
	}
	return prev
}

// record builds the model from an exchange read.
func (r *curlReader) record(c *curlExchange) *Record {
	ex := &Exchange{Request: Request{Method: c.method, Proto: c.proto}}
	if ex.Request.Method == "" {
		ex.Request.Method = "GET"
	}
	ex.Request.URL = r.exchangeURL(c)
	ex.Request.Headers = r.requestHeaders(c)
	ex.Request.Body = r.requestBody(c, ex)
	if c.resp != nil && c.final {
		ex.Response = r.response(c)
	}
	r.extras(c, ex)
	return &Record{
		Source:   Source{File: r.name, Format: FormatCurl, Entry: -1, Line: c.line, Offset: c.off},
		Exchange: ex,
	}
}

// exchangeURL rebuilds the request URL. The command line (or the redirect
// URL curl names) gives scheme, userinfo and host; the request line gives
// the exact target sent. Without them: Host or :authority plus the target,
// scheme from TLS or :scheme hints.
func (r *curlReader) exchangeURL(c *curlExchange) URL {
	u := r.rawExchangeURL(c)
	if u.Scheme == "" && u.Host == "" && u.Path == "" && len(u.Query) == 0 && u.User == "" && u.Password.IsZero() {
		return URL{Invalid: true, Path: "(unparsable URL)"}
	}
	return u
}

func (r *curlReader) rawExchangeURL(c *curlExchange) URL {
	if c.reconstructed || !c.sentLines {
		return ParseURL(c.base)
	}
	target := c.target
	if strings.Contains(target, "://") {
		return ParseURL(target) // absolute-form, through a plain-HTTP proxy
	}
	if !strings.HasPrefix(target, "/") {
		target = "/" + strings.TrimPrefix(target, "*")
	}
	authority := curlHeaderValue(c.reqHeaders, "Host")
	if authority == "" {
		authority = c.hints.authority
	}
	scheme := ""
	userinfo := ""
	if b, err := url.Parse(c.base); err == nil && c.base != "" && (authority == "" || curlSameHostname(b.Host, authority)) {
		scheme = b.Scheme
		if b.User != nil {
			userinfo = b.User.String() + "@"
		}
		if authority == "" {
			authority = b.Host
		}
	}
	if o, err := url.Parse(c.hints.opened); err == nil && c.hints.opened != "" {
		if scheme == "" {
			scheme = o.Scheme
		}
		if authority == "" {
			authority = o.Host
		}
	}
	if scheme == "" && (c.hints.scheme == "http" || c.hints.scheme == "https") {
		scheme = c.hints.scheme
	}
	if scheme == "" {
		scheme = "http"
		if c.hints.tls {
			scheme = "https"
		}
	}
	if authority == "" {
		t := ParseURL("http://x" + target)
		return URL{Scheme: scheme, Path: t.Path, Query: t.Query}
	}
	return ParseURL(scheme + "://" + userinfo + authority + target)
}

func curlSameHostname(a, b string) bool {
	return (URL{Host: a}).Hostname() == (URL{Host: b}).Hostname()
}

func curlHeaderValue(hs []curlHeader, name string) string {
	for _, h := range hs {
		if strings.EqualFold(h.name, name) {
			return strings.TrimSpace(h.value)
		}
	}
	return ""
}

// requestHeaders is what the transcript shows was sent, or for a request
// rebuilt from the command line, what curl would have sent: on a hop to
// another origin curl drops Authorization and Cookie headers unless
// --location-trusted.
func (r *curlReader) requestHeaders(c *curlExchange) Headers {
	if c.sentLines {
		hs := make(Headers, 0, len(c.reqHeaders))
		for _, h := range c.reqHeaders {
			hs = append(hs, NewHeader(h.name, h.value))
		}
		return hs
	}
	if r.cmd == nil {
		return nil
	}
	r.cmd.build()
	hs := r.cmd.Headers
	if c.transfer > 1 {
		hs = r.cmd.commandHeaders(c.transfer - 1) // its URL may carry other userinfo
	}
	if c.hop > 1 && !r.cmd.LocationTrusted && r.crossOrigin(c) {
		kept := hs[:0:0]
		for _, h := range hs {
			if strings.EqualFold(h.Name, "Authorization") || strings.EqualFold(h.Name, "Cookie") && r.cmdSetsHeader("Cookie") {
				continue
			}
			kept = append(kept, h)
		}
		hs = kept
	}
	return hs
}

// crossOrigin reports whether hop c went to another scheme, host or port
// than the transfer's first request.
func (r *curlReader) crossOrigin(c *curlExchange) bool {
	if r.cmd == nil || c.transfer < 1 || c.transfer > len(r.cmd.raw.urls) {
		return true
	}
	return ParseURL(r.cmd.raw.urls[c.transfer-1]).Origin() != ParseURL(c.base).Origin()
}

func (r *curlReader) cmdSetsHeader(name string) bool {
	for _, h := range r.cmd.raw.headers {
		if strings.EqualFold(h.name, name) {
			return true
		}
	}
	return false
}

// requestBody is the body a trace shows was sent, else the body the command
// line gives (-v never prints it) when this request carried it.
func (r *curlReader) requestBody(c *curlExchange, ex *Exchange) Body {
	ct := ex.Request.Headers.Value("Content-Type")
	if len(c.reqBody) > 0 {
		b := Body{MimeType: ct, Text: string(c.reqBody), Size: int64(len(c.reqBody)), Truncated: c.reqBodyOver}
		b.Fields = ParseBodyFields(b.MimeType, b.Text, r.opts)
		return b
	}
	if r.cmd == nil || !r.cmd.HasBody || r.cmd.Get {
		return Body{Size: -1}
	}
	m := ex.Request.Method
	if c.hop > 1 && (m == "GET" || m == "HEAD") {
		return Body{Size: -1}
	}
	r.cmd.build()
	b := r.cmd.Body
	b.Fields = append([]Param(nil), b.Fields...)
	if ct != "" && ct != b.MimeType && !strings.HasPrefix(strings.ToLower(b.MimeType), "multipart/") {
		b.MimeType = ct
		b.Fields = ParseBodyFields(ct, b.Text, r.opts)
	}
	return b
}

// response builds the response half.
func (r *curlReader) response(c *curlExchange) *Response {
	p := c.resp
	resp := &Response{Status: p.status, StatusText: p.reason, Proto: p.proto}
	for _, h := range p.headers {
		resp.Headers = append(resp.Headers, NewHeader(h.name, h.value))
	}
	resp.RedirectURL = resp.Headers.location()
	resp.Date = serverDate(resp.Headers)
	text := strings.TrimRight(c.body.String(), "\r\n")
	ct := curlHeaderValue(p.headers, "Content-Type")
	if c.bodyASCII {
		text = curlFixASCIIJSON(ct, text)
	}
	resp.Body = Body{MimeType: ct, Text: text, Truncated: c.bodyOver, Size: -1}
	if n, err := strconv.ParseInt(curlHeaderValue(p.headers, "Content-Length"), 10, 64); err == nil {
		resp.Body.Size = n
	} else if text != "" {
		resp.Body.Size = int64(len(text))
	}
	if curlFieldsType(ct) {
		resp.Body.Fields = ParseBodyFields(ct, text, r.opts)
	}
	return resp
}

// curlFieldsType: only JSON and form bodies are parsed into fields.
func curlFieldsType(ct string) bool {
	ct = strings.ToLower(ct)
	return strings.Contains(ct, "json") || strings.Contains(ct, "x-www-form-urlencoded") || strings.Contains(ct, "multipart/form-data")
}

// curlFixASCIIJSON undoes --trace-ascii printing the final LF of a JSON
// body as ".", which would make it unparsable.
func curlFixASCIIJSON(ct, text string) string {
	if !strings.Contains(strings.ToLower(ct), "json") || gjson.Valid(text) {
		return text
	}
	if t := strings.TrimRight(text, "."); gjson.Valid(t) {
		return t
	}
	return text
}

// extras records the command-line facts and the context of the exchange,
// and what the transcript cannot show.
func (r *curlReader) extras(c *curlExchange, ex *Exchange) {
	switch {
	case c.traced:
		ex.SetExtra(CurlExtraEvidence, "trace")
	case c.sentLines:
		ex.SetExtra(CurlExtraEvidence, "verbose")
	case c.bare:
		ex.SetExtra(CurlExtraEvidence, "include")
	case c.statusOnly:
		ex.SetExtra(CurlExtraEvidence, "status")
	default:
		ex.SetExtra(CurlExtraEvidence, "command")
	}
	ex.SetExtra(CurlExtraTransfer, strconv.Itoa(c.transfer))
	ex.SetExtra(CurlExtraHop, strconv.Itoa(c.hop))
	ex.SetExtra(CurlExtraExit, c.exit)
	ex.SetExtra(CurlExtraServerAuth, c.serverAuth)
	if c.tunnel != nil {
		ex.SetExtra(CurlExtraTunnel, c.tunnel.target)
		ex.SetExtra(CurlExtraTunnelStatus, c.tunnel.status)
		ex.SetExtra(CurlExtraProxyAuth, c.tunnel.auth)
	}
	if cmd := r.cmd; cmd != nil {
		ex.SetExtra(CurlExtraCommand, "1")
		if cmd.LocationTrusted {
			ex.SetExtra(CurlExtraLocation, "--location-trusted")
			ex.SetExtra(CurlExtraLocationTrusted, "1")
		} else if cmd.Location {
			ex.SetExtra(CurlExtraLocation, "-L")
		}
		names := cmd.HeaderNames()
		ex.SetExtra(CurlExtraCommandHeaders, strings.Join(names, ","))
		if c.sentLines {
			var missing []string
			for _, n := range names {
				if !ex.Request.Headers.Has(n) {
					missing = append(missing, n)
				}
			}
			ex.SetExtra(CurlExtraHeadersNotSent, strings.Join(missing, ","))
		}
		if cmd.ExplicitMethod != "" && curlSchemeWordShape(cmd.ExplicitMethod) {
			ex.SetExtra(CurlExtraMethodFlag, strings.ToUpper(cmd.ExplicitMethod))
		}
		if cmd.HasProxy {
			ex.SetExtra(CurlExtraProxy, cmd.Proxy.String())
		}
	}
	if c.reconstructed || !c.sentLines {
		ex.SetExtra(CurlExtraReconstructed, "1")
	}
	r.partial(c, ex)
}

// partial marks what the transcript does not show.
func (r *curlReader) partial(c *curlExchange, ex *Exchange) {
	req := ex.Request
	if req.Body.Text == "" && (r.cmd != nil && r.cmd.HasBody && !r.cmd.Get && c.hop == 1 ||
		curlHeaderValue(c.reqHeaders, "Content-Length") != "" && curlHeaderValue(c.reqHeaders, "Content-Length") != "0") {
		ex.Partial |= NoRequestBody
	}
	resp := ex.Response
	if resp == nil {
		return
	}
	if c.statusOnly {
		ex.Partial |= NoResponseHeaders | NoResponseBody
		return
	}
	if resp.Body.Text == "" && resp.Body.Size != 0 && req.Method != "HEAD" && resp.Status != 204 && resp.Status != 304 {
		ex.Partial |= NoResponseBody
	}
}
