package parsers

import (
	"bytes"
	"net/textproto"
	"strings"

	"github.com/authtriage/authtriage/secrets"
	"github.com/tidwall/gjson"
)

// maxWalkDepth bounds how deep a line's objects are walked; schemas reach
// four levels (http.request.body.content) plus a transparent wrapper or two.
const maxWalkDepth = 8

// maxHeaderNameCache bounds the cache of prefixed key -> header name, so a
// file with random keys cannot grow it.
const maxHeaderNameCache = 512

// pendingHeader is a header value found on the walk, converted once the
// walk is over (so dedupe and the schema's conventions apply in one place).
type pendingHeader struct {
	name string
	v    gjson.Result
}

// extractor holds the per-line scratch state; it is reused line after line
// so a line costs no allocation beyond the values the exchange keeps.
type extractor struct {
	m     *logSchema
	path  []byte
	vals  [lfCount]gjson.Result
	prio  [lfCount]int
	found [lfCount]bool
	req   []pendingHeader
	resp  []pendingHeader
	// What the line records, which decides Exchange.Partial.
	sawAuthField  bool // an Authorization field exists, even empty
	sawReqAll     bool // a map of all request headers exists
	sawRespHeader bool // a response header field or map exists
	names         map[string]string
	vc            valueCache
}

func (x *extractor) reset(m *logSchema) {
	x.m = m
	x.path = x.path[:0]
	for i := range x.vals {
		x.vals[i] = gjson.Result{}
		x.found[i] = false
	}
	x.req = x.req[:0]
	x.resp = x.resp[:0]
	x.sawAuthField, x.sawReqAll, x.sawRespHeader = false, false, false
}

// walk visits the members of an object; x.path holds the dotted path of obj.
func (x *extractor) walk(obj gjson.Result, depth int) {
	obj.ForEach(func(k, v gjson.Result) bool {
		n := len(x.path)
		if n > 0 {
			x.path = append(x.path, '.')
		}
		x.path = append(x.path, k.Str...)
		x.visit(v, depth)
		x.path = x.path[:n]
		return true
	})
}

func (x *extractor) visit(v gjson.Result, depth int) {
	if ts, ok := x.m.exact[string(x.path)]; ok {
		container := false
		for _, t := range ts {
			x.apply(t, v)
			container = container || t.kind == tkReqHeaders || t.kind == tkRespHeaders
		}
		// "request" is the request line in nginx and an object in Go
		// app logs: an object still gets walked below, unless it was a
		// header map (read whole already).
		if !v.IsObject() || container {
			return
		}
	} else if len(x.m.prefixes) > 0 {
		for _, p := range x.m.prefixes {
			if len(x.path) > len(p.prefix) && bytes.HasPrefix(x.path, []byte(p.prefix)) && !v.IsObject() {
				name := x.headerName(x.path[len(p.prefix):])
				x.addHeader(p.resp, name, v)
				return
			}
		}
	}
	if depth >= maxWalkDepth {
		return
	}
	if x.m.transparent != nil && x.m.transparent[string(x.path)] {
		x.walkTransparent(v, depth+1)
		return
	}
	if v.IsObject() && x.m.interior[string(x.path)] {
		x.walk(v, depth+1)
	}
}

// walkTransparent reads a wrapper (OTel attributes, resource) as if its
// members were at the top level: an object of attributes, or the OTLP-JSON
// list [{"key": k, "value": {"stringValue": …}}].
func (x *extractor) walkTransparent(v gjson.Result, depth int) {
	saved := string(x.path)
	x.path = x.path[:0]
	switch {
	case v.IsObject():
		x.walk(v, depth)
	case v.IsArray():
		v.ForEach(func(_, kv gjson.Result) bool {
			key := kv.Get("key")
			if key.Type != gjson.String {
				return true
			}
			x.path = append(x.path[:0], key.Str...)
			x.visit(otlpValue(kv.Get("value")), depth)
			return true
		})
	}
	x.path = append(x.path[:0], saved...)
}

// otlpValue unwraps an OTLP AnyValue: {"stringValue": "GET"}, {"intValue":
// "401"} (a string in OTLP-JSON), {"arrayValue": {"values": [...]}}.
func otlpValue(v gjson.Result) gjson.Result {
	if !v.IsObject() {
		return v
	}
	var out gjson.Result
	v.ForEach(func(k, val gjson.Result) bool {
		switch k.Str {
		case "stringValue", "intValue", "doubleValue", "boolValue":
			out = val
		case "arrayValue":
			out = val.Get("values")
		}
		return false
	})
	return out
}

// headerName turns the rest of a prefixed key into a header name:
// x_api_key -> X-Api-Key. Results are cached per key.
func (x *extractor) headerName(b []byte) string {
	if n, ok := x.names[string(b)]; ok {
		return n
	}
	name := textproto.CanonicalMIMEHeaderKey(strings.ReplaceAll(string(b), "_", "-"))
	if x.names == nil {
		x.names = map[string]string{}
	}
	if len(x.names) < maxHeaderNameCache {
		x.names[string(b)] = name
	}
	return name
}

func (x *extractor) apply(t target, v gjson.Result) {
	switch t.kind {
	case tkField:
		if !x.found[t.field] || t.prio < x.prio[t.field] {
			x.vals[t.field], x.prio[t.field], x.found[t.field] = v, t.prio, true
		}
	case tkReqHeader, tkRespHeader:
		x.addHeader(t.kind == tkRespHeader, t.name, v)
	case tkReqHeaders, tkRespHeaders:
		if !v.IsObject() {
			return
		}
		resp := t.kind == tkRespHeaders
		if resp {
			x.sawRespHeader = true
		} else {
			x.sawReqAll = true
		}
		v.ForEach(func(k, hv gjson.Result) bool {
			x.addHeader(resp, k.Str, hv)
			return true
		})
	}
}

func (x *extractor) addHeader(resp bool, name string, v gjson.Result) {
	if resp {
		x.sawRespHeader = true
		x.resp = append(x.resp, pendingHeader{name, v})
		return
	}
	if strings.EqualFold(name, "Authorization") {
		x.sawAuthField = true
	}
	x.req = append(x.req, pendingHeader{name, v})
}

// str is a scalar's text; "" for objects, arrays, null and absent values.
func str(v gjson.Result) string {
	switch v.Type {
	case gjson.String:
		return v.Str
	case gjson.Number, gjson.True, gjson.False:
		return v.Raw
	}
	return ""
}

func (x *extractor) str(f logField) string {
	s := str(x.vals[f])
	if absentValue(s) {
		return ""
	}
	return s
}

// headers converts the pending headers of one side.
func (x *extractor) headers(ps []pendingHeader) Headers {
	var hs Headers
	for _, p := range ps {
		switch p.v.Type {
		case gjson.String, gjson.Number, gjson.True, gjson.False:
			hs = x.vc.add(hs, p.name, str(p.v))
		case gjson.JSON:
			if !p.v.IsArray() {
				continue
			}
			n := 0
			p.v.ForEach(func(_, e gjson.Result) bool {
				n++
				if e.IsObject() { // OTLP arrayValue element
					e = otlpValue(e)
				}
				hs = x.vc.add(hs, p.name, str(e))
				return true
			})
			if n == 0 && x.m.emptyArrayRedacted && secrets.IsCredentialHeader(p.name) {
				// Caddy ≤2.7 empties credential headers it will not
				// log: the header was sent, its value withheld. Hold
				// it as the marker Caddy ≥2.8 writes.
				hs = x.vc.add(hs, p.name, "REDACTED")
			}
		}
	}
	return hs
}

// exchange builds the Exchange of the line just walked, or nil when the line
// does not describe an HTTP request.
func (x *extractor) exchange(o *Options, strict bool, tc *timeCache) *Exchange {
	method := x.str(lfMethod)
	target := x.str(lfURL)
	var proto string
	if target == "" {
		target = x.str(lfPath)
		if q := strings.TrimPrefix(x.str(lfQuery), "?"); q != "" && target != "" && strings.IndexByte(target, '?') < 0 {
			target = target + "?" + q
		}
	}
	if rl := x.str(lfRequestLine); rl != "" && (method == "" || target == "" || !x.found[lfProto]) {
		m, t, p := splitRequestLine(rl)
		if method == "" {
			method = m
		}
		if target == "" {
			target = t
		}
		proto = p
	}
	if !validMethod(method) || target == "" {
		return nil
	}
	status := parseStatus(str(x.vals[lfStatus]))
	if strict && (!knownMethod(method) || status == 0) {
		return nil
	}

	host := x.str(lfHost)
	if port := x.str(lfPort); port != "" && host != "" && !strings.Contains(strings.TrimPrefix(host, "["), ":") {
		host = host + ":" + port
	}
	scheme := x.str(lfScheme)
	if scheme == "" {
		if x.found[lfTLS] && x.vals[lfTLS].Type != gjson.Null {
			scheme = "https"
		} else if x.m.plainWithoutTLS {
			scheme = "http"
		}
	}
	u, ok := requestURL(method, target, scheme, host, &x.vc)
	if !ok {
		return nil
	}
	ex := &Exchange{}
	ex.Request.Method = upperMethod(method)
	ex.Request.URL = u
	if u := x.str(lfUser); u != "" && ex.Request.URL.User == "" {
		ex.Request.URL.User = u
	}
	if p := x.str(lfPassword); p != "" && ex.Request.URL.Password.IsZero() {
		ex.Request.URL.Password = secrets.New(p)
	}
	if p := x.str(lfProto); p != "" {
		proto = p
	}
	ex.Request.Proto = proto
	ex.Request.Headers = x.headers(x.req)
	if ex.Request.URL.Host == "" {
		ex.Request.URL.Host = ex.Request.Headers.Value("Host")
	}
	if x.found[lfTime] {
		ex.Start = tc.parse(str(x.vals[lfTime]))
	}
	if x.found[lfReqBody] {
		ct := x.str(lfContentType)
		if ct == "" {
			ct = ex.Request.Headers.Value("Content-Type")
		}
		ex.Request.Body = logBody(x.str(lfReqBody), ct, o)
	} else {
		ex.Request.Body.Size = -1
	}
	respHeaders := x.headers(x.resp)
	if status > 0 || len(respHeaders) > 0 {
		resp := &Response{Status: status, Headers: respHeaders, Date: serverDate(respHeaders)}
		resp.RedirectURL = respHeaders.location()
		if x.found[lfRespBody] {
			resp.Body = logBody(x.str(lfRespBody), respHeaders.Value("Content-Type"), o)
		} else {
			resp.Body.Size = -1
		}
		ex.Response = resp
	}

	// Partial: what this line cannot tell. A line "records" request
	// headers, for the rules' purpose, when it has an Authorization field
	// (nginx "" and Apache "-" say "not sent") or a map of all headers.
	if !x.sawAuthField && !x.sawReqAll {
		ex.Partial |= NoRequestHeaders
	}
	if !x.sawRespHeader {
		ex.Partial |= NoResponseHeaders
	}
	if !x.found[lfReqBody] {
		ex.Partial |= NoRequestBody
	}
	if !x.found[lfRespBody] {
		ex.Partial |= NoResponseBody
	}

	// Extras: only enumerations and identifiers the producer writes, never
	// free text, which may quote a credential.
	ex.SetExtra("remote_user", safeExtra(x.str(lfRemoteUser)))
	ex.SetExtra("request_id", safeExtra(x.str(lfRequestID)))
	if g := x.str(lfGatewayError); g != "" && g != "via_upstream" {
		ex.SetExtra("gateway_error", safeExtra(g))
	}
	ex.SetExtra("response_flags", safeExtra(x.str(lfResponseFlags)))
	ex.SetExtra("status_details", safeExtra(x.str(lfStatusDetails)))
	return ex
}

// safeExtra keeps a short identifier-like value (EXPIRED_TOKEN,
// jwt_authn_access_denied{Jwt_is_expired}, rbac_access_denied_matched_policy[none],
// a request id) and drops anything else, so an Extra never carries a
// credential into a report: only a small alphabet, no JWT, no known
// credential prefix.
func safeExtra(v string) string {
	if v == "" || len(v) > 128 || strings.HasPrefix(v, "eyJ") {
		return ""
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_-.:{}[]@/ ", c) >= 0) {
			return ""
		}
	}
	if _, ok := secrets.LookupPrefix(v); ok {
		return "" // sk_live_…, ghp_…: a credential, never an extra
	}
	if strings.Contains(v, "://") || detected(v) {
		return "" // a URL (userinfo), or what the detectors call a credential
	}
	if user, pass, ok := strings.Cut(v, ":"); ok && user != "" && !strings.ContainsAny(pass, ":{}[] ") && len(pass) >= 6 {
		return "" // user:password
	}
	return v
}

// detected reports whether the leak detectors find a credential in v.
func detected(v string) bool {
	found := false
	secrets.ScanLine([]byte(v), func(secrets.Match) { found = true })
	return found
}

// logBody is a logged request or response body: text capped at MaxBody,
// fields parsed when cheap (a form or JSON body can carry a token).
func logBody(text, mimeType string, o *Options) Body {
	b := Body{MimeType: mimeType, Size: int64(len(text))}
	if text == "" {
		return b
	}
	if len(text) > o.MaxBody {
		text, b.Truncated = text[:o.MaxBody], true
	}
	text = strings.Clone(text) // the fields and Secrets below must not pin the line (see detach)
	b.Text = text
	b.Fields = ParseBodyFields(mimeType, text, *o)
	return b
}
