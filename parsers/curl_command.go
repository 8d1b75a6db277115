package parsers

import (
	"bytes"
	"encoding/base64"
	"errors"
	"mime/multipart"
	"net/url"
	"regexp"
	"strings"
)

// A pasted curl command line is the only evidence of what the user meant to
// send: -v never prints the request body, and with -i, -I, --fail or -w the
// request is not printed at all. This file reads such a line.

// CurlCommand is a curl command line as typed. Everything that can hold a
// credential is held through Secrets (Headers, URL, Body.Fields) or in Body.Text,
// which is never rendered; the raw arguments stay unexported behind a pointer
// so that printing a CurlCommand with %+v shows nothing raw.
type CurlCommand struct {
	// Method is what curl sends first: -X, else HEAD for -I, POST when data
	// is given (GET with -G), PUT for -T, else GET.
	Method string
	// ExplicitMethod is the -X value, "" when not given.
	ExplicitMethod string
	// URLs are the transfer URLs in order, redacted by construction.
	URLs []URL
	// Headers are what the command asks curl to send: -H, then -u (as
	// Authorization: Basic), --oauth2-bearer, -b, -A and -e.
	Headers Headers
	// Body is the request body from -d/--data*/--json/-F ("" when none).
	Body Body
	// HasBody reports a body flag, even one read from a file (@file) that
	// the transcript cannot show.
	HasBody bool
	// Location is -L or --location-trusted; LocationTrusted only the latter.
	Location, LocationTrusted bool
	// Include is -i/--include/--show-headers, or -D - (headers on stdout).
	Include bool
	// Head is -I; Get is -G; Verbose is -v or a --trace flag; Fail is
	// -f/--fail/--fail-with-body.
	Head, Get, Verbose, Fail bool
	// Proxy is -x/--proxy, redacted (zero when none).
	Proxy URL
	// HasProxy reports -x/--proxy.
	HasProxy bool

	raw *curlCommandRaw
}

// curlCommandRaw holds the arguments as typed, for rebuilding requests.
type curlCommandRaw struct {
	urls     []string
	headers  []curlRawHeader // -H in order; a nil-value entry removes a header
	user     string          // -u, "" when not given
	bearer   string
	cookie   string
	agent    string
	referer  string
	data     []string // -d pieces, joined with &
	json     []string // --json pieces, concatenated
	form     []curlFormPart
	urlQuery []string // --url-query pieces
	upload   bool     // -T
	writeOut string   // -w
	opts     Options
	built    bool
}

type curlRawHeader struct {
	name  string
	value *string
}

type curlFormPart struct {
	name, value string
	file        bool // name=@file or name=<file
}

// HeaderNames lists, in order and without values, the headers the user asked
// for: -H (not removals), Authorization for -u/--oauth2-bearer/URL
// userinfo, Cookie for -b, User-Agent for -A, Referer for -e. Headers curl
// adds on its own for -d or --json are left out. This is what
// Extras["curl_command_headers"] holds.
func (c *CurlCommand) HeaderNames() []string {
	r := c.raw
	var out []string
	seen := map[string]bool{}
	add := func(n string) {
		if k := strings.ToLower(n); !seen[k] && curlPlainHeaderName(n) {
			seen[k] = true
			out = append(out, n)
		}
	}
	for _, h := range r.headers {
		if h.value != nil {
			add(h.name)
		}
	}
	if !c.removes("Authorization") && (r.bearer != "" || strings.Contains(r.user, ":") || c.urlUser()) {
		add("Authorization")
	}
	for _, p := range []struct{ name, v string }{{"Cookie", r.cookie}, {"User-Agent", r.agent}, {"Referer", r.referer}} {
		if p.v != "" {
			add(p.name)
		}
	}
	return out
}

// curlPlainHeaderName accepts what header names look like (letters, digits,
// '-'), so a credential typed where a name belongs ("-H 'sk_live_…: x'",
// "-H 'Bearer abc: x'") never reaches Extras.
func curlPlainHeaderName(n string) bool {
	if n == "" || len(n) > 40 {
		return false
	}
	digits := 0
	for i := 0; i < len(n); i++ {
		c := n[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-':
		case c >= '0' && c <= '9':
			digits++
		default:
			return false
		}
	}
	return digits <= 3
}

// urlUser reports user:password in the first URL.
func (c *CurlCommand) urlUser() bool {
	return len(c.URLs) > 0 && !c.URLs[0].Password.IsZero()
}

// removes reports a -H "Name:" that stops curl sending the header.
func (c *CurlCommand) removes(name string) bool {
	for _, h := range c.raw.headers {
		if h.value == nil && strings.EqualFold(h.name, name) {
			return true
		}
	}
	return false
}

// writeOutStatus reports a -w format that prints only the status code.
func (c *CurlCommand) writeOutStatus() bool {
	w := strings.TrimSpace(strings.ReplaceAll(c.raw.writeOut, `\n`, ""))
	return w == "%{http_code}" || w == "%{response_code}"
}

// errNotCurlCommand says a line is not a curl command with at least one URL.
var errNotCurlCommand = errors.New("not a curl command line with a URL")

// reCurlPrompt finds a curl invocation at the start of a line, after an
// optional shell prompt: "$ ", "% ", "# ", "user@host:~$ ", "[me@box src]$ ",
// "(venv) me@box:~$ ", "PS C:\> ", "C:\Users\me>".
var reCurlPrompt = regexp.MustCompile(`^(?:\([^)\n]{0,50}\) )?(?:(?:PS [^>]{0,200}>|\[[^\]\n]{0,100}\][$%#]|[\w.@~:/\\()\[\]+-]{0,200}[$%#>])[ \t]*)?(?:sudo[ \t]+)?(curl(?:\.exe)?)(?:[ \t]|$)`)

// curlIsCommand reports a line that invokes curl with at least a word after it.
func curlIsCommand(line string) bool {
	return strings.Contains(line, "curl") && curlCommandStart(line) >= 0
}

// curlCommandStart returns where "curl" starts on a line that invokes curl,
// or -1.
func curlCommandStart(line string) int {
	m := reCurlPrompt.FindStringSubmatchIndex(line)
	if m == nil {
		return -1
	}
	return m[2]
}

// ParseCurlCommand reads a curl command line (the text from "curl" on, or a
// whole prompt line; continuation lines already joined). It returns
// errNotCurlCommand-wrapped errors for text that is not a curl command with a URL.
func ParseCurlCommand(line string, o Options) (*CurlCommand, error) {
	c, err := parseCurlCommand(line, o)
	if err != nil {
		return nil, err
	}
	c.build()
	return c, nil
}

// parseCurlCommand reads the command without building Headers and Body:
// classifying credentials is costly, and a transcript that shows the
// request does not need them. build fills them when needed.
func parseCurlCommand(line string, o Options) (*CurlCommand, error) {
	o = o.withDefaults()
	start := curlCommandStart(line)
	if start < 0 {
		return nil, errNotCurlCommand
	}
	args := curlShellSplit(line[start:])
	if len(args) == 0 {
		return nil, errNotCurlCommand
	}
	c := &CurlCommand{raw: &curlCommandRaw{}}
	c.parseArgs(args[1:])
	if len(c.raw.urls) == 0 {
		return nil, errNotCurlCommand
	}
	c.finish(o)
	return c, nil
}

// Options of curl that take an argument. Anything else is a switch, so its
// neighbour is not mistaken for a URL.
const curlShortWithArg = "AbcCdDeEFHhKmoPQrtTuUwxXyYz"

// CurlShortOptionTakesArg reports a short option of curl that takes an
// argument (-u, -H, -d, …), so a glued value (-uuser:pass, -H"X: y") is
// told from a group of switches (-sSL). sanitize reads command lines with
// it as this reader does.
func CurlShortOptionTakesArg(c byte) bool { return strings.IndexByte(curlShortWithArg, c) >= 0 }

// curlLongWithArg are the long options that take an argument.
var curlLongWithArg = wordSet(`url header data data-raw data-binary data-ascii data-urlencode json form form-string user
	oauth2-bearer cookie cookie-jar request output proxy proxy-user user-agent referer write-out
	max-time connect-timeout cacert capath cert key cert-type key-type pass resolve connect-to retry
	retry-delay retry-max-time max-redirs trace trace-ascii config dump-header upload-file range
	limit-rate interface local-port dns-servers doh-url proxy-header proxy-cacert proxy-capath
	proxy-cert noproxy preproxy socks4 socks4a socks5 socks5-hostname aws-sigv4 tls-max ciphers
	tls13-ciphers curves pinnedpubkey expect100-timeout keepalive-time variable url-query hostpubmd5
	hostpubsha256 proto proto-redir proto-default create-file-mode unix-socket abstract-unix-socket
	sasl-authzid login-options mail-from mail-rcpt mail-auth output-dir time-cond netrc-file
	service-name ftp-port quote speed-limit speed-time continue-at telnet-option stderr
	happy-eyeballs-timeout-ms haproxy-clientip ip-tos vlan-priority etag-save etag-compare delegation
	krb engine random-file egd-file ftp-account ftp-alternative-to-user ftp-method ftp-ssl-ccc-mode hsts
	alt-svc proxy-service-name socks5-gssapi-service proxy-pass proxy-key proxy-key-type proxy-cert-type
	proxy-ciphers proxy-tls13-ciphers proxy-pinnedpubkey proxy-crlfile crlfile proxy-tlsuser
	proxy-tlspassword proxy-tlsauthtype tlsuser tlspassword tlsauthtype max-filesize parallel-max rate
	trace-config ech sigalgs dns-interface dns-ipv4-addr dns-ipv6-addr tftp-blksize knownhosts pubkey
	socks5-gssapi-nec ssl-sessions expand-url expand-header expand-data expand-json expand-output
	expand-user expand-form expand-cookie expand-request expand-referer expand-user-agent
	expand-write-out`)

// wordSet is the set of the blank-separated words of s.
func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// curlShortToLong maps the short options this reader cares about.
var curlShortToLong = map[byte]string{
	'A': "user-agent", 'b': "cookie", 'd': "data", 'D': "dump-header", 'e': "referer", 'F': "form",
	'H': "header", 'u': "user", 'U': "proxy-user", 'w': "write-out", 'x': "proxy", 'X': "request",
	'T': "upload-file", 'o': "output",
	'L': "location", 'I': "head", 'G': "get", 'i': "include", 'v': "verbose", 'f': "fail",
}

// parseArgs walks the arguments after "curl".
func (c *CurlCommand) parseArgs(args []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		next := func() (string, bool) {
			if i+1 < len(args) {
				i++
				return args[i], true
			}
			return "", false
		}
		switch {
		case a == "--":
			for _, u := range args[i+1:] {
				c.addURL(u)
			}
			return
		case strings.HasPrefix(a, "--"):
			name, val, hasVal := strings.Cut(a[2:], "=")
			if !hasVal && curlLongWithArg[name] {
				val, hasVal = next()
			}
			c.option(name, val, hasVal)
		case len(a) > 1 && a[0] == '-':
			// A group of short options: -sSL, -XPOST, -H'X: y'.
			for j := 1; j < len(a); j++ {
				ch := a[j]
				if CurlShortOptionTakesArg(ch) {
					val, ok := a[j+1:], true
					if val == "" {
						val, ok = next()
					}
					c.option(curlShortName(ch), val, ok)
					break
				}
				c.option(curlShortName(ch), "", false)
			}
		default:
			c.addURL(a)
		}
	}
}

func curlShortName(ch byte) string {
	if n, ok := curlShortToLong[ch]; ok {
		return n
	}
	return "-" + string(ch)
}

// option applies one option; unknown ones are ignored.
func (c *CurlCommand) option(name, val string, hasVal bool) {
	r := c.raw
	switch name {
	case "url":
		if hasVal {
			c.addURL(val)
		}
	case "header":
		if hasVal && !strings.HasPrefix(val, "@") {
			r.headers = append(r.headers, curlHeaderArg(val))
		}
	case "data", "data-ascii", "data-binary":
		c.HasBody = true
		if hasVal && !strings.HasPrefix(val, "@") {
			r.data = append(r.data, val)
		}
	case "data-raw":
		c.HasBody = true
		if hasVal {
			r.data = append(r.data, val)
		}
	case "data-urlencode":
		c.HasBody = true
		if hasVal {
			if d, ok := curlURLEncodeData(val); ok {
				r.data = append(r.data, d)
			}
		}
	case "json":
		c.HasBody = true
		if hasVal && !strings.HasPrefix(val, "@") {
			r.json = append(r.json, val)
		}
	case "form", "form-string":
		c.HasBody = true
		if hasVal {
			r.form = append(r.form, curlFormArg(val, name == "form-string"))
		}
	case "url-query":
		if hasVal && !strings.HasPrefix(val, "@") {
			r.urlQuery = append(r.urlQuery, val)
		}
	case "user":
		r.user = val
	case "oauth2-bearer":
		r.bearer = val
	case "cookie":
		// Without "=" the argument is a cookie file, which sends nothing
		// the transcript could show.
		if strings.Contains(val, "=") {
			r.cookie = val
		}
	case "user-agent":
		r.agent = val
	case "referer":
		r.referer = strings.TrimSuffix(val, ";auto")
	case "request":
		c.ExplicitMethod = val
	case "proxy":
		c.HasProxy = val != ""
		if c.HasProxy {
			p := val
			if !strings.Contains(p, "://") {
				p = "http://" + p
			}
			c.Proxy = ParseURL(p)
		}
	case "write-out":
		r.writeOut = val
	case "upload-file":
		r.upload = true
	case "dump-header":
		if val == "-" {
			c.Include = true
		}
	case "location":
		c.Location = true
	case "location-trusted":
		c.Location, c.LocationTrusted = true, true
	case "include", "show-headers":
		c.Include = true
	case "head":
		c.Head = true
	case "get":
		c.Get = true
	case "verbose", "trace", "trace-ascii":
		c.Verbose = true
	case "fail", "fail-with-body":
		c.Fail = true
	}
}

// curlHeaderArg reads -H "Name: value". "Name:" removes a header curl would
// send; "Name;" sends it empty.
func curlHeaderArg(v string) curlRawHeader {
	if i := strings.IndexAny(v, ":;"); i > 0 {
		name := strings.TrimSpace(v[:i])
		val := strings.TrimLeft(v[i+1:], " \t")
		if v[i] == ';' {
			if strings.TrimSpace(val) == "" {
				val = ""
				return curlRawHeader{name: name, value: &val}
			}
			// A ';' inside a value is not the empty-header form.
			j := strings.IndexByte(v, ':')
			if j < 0 {
				return curlRawHeader{name: strings.TrimSpace(v)}
			}
			name, val = strings.TrimSpace(v[:j]), strings.TrimLeft(v[j+1:], " \t")
		}
		if strings.TrimSpace(val) == "" {
			return curlRawHeader{name: name} // removal
		}
		return curlRawHeader{name: name, value: &val}
	}
	return curlRawHeader{name: strings.TrimSpace(v)}
}

// curlURLEncodeData applies --data-urlencode's forms: "content", "=content",
// "name=content"; "@file" and "name@file" read files and are skipped.
func curlURLEncodeData(v string) (string, bool) {
	eq := strings.IndexByte(v, '=')
	at := strings.IndexByte(v, '@')
	if at >= 0 && (eq < 0 || at < eq) {
		return "", false
	}
	if eq < 0 {
		return url.QueryEscape(v), true
	}
	if eq == 0 {
		return url.QueryEscape(v[1:]), true
	}
	return v[:eq] + "=" + url.QueryEscape(v[eq+1:]), true
}

func curlFormArg(v string, literal bool) curlFormPart {
	name, val, _ := strings.Cut(v, "=")
	p := curlFormPart{name: name, value: val}
	if !literal && (strings.HasPrefix(val, "@") || strings.HasPrefix(val, "<")) {
		p.file, p.value = true, ""
	}
	return p
}

// addURL records a transfer URL as curl would read it: a missing scheme
// means http (curl guesses ftp only for ftp.* hosts).
func (c *CurlCommand) addURL(u string) {
	u = strings.TrimSpace(u)
	if !curlLooksLikeURL(u) {
		return
	}
	if !strings.Contains(u, "://") {
		if strings.HasPrefix(strings.ToLower(u), "ftp.") {
			u = "ftp://" + u
		} else {
			u = "http://" + u
		}
	}
	c.raw.urls = append(c.raw.urls, u)
}

// curlLooksLikeURL accepts an explicit scheme, or a host with a dot, a port or
// localhost, so prose words after "curl" are not taken as URLs.
func curlLooksLikeURL(u string) bool {
	if u == "" || strings.ContainsAny(u, " \t\n") {
		return false
	}
	if i := strings.Index(u, "://"); i > 0 {
		return true
	}
	host := u
	if i := strings.IndexAny(host, "/?#"); i >= 0 {
		host = host[:i]
	}
	if j := strings.LastIndexByte(host, '@'); j >= 0 {
		host = host[j+1:]
	}
	if strings.HasPrefix(host, "[") {
		return strings.Contains(host, "]")
	}
	h := host
	if i := strings.LastIndexByte(h, ':'); i >= 0 {
		h = h[:i]
	}
	if strings.EqualFold(h, "localhost") {
		return true
	}
	if !strings.Contains(h, ".") || strings.HasPrefix(h, ".") || strings.HasSuffix(h, ".") {
		return false
	}
	for i := 0; i < len(h); i++ {
		ch := h[i]
		if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '.' || ch == '-' || ch == '_') {
			return false
		}
	}
	return true
}

// finish derives the method, headers, body and URLs.
func (c *CurlCommand) finish(o Options) {
	r := c.raw
	if len(r.urlQuery) > 0 || c.Get && len(r.data) > 0 {
		extra := append(append([]string(nil), r.urlQuery...), r.data...)
		if !c.Get {
			extra = r.urlQuery
		}
		for i, u := range r.urls {
			r.urls[i] = curlAppendQuery(u, strings.Join(extra, "&"))
		}
	}
	for _, u := range r.urls {
		c.URLs = append(c.URLs, ParseURL(u))
	}
	switch {
	case c.ExplicitMethod != "":
		c.Method = strings.ToUpper(c.ExplicitMethod)
	case c.Head:
		c.Method = "HEAD"
	case c.Get:
		c.Method = "GET"
	case c.HasBody:
		c.Method = "POST"
	case r.upload:
		c.Method = "PUT"
	default:
		c.Method = "GET"
	}
	c.raw.opts = o
}

// build fills Headers and Body, once.
func (c *CurlCommand) build() {
	if c.raw.built {
		return
	}
	c.raw.built = true
	c.Headers = c.commandHeaders(0)
	c.Body = Body{Size: -1}
	if !c.Get {
		c.Body = c.body(c.raw.opts)
	}
}

// curlAppendQuery adds a query to a raw URL, before any fragment.
func curlAppendQuery(u, q string) string {
	if q == "" {
		return u
	}
	frag := ""
	if i := strings.IndexByte(u, '#'); i >= 0 {
		u, frag = u[:i], u[i:]
	}
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	return u + sep + q + frag
}

// commandHeaders builds the headers curl sends for transfer i (its URL may
// carry user:password, which curl turns into Basic auth).
func (c *CurlCommand) commandHeaders(i int) Headers {
	r := c.raw
	var hs Headers
	set := map[string]bool{}
	for _, h := range r.headers {
		set[strings.ToLower(h.name)] = true
		if h.value != nil {
			hs = append(hs, NewHeader(h.name, *h.value))
		}
	}
	add := func(name, value string) {
		if value == "" || set[strings.ToLower(name)] {
			return
		}
		set[strings.ToLower(name)] = true
		hs = append(hs, NewHeader(name, value))
	}
	user := r.user
	if user == "" && i < len(r.urls) {
		if u, err := url.Parse(r.urls[i]); err == nil && u.User != nil {
			user = u.User.String()
			if un, err := url.PathUnescape(user); err == nil {
				user = un
			}
		}
	}
	switch {
	case r.bearer != "":
		add("Authorization", "Bearer "+r.bearer)
	case strings.Contains(user, ":"):
		add("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(user)))
	}
	add("Cookie", r.cookie)
	add("User-Agent", r.agent)
	add("Referer", r.referer)
	switch {
	case len(r.json) > 0:
		add("Content-Type", "application/json")
		add("Accept", "application/json")
	case len(r.form) > 0:
		add("Content-Type", "multipart/form-data")
	case len(r.data) > 0 && !c.Get:
		add("Content-Type", "application/x-www-form-urlencoded")
	}
	return hs
}

// curlMultipartBoundary is fixed so a rebuilt -F body is reproducible.
const curlMultipartBoundary = "------------------------authtriagecurlF"

// body builds the request body the data flags describe.
func (c *CurlCommand) body(o Options) Body {
	r := c.raw
	var b Body
	switch {
	case len(r.json) > 0:
		b.MimeType = "application/json"
		b.Text = strings.Join(r.json, "")
	case len(r.form) > 0:
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		_ = w.SetBoundary(curlMultipartBoundary)
		for _, p := range r.form {
			if p.file {
				_, _ = w.CreateFormFile(p.name, "file")
				continue
			}
			_ = w.WriteField(p.name, p.value)
		}
		_ = w.Close()
		b.MimeType = w.FormDataContentType()
		b.Text = buf.String()
	case len(r.data) > 0:
		b.MimeType = "application/x-www-form-urlencoded"
		b.Text = strings.Join(r.data, "&")
	default:
		return Body{Size: -1}
	}
	if ct := c.contentType(); ct != "" && len(r.form) == 0 {
		b.MimeType = ct
	}
	b.Size = int64(len(b.Text))
	if len(b.Text) > o.MaxBody {
		b.Text, b.Truncated = b.Text[:o.MaxBody], true
	}
	b.Fields = ParseBodyFields(b.MimeType, b.Text, o)
	return b
}

// contentType is a Content-Type given with -H, or "".
func (c *CurlCommand) contentType() string {
	for _, h := range c.raw.headers {
		if strings.EqualFold(h.name, "Content-Type") && h.value != nil {
			return strings.TrimSpace(*h.value)
		}
	}
	return ""
}

// curlShellSplit splits a command line into words the way a POSIX shell would
// (quotes, backslash escapes, $'...'), stopping at an unquoted pipe, ';',
// '&' or redirection, and tolerating cmd.exe double quotes. Unbalanced
// quotes end the last word at the end of the text.
func curlShellSplit(s string) []string {
	var words []string
	var cur strings.Builder
	inWord := false
	flush := func() {
		if inWord {
			words = append(words, cur.String())
		}
		cur.Reset()
		inWord = false
	}
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r':
			flush()
		case ch == '\\':
			if i+1 < len(s) {
				i++
				if s[i] != '\n' {
					cur.WriteByte(s[i])
					inWord = true
				}
			}
		case ch == '\'':
			inWord = true
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				cur.WriteString(s[i+1:])
				i = len(s)
				break
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
		case ch == '$' && i+1 < len(s) && s[i+1] == '\'':
			inWord = true
			i = curlANSICQuote(s, i+2, &cur)
		case ch == '"':
			inWord = true
			i = curlDoubleQuote(s, i+1, &cur)
		case ch == '|' || ch == ';' || ch == '&':
			flush()
			return words
		case ch == '>' || ch == '<':
			// Redirection: drop "2" of "2>" and the target word.
			if inWord && (cur.String() == "2" || cur.String() == "1") {
				cur.Reset()
				inWord = false
			}
			flush()
			for i+1 < len(s) && (s[i+1] == '>' || s[i+1] == '&') {
				i++
			}
			for i+1 < len(s) && (s[i+1] == ' ' || s[i+1] == '\t') {
				i++
			}
			for i+1 < len(s) && s[i+1] != ' ' && s[i+1] != '\t' {
				i++
			}
		case ch == '#' && !inWord:
			flush()
			return words
		default:
			cur.WriteByte(ch)
			inWord = true
		}
	}
	flush()
	return words
}

// curlDoubleQuote copies a "..." word body from s[i:] and returns the index of
// the closing quote (or the end).
func curlDoubleQuote(s string, i int, cur *strings.Builder) int {
	for ; i < len(s); i++ {
		switch s[i] {
		case '"':
			return i
		case '\\':
			if i+1 < len(s) && strings.IndexByte("\"\\$`\n", s[i+1]) >= 0 {
				i++
				if s[i] != '\n' {
					cur.WriteByte(s[i])
				}
				continue
			}
			cur.WriteByte('\\')
		default:
			cur.WriteByte(s[i])
		}
	}
	return len(s)
}

// curlANSICQuote copies a $'...' body with its escapes and returns the index of
// the closing quote.
func curlANSICQuote(s string, i int, cur *strings.Builder) int {
	for ; i < len(s); i++ {
		switch s[i] {
		case '\'':
			return i
		case '\\':
			if i+1 >= len(s) {
				continue
			}
			i++
			switch s[i] {
			case 'n':
				cur.WriteByte('\n')
			case 't':
				cur.WriteByte('\t')
			case 'r':
				cur.WriteByte('\r')
			default:
				cur.WriteByte(s[i])
			}
		default:
			cur.WriteByte(s[i])
		}
	}
	return len(s)
}
