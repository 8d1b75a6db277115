package parsers

import (
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/authtriage/authtriage/secrets"
)

// Format is an input format as the report names it.
type Format string

const (
	FormatHAR   Format = "har"
	FormatCurl  Format = "curl"
	FormatJSONL Format = "jsonl"
	FormatCLF   Format = "clf"
	FormatText  Format = "text"
)

// Source says where a record came from.
type Source struct {
	File   string
	Format Format
	// Entry is the 0-based HAR entry index, -1 outside HAR.
	Entry int
	// Line is the 1-based line where the record starts, 0 when unknown.
	Line int
	// Offset is the byte offset where the record starts.
	Offset int64
	// Pointer is a JSON pointer for HAR records, e.g. /log/entries/12.
	Pointer string
}

// Record is one unit read from an input: an HTTP exchange, or a line of text.
type Record struct {
	Source Source
	// Text is the record's raw text for line-based inputs, so leak detection
	// sees what the file holds. It may contain credentials: nothing may
	// render it.
	Text []byte
	// Exchange is set when the record is an HTTP request/response.
	Exchange *Exchange
}

// Exchange is one HTTP request and, when known, its response.
type Exchange struct {
	Request  Request
	Response *Response
	// Start is when the request was sent (HAR startedDateTime, log time).
	// Zero when unknown.
	Start time.Time
	// Extras holds format-specific facts: HAR "_error", "_resourceType",
	// "creator"; a gateway's error type; a curl command line's flags.
	Extras map[string]string
	// Partial lists request parts the format cannot show (for example
	// "headers" for a Common Log Format line), so rules that need them stay
	// silent instead of guessing.
	Partial PartialSet
}

// PartialSet names what an input format does not record.
type PartialSet uint8

const (
	// NoRequestHeaders: the format does not record request headers at all
	// (CLF). Absence of Authorization means nothing.
	NoRequestHeaders PartialSet = 1 << iota
	// NoResponseHeaders: response headers are not recorded.
	NoResponseHeaders
	// NoRequestBody: the request body is not recorded.
	NoRequestBody
	// NoResponseBody: the response body is not recorded.
	NoResponseBody
)

// Has reports whether p includes all of q.
func (p PartialSet) Has(q PartialSet) bool { return p&q == q }

// Extra returns an extra field or "".
func (e *Exchange) Extra(k string) string {
	if e.Extras == nil {
		return ""
	}
	return e.Extras[k]
}

// SetExtra records a format-specific fact.
func (e *Exchange) SetExtra(k, v string) {
	if v == "" {
		return
	}
	if e.Extras == nil {
		e.Extras = map[string]string{}
	}
	e.Extras[k] = v
}

// Status is the response status, 0 when there was no response.
func (e *Exchange) Status() int {
	if e.Response == nil {
		return 0
	}
	return e.Response.Status
}

// Failed reports a status that diagnosis rules explain: 400, 401, 403, 407.
func (e *Exchange) Failed() bool {
	switch e.Status() {
	case 400, 401, 403, 407:
		return true
	}
	return false
}

// Time is when the exchange happened, for ordering, windows and timelines:
// the start time, else the response Date. Zero when neither is known.
func (e *Exchange) Time() time.Time {
	if !e.Start.IsZero() {
		return e.Start
	}
	return e.RequestTime()
}

// RequestTime is the time rules judge tokens against: the response Date
// header when present, else the start time. Zero when neither is known.
func (e *Exchange) RequestTime() time.Time {
	if e.Response != nil && !e.Response.Date.IsZero() {
		return e.Response.Date
	}
	return e.Start
}

// serverDate is a response's Date header, parsed; zero when absent or
// unparsable.
func serverDate(hs Headers) time.Time {
	d := hs.Value("Date")
	if d == "" {
		return time.Time{}
	}
	t, err := http.ParseTime(strings.TrimSpace(d))
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// Request is the request half of an exchange.
type Request struct {
	Method string
	URL    URL
	// Proto is the HTTP version as written (HTTP/1.1, http/2.0, h3, HTTP/2).
	Proto   string
	Headers Headers
	Body    Body
}

// Response is the response half of an exchange.
type Response struct {
	Status     int
	StatusText string
	Proto      string
	Headers    Headers
	Body       Body
	// RedirectURL is HAR redirectURL or the Location header, as sent.
	// It is held in its redacted form when it carries a credential.
	RedirectURL string
	// Date is the parsed Date header, zero when absent or unparsable.
	Date time.Time
}

// Header is one header field. Values of credential headers are held only as
// Secrets; Value is then empty.
type Header struct {
	Name   string
	Value  string
	Secret secrets.Secret
}

// Sensitive reports whether the value is held as a Secret.
func (h Header) Sensitive() bool { return !h.Secret.IsZero() }

// Display is the value as reports may show it: a Secret's display form, or
// the plain value with any word in a credential's format redacted (a
// server echoing a token in a custom header).
func (h Header) Display() string {
	if h.Sensitive() {
		return h.Secret.String()
	}
	return secrets.ScrubText(h.Value)
}

// NewHeader builds a header, wrapping credential values in a Secret: those
// of the credential headers, and a URL header's (Referer, Location) when
// the URL carries a credential (an OAuth callback's access_token=, a
// userinfo password), so reports never show it. A Cookie that is only a
// redaction marker or a placeholder (REDACTED, ***, <cookie>) is held as
// such, not as a cookie.
func NewHeader(name, value string) Header {
	switch {
	case secrets.IsAuthorizationHeader(name):
		return Header{Name: name, Secret: secrets.NewAuthorization(value)}
	case secrets.IsCookieHeader(name):
		switch {
		case value == "":
			return Header{Name: name}
		case secrets.IsRedactionMarker(value) || secrets.IsPlaceholder(value):
			return Header{Name: name, Secret: secrets.New(value)}
		}
		return Header{Name: name, Secret: secrets.NewCookie(value)}
	case secrets.IsCredentialHeader(name):
		if value == "" {
			return Header{Name: name}
		}
		return Header{Name: name, Secret: secrets.New(value)}
	case isURLHeader(name) && urlHoldsCredential(value):
		return Header{Name: name, Secret: secrets.New(value)}
	}
	return Header{Name: name, Value: value}
}

// isURLHeader names the headers whose value is a URL the client or the
// server copied from elsewhere, credentials included.
func isURLHeader(name string) bool {
	return strings.EqualFold(name, "Referer") || strings.EqualFold(name, "Location") || strings.EqualFold(name, "Content-Location")
}

// urlHoldsCredential reports a URL with a credential in it: a userinfo
// password or a user name in a credential's format, or a credential-named
// parameter with a value in its query or fragment (the implicit grant's
// #access_token=).
func urlHoldsCredential(v string) bool {
	if strings.IndexAny(v, "?#@") < 0 {
		return false
	}
	u := logURL(v, "", "", nil)
	if !u.Password.IsZero() || u.User != "" && LooksLikeCredential(u.User) {
		return true
	}
	ps := u.Query
	if _, frag, ok := strings.Cut(v, "#"); ok {
		ps = append(ps, ParseQuery(frag, "fragment")...)
	}
	for _, p := range ps {
		if p.Sensitive() {
			return true
		}
	}
	return false
}

// redirectTarget is a redirect URL as Response.RedirectURL holds it: as
// sent, or in its redacted form when it carries a credential. Where it
// points (scheme, host, port, path) survives either way.
func redirectTarget(raw string) string {
	if !urlHoldsCredential(raw) {
		return raw
	}
	return logURL(raw, "", "", nil).String()
}

// location is the Location header as Response.RedirectURL holds it.
func (hs Headers) location() string {
	h, _ := hs.Get("Location")
	if h.Sensitive() {
		return redirectTarget(h.Secret.Reveal())
	}
	return h.Value
}

// Headers is an ordered header list; duplicates are kept and names compare
// case-insensitively.
type Headers []Header

// Get returns the first header with the name, any case.
func (hs Headers) Get(name string) (Header, bool) {
	for _, h := range hs {
		if strings.EqualFold(h.Name, name) {
			return h, true
		}
	}
	return Header{}, false
}

// Value returns the value of the first header with the name, any case: ""
// when there is none, or when that header is held as a Secret.
func (hs Headers) Value(name string) string {
	h, _ := hs.Get(name)
	return h.Value
}

// All returns every header with the name, any case.
func (hs Headers) All(name string) []Header {
	var out []Header
	for _, h := range hs {
		if strings.EqualFold(h.Name, name) {
			out = append(out, h)
		}
	}
	return out
}

// Has reports whether a header with the name is present.
func (hs Headers) Has(name string) bool {
	_, ok := hs.Get(name)
	return ok
}

// Param is a query, form or JSON body field. Credential-named fields hold
// their value as a Secret; Value is then empty.
type Param struct {
	Name   string
	Value  string
	Secret secrets.Secret
	// Path is where the field sits: "query", "form", or a JSON path like
	// "auth.access_token".
	Path string
}

// Sensitive reports whether the value is held as a Secret.
func (p Param) Sensitive() bool { return !p.Secret.IsZero() }

// Display is the value as reports may show it (see Header.Display).
func (p Param) Display() string {
	if p.Sensitive() {
		return p.Secret.String()
	}
	return secrets.ScrubText(p.Value)
}

// NewParam builds a param, wrapping credential-named values in a Secret.
func NewParam(name, value, path string) Param {
	if secrets.IsCredentialParam(name) && value != "" {
		return Param{Name: name, Secret: secrets.New(value), Path: path}
	}
	return Param{Name: name, Value: value, Path: path}
}

// URL is a parsed request URL. The query and the userinfo password can hold
// credentials, so the raw URL is not kept; String renders a redacted form.
type URL struct {
	Scheme string
	// Host is host[:port] as written.
	Host string
	// Path is the decoded path.
	Path string
	// Query holds the query parameters in order.
	Query []Param
	// User is the userinfo name (not secret); Password its password.
	User     string
	Password secrets.Secret
	// Invalid marks a URL that did not parse: nothing of it is kept, and
	// Path holds the display text "(unparsable URL)".
	Invalid bool
}

// ParseURL parses a request URL and moves every credential into Secrets.
func ParseURL(raw string) URL {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		// Nothing of it is kept: the text that failed to parse may hold
		// a credential anywhere.
		return URL{Invalid: true, Path: "(unparsable URL)"}
	}
	out := URL{Scheme: strings.ToLower(u.Scheme), Host: u.Host, Path: u.Path}
	if u.User != nil {
		out.User = u.User.Username()
		if p, ok := u.User.Password(); ok {
			out.Password = secrets.New(p)
		}
	}
	out.Query = ParseQuery(u.RawQuery, "query")
	return out
}

// ParseQuery splits a query string or form body into Params, in order,
// tolerating bad escapes (the raw text is kept when unescaping fails).
func ParseQuery(q, path string) []Param {
	if q == "" {
		return nil
	}
	var out []Param
	for _, kv := range strings.FieldsFunc(q, func(r rune) bool { return r == '&' || r == ';' }) {
		k, v, _ := strings.Cut(kv, "=")
		if uk, err := url.QueryUnescape(k); err == nil {
			k = uk
		}
		if uv, err := url.QueryUnescape(v); err == nil {
			v = uv
		}
		out = append(out, NewParam(k, v, path))
	}
	return out
}

// Origin is scheme://host:port with the default port made explicit, for
// comparing redirect hops.
func (u URL) Origin() string {
	host, port := u.Hostname(), u.Port()
	if port == "" {
		switch u.Scheme {
		case "https", "wss":
			port = "443"
		case "http", "ws":
			port = "80"
		}
	}
	return u.Scheme + "://" + strings.ToLower(host) + ":" + port
}

// Hostname is the host without port or brackets, lower case.
func (u URL) Hostname() string {
	h := u.Host
	if host, _, err := net.SplitHostPort(h); err == nil {
		h = host
	}
	return strings.ToLower(strings.Trim(h, "[]"))
}

// Port is the explicit port or "".
func (u URL) Port() string {
	if _, port, err := net.SplitHostPort(u.Host); err == nil {
		return port
	}
	return ""
}

// String renders the URL with credentials redacted: a password becomes
// "***", a credential query value its display form, a path segment in a
// credential's format "{secret}", a user name in a credential's format
// (an API key given as the user) "<redacted>", and so does a credential
// inside another query value (a JWT in state=, a redirect_uri with its own
// access_token=).
func (u URL) String() string {
	if u.Invalid {
		return u.Path
	}
	var b strings.Builder
	if u.Scheme != "" {
		b.WriteString(u.Scheme)
		b.WriteString("://")
	}
	if u.User != "" || !u.Password.IsZero() {
		if LooksLikeCredential(u.User) {
			b.WriteString("<redacted>")
		} else {
			b.WriteString(url.PathEscape(u.User))
		}
		if !u.Password.IsZero() {
			b.WriteString(":***")
		}
		b.WriteByte('@')
	}
	b.WriteString(u.Host)
	b.WriteString((&url.URL{Path: RedactPath(u.Path)}).EscapedPath())
	for i, p := range u.Query {
		if i == 0 {
			b.WriteByte('?')
		} else {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(p.Name))
		if p.Sensitive() {
			b.WriteString("=<")
			b.WriteString(p.Secret.String())
			b.WriteString(">")
		} else if p.Value != "" {
			b.WriteByte('=')
			b.WriteString(shownQueryValue(p.Name, p.Value))
		}
	}
	return b.String()
}

// shownQueryValue is the value of a query parameter not named as a
// credential, escaped, with any credential in it redacted: one in a known
// format, or one the detectors find in "?name=value". The redaction is done
// on the plain text, as the escaped text would hide it from the detectors.
func shownQueryValue(name, v string) string {
	found := LooksLikeCredential(v)
	if !found {
		secrets.ScanLine([]byte("?"+name+"="+v), func(secrets.Match) { found = true })
	}
	if !found {
		return url.QueryEscape(v)
	}
	t := secrets.ScrubText(v)
	if t == v {
		return "<redacted>"
	}
	return strings.ReplaceAll(url.QueryEscape(t), url.QueryEscape("<redacted>"), "<redacted>")
}

// PathOnly renders scheme, host and path (no query), for endpoints.
func (u URL) PathOnly() string {
	if u.Invalid {
		return u.Path
	}
	return u.Scheme + "://" + u.Host + RedactPath(u.Path)
}

// Body is a request or response body. Text may hold credentials (token
// responses, bodies echoed back); it is never rendered. Fields are the parsed
// form or JSON fields when the body is small enough to parse cheaply.
type Body struct {
	MimeType string
	// Text is the decoded body, capped at the reader's body limit.
	Text string
	// Truncated is true when Text was cut at the limit.
	Truncated bool
	// Size is the body size as the input reports it (-1 unknown).
	Size int64
	// Fields are form params or flattened JSON fields (path a.b.c).
	Fields []Param
	// Undecodable is true when the input declared an encoding (base64)
	// that did not decode; Text then holds the raw text.
	Undecodable bool
}

// Field returns the first field whose name matches (any case).
func (b Body) Field(name string) (Param, bool) {
	for _, f := range b.Fields {
		if strings.EqualFold(f.Name, name) {
			return f, true
		}
	}
	return Param{}, false
}

// StatusString formats a status for reports ("401", or "no response").
func StatusString(status int) string {
	if status == 0 {
		return "no response"
	}
	return strconv.Itoa(status)
}
