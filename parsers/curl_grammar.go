package parsers

import (
	"regexp"
	"strconv"
	"strings"
)

// The exchange grammar of a transcript (research/formats.md §1.4): "*" lines
// give hints, ">" blocks open requests, "<" blocks answer them, unprefixed
// lines are bodies, -i headers, their echo, or prose. Each handler moves the
// reader through its phases; trace records are replayed as the lines -v
// would have printed.

var (
	reRequestLine = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9!#$%&'*+.^_` + "`" + `|~-]{0,31}) +(\S+) +(HTTP/\d(?:\.\d)?)$`)
	reStatusLine  = regexp.MustCompile(`^(HTTP/\d(?:\.\d)?) +(\d{3})(?: +(.*))?$`)
	reReturnedErr = regexp.MustCompile(`returned error: (\d{3})`)
	rePseudo      = regexp.MustCompile(`^(?:\[HTTP/[23]\] \[\d+\] |h2h3 |h2 |h3 )\[(:?[A-Za-z0-9_-]+): (.*)\]$`)
	reOpened      = regexp.MustCompile(`^\[HTTP/[23]\] \[\d+\] OPENED stream for (\S+)`)
	reIssue       = regexp.MustCompile(`^Issue another request to this URL: '(.*)'`)
	reConnected   = regexp.MustCompile(`^(?:Connected to|Established connection to) (\S+) \(([^)]*)\)(?: port (\d+))?`)
	reAuthUsing   = regexp.MustCompile(`^(Server|Proxy) auth using ([A-Za-z0-9_-]+) with user`)
	reCurlVersion = regexp.MustCompile(`\bcurl/(\d+)\.\d+`)
)

// curlSplitHeader splits "Name: value"; ok is false when there is no valid name.
func curlSplitHeader(s string) (name, value string, ok bool) {
	i := strings.IndexByte(s, ':')
	if i <= 0 {
		return "", "", false
	}
	name = s[:i]
	for j := 0; j < len(name); j++ {
		if !isTokenChar(name[j]) {
			return "", "", false
		}
	}
	return name, strings.TrimLeft(s[i+1:], " \t"), true
}

// info reads hints from a "*" line. Only the facts named here are taken:
// the rest of the line (which may hold credentials) is dropped.
func (r *curlReader) info(text string) {
	t := strings.TrimLeft(text, " ")
	switch {
	case strings.HasPrefix(t, "Trying "):
		r.conn = curlConnHints{}
		r.tunnel = nil
		r.markNewTransfer()
	case strings.HasPrefix(t, "Connected to ") || strings.HasPrefix(t, "Established connection"):
		m := reConnected.FindStringSubmatch(t)
		if m == nil {
			break
		}
		if m[3] != "" {
			r.conn.port = m[3]
		} else if i := strings.LastIndex(m[2], "port "); i >= 0 {
			r.conn.port = strings.TrimSpace(m[2][i+5:])
		}
		if r.conn.port == "443" {
			r.conn.tls = true
		}
	case strings.HasPrefix(t, "SSL connection using"), strings.HasPrefix(t, "TLSv1"), strings.HasPrefix(t, "ALPN"),
		strings.HasPrefix(t, "Server certificate"), strings.HasPrefix(t, "schannel"), strings.HasPrefix(t, "SSL certificate verif"),
		strings.HasPrefix(t, "CAfile"), strings.HasPrefix(t, "SSL Trust Anchors"), strings.HasPrefix(t, "subjectAltName"):
		r.conn.tls = true
	case strings.HasPrefix(t, "Issue another request to this URL:"):
		if m := reIssue.FindStringSubmatch(t); m != nil {
			r.nextURL = m[1]
		}
	case strings.HasPrefix(t, "Connection #") && strings.Contains(t, "left intact"), strings.HasPrefix(t, "Closing connection"),
		strings.HasPrefix(t, "shutting down connection"):
		r.transferDone()
	case strings.HasPrefix(t, "Could not resolve"), strings.HasPrefix(t, "Hostname "), strings.HasPrefix(t, "Re-using existing"),
		strings.HasPrefix(t, "Reusing existing"), strings.HasPrefix(t, "Connecting to"), strings.HasPrefix(t, "Found bundle"),
		strings.HasPrefix(t, "processing: "), strings.HasPrefix(t, "Resolving"), strings.HasPrefix(t, "Uses proxy env"),
		strings.HasPrefix(t, "Failed to connect"), strings.HasPrefix(t, "connect to "), strings.HasPrefix(t, "Host ") && strings.Contains(t, "was resolved"):
		r.markNewTransfer()
	case strings.Contains(t, " auth using "):
		m := reAuthUsing.FindStringSubmatch(t)
		switch {
		case m == nil:
		case m[1] == "Server":
			r.serverAuth = m[2]
		default:
			r.proxyAuth = m[2]
		}
	}
	if !strings.HasPrefix(t, "[HTTP/") && !strings.HasPrefix(t, "h2") && !strings.HasPrefix(t, "h3 ") {
		r.wording(t)
		return
	}
	// Cheap tests first: most of these lines are neither.
	if strings.Contains(t, "] OPENED stream for ") {
		if m := reOpened.FindStringSubmatch(t); m != nil {
			r.conn.opened = m[1]
			r.conn.tls = r.conn.tls || strings.HasPrefix(m[1], "https:")
		}
	}
	if strings.HasSuffix(t, "]") {
		r.pseudoHeader(t)
	}
	r.wording(t)
}

// pseudoHeader takes :scheme, :authority and the curl version from an
// HTTP/2 or HTTP/3 "[name: value]" line.
func (r *curlReader) pseudoHeader(t string) {
	m := rePseudo.FindStringSubmatch(t)
	if m == nil {
		return
	}
	switch m[1] {
	case ":scheme":
		r.conn.scheme = strings.ToLower(m[2])
	case ":authority":
		r.conn.authority = m[2]
	case "user-agent":
		r.version(m[2])
	}
}

// transferDone ends a body already read when curl reports the connection
// done: on a terminal the body is printed before that line, so what
// follows is prose or the next command. A body not yet seen (stdout to a
// pipe is printed last) stays open.
func (r *curlReader) transferDone() {
	if c := r.cur; r.phase == phBody && c != nil && c.body.Len() > 0 && !c.bodyTrace {
		r.phase = phIdle
	}
}

// markNewTransfer notes that a new transfer began after the open exchange
// got its answer, so a later "curl: (N)" or -w code is not the open one's.
func (r *curlReader) markNewTransfer() {
	if r.cur != nil && (r.cur.final || r.cur.exit != "") {
		r.newTransfer = true
	}
}

// version takes the major version from a curl/N.M product token.
func (r *curlReader) version(s string) {
	if r.major != "" || !strings.Contains(s, "curl/") {
		return
	}
	if m := reCurlVersion.FindStringSubmatch(s); m != nil {
		r.major = m[1]
	}
}

// wording guesses the major version from messages only one version prints
// (research/formats.md §1.10).
func (r *curlReader) wording(t string) {
	if r.weakMajor != "" {
		return
	}
	switch {
	case strings.HasPrefix(t, "ALPN: curl offers"), strings.HasPrefix(t, "[HTTP/2] ["), strings.HasPrefix(t, "[HTTP/3] ["),
		strings.HasPrefix(t, "Request completely sent off"), strings.HasPrefix(t, "Established connection to"):
		r.weakMajor = "8" // 8.3+, 8.7+, 8.16+
	case strings.HasPrefix(t, "ALPN, offering"), strings.HasPrefix(t, "Using HTTP2, server supports"),
		strings.HasPrefix(t, "Mark bundle as not supporting"):
		r.weakMajor = "7" // gone in 7.83, 7.88, 7.88
	}
}

// sent handles a ">" line.
func (r *curlReader) sent(text string, trail int) {
	t := strings.TrimRight(text, " \t")
	switch r.phase {
	case phReq:
		if t == "" {
			r.endRequest()
			return
		}
		r.reqHeader(text + strings.Repeat("\r", trail))
		return
	case phSkip:
		if t == "" || !reRequestLine.MatchString(t) {
			return
		}
	}
	if t == "" {
		return // a stray terminator
	}
	m := reRequestLine.FindStringSubmatch(t)
	if m == nil {
		r.errorf("request line is not METHOD TARGET HTTP/VERSION; block skipped")
		r.skipRequest()
		return
	}
	r.startRequest(strings.ToUpper(m[1]), m[2], m[3])
}

// startRequest opens an exchange (or a CONNECT block) at a request line.
func (r *curlReader) startRequest(method, target, proto string) {
	r.flushOpen()
	c := &curlExchange{line: r.line, off: r.off, method: method, target: target, proto: proto,
		sentLines: true, hints: r.conn, tunnel: r.tunnel, serverAuth: r.serverAuth}
	r.serverAuth = ""
	if method == "CONNECT" {
		c.connect = true
	} else {
		r.place(c)
	}
	r.cur = c
	r.newTransfer = false
	r.phase = phReq
}

// skipRequest drops a garbled request block. It still was a request of the
// command, so the next one is matched with the next URL.
func (r *curlReader) skipRequest() {
	r.flushOpen()
	dummy := &curlExchange{}
	r.place(dummy)
	r.last = dummy
	r.phase = phSkip
}

// place decides a new exchange's transfer, hop and base URL: a hop after
// "Issue another request", else the next URL of the command line.
func (r *curlReader) place(c *curlExchange) {
	if r.nextURL != "" && r.last != nil {
		c.transfer, c.hop, c.base = r.last.transfer, r.last.hop+1, r.nextURL
		r.nextURL = ""
		return
	}
	r.nextURL = ""
	r.transfers++
	c.transfer, c.hop = r.transfers, 1
	if r.cmd != nil && r.transfers <= len(r.cmd.raw.urls) {
		c.base = r.cmd.raw.urls[r.transfers-1]
	}
}

func (r *curlReader) reqHeader(text string) {
	c := r.cur
	if len(c.reqHeaders) >= maxCurlHeaders {
		if !c.tooMany {
			c.tooMany = true
			r.errorf("more than %d request headers; the rest skipped", maxCurlHeaders)
		}
		return
	}
	name, value, ok := curlSplitHeader(text)
	if !ok {
		if !c.badHeader {
			c.badHeader = true
			r.errorf("request header line without a valid name and colon skipped")
		}
		return
	}
	c.reqHeaders = append(c.reqHeaders, curlHeader{name, value})
	if strings.EqualFold(name, "User-Agent") {
		r.version(value)
	}
}

func (r *curlReader) endRequest() {
	r.phase = phAwait
}

// recv handles a "<" line.
func (r *curlReader) recv(text string) {
	t := strings.TrimRight(text, " \t\r")
	switch r.phase {
	case phResp:
		if t == "" {
			r.endResponse()
			return
		}
		if !reStatusLine.MatchString(t) {
			r.respHeader(t)
			return
		}
		// A status line inside a block: the previous block lost its
		// terminator (curl 7.88 prints none after "100 Continue").
		r.endResponse()
		if r.phase == phIdle || r.cur == nil {
			return
		}
	case phSkip:
		return
	case phSkipResp:
		if t == "" {
			r.phase = phIdle
			if r.cur != nil && !r.cur.final {
				r.phase = phAwait
			}
		}
		return
	}
	if t == "" {
		return
	}
	m := reStatusLine.FindStringSubmatch(t)
	if m == nil {
		r.errorf("status line is not HTTP/VERSION CODE; block skipped")
		r.phase = phSkipResp
		return
	}
	c := r.cur
	switch {
	case c != nil && (r.phase == phReq || r.phase == phAwait):
		// A request waiting for its answer (a missing ">" terminator is
		// tolerated).
	case c != nil && c.bare && c.final && !c.sentLines:
		// "-iv" where the bare echo came first: the "<" block wins.
	default:
		if c = r.orphan(); c == nil {
			r.errorf("response without a request: no \"> \" lines or command line say what was asked; block skipped")
			r.phase = phSkip
			return
		}
	}
	r.openResponse(c, m, t)
	c.bare = false
	r.phase = phResp
}

// orphan makes the exchange a response without a visible request belongs
// to: the next transfer or redirect hop of the command line.
func (r *curlReader) orphan() *curlExchange {
	r.flushOpen()
	return r.newReconstructed()
}

func (r *curlReader) openResponse(c *curlExchange, m []string, line string) {
	code, _ := strconv.Atoi(m[2])
	reason := plainReason(m[3])
	c.resp = &curlResp{status: code, reason: reason, proto: m[1]}
	c.final = code >= 200
	c.body.Reset()
	c.bodyOver, c.bodyTrace = false, false
	r.remember(line)
}

// plainReason keeps a reason phrase that reads like words ("Unauthorized",
// "Connection established"): a garbled line or export could put a token
// there, and StatusText is shown as is.
func plainReason(s string) string {
	if len(s) > 100 {
		return ""
	}
	for _, w := range strings.Fields(s) {
		if len(w) > 24 {
			return ""
		}
	}
	return s
}

// remember keeps the last status lines to recognise the -i echo later.
func (r *curlReader) remember(line string) {
	if len(r.recent) == maxRecent {
		copy(r.recent, r.recent[1:])
		r.recent = r.recent[:maxRecent-1]
	}
	r.recent = append(r.recent, line)
}

func (r *curlReader) recentLine(t string) bool {
	for _, s := range r.recent {
		if s == t {
			return true
		}
	}
	return false
}

func (r *curlReader) respHeader(t string) {
	c := r.cur
	p := c.resp
	if len(p.headers) >= maxCurlHeaders {
		if !c.tooMany {
			c.tooMany = true
			r.errorf("more than %d response headers; the rest skipped", maxCurlHeaders)
		}
		return
	}
	if (t[0] == ' ' || t[0] == '\t') && len(p.headers) > 0 {
		// obs-fold: a continuation of the previous header value, capped
		// like a line so a flood of folds cannot grow it without bound.
		if h := &p.headers[len(p.headers)-1]; len(h.value)+len(t) <= r.opts.MaxLine {
			h.value += " " + strings.TrimSpace(t)
		}
		return
	}
	name, value, ok := curlSplitHeader(t)
	if !ok {
		if !c.badHeader {
			c.badHeader = true
			r.errorf("response header line without a valid name and colon skipped")
		}
		return
	}
	p.headers = append(p.headers, curlHeader{name, strings.TrimRight(value, " \t\r")})
}

// endResponse ends a "<" block: a CONNECT answer becomes tunnel context, a
// 1xx is dropped, a final response opens its body.
func (r *curlReader) endResponse() {
	c := r.cur
	switch {
	case c.connect:
		r.endConnect(c)
	case !c.final:
		c.resp = nil
		r.phase = phAwait
	default:
		r.phase = phBody
	}
}

func (r *curlReader) endConnect(c *curlExchange) {
	t := &curlTunnel{auth: r.proxyAuth}
	if !strings.ContainsAny(c.target, "@/?#") {
		t.target = c.target // host:port, nothing else
	}
	if c.resp != nil {
		t.status = strconv.Itoa(c.resp.status)
	}
	for _, h := range c.reqHeaders {
		if strings.EqualFold(h.name, "Proxy-Authorization") {
			if w, _, _ := strings.Cut(strings.TrimSpace(h.value), " "); w != "" && curlSchemeWordShape(w) {
				t.auth = w
			}
		}
	}
	if c.resp != nil && c.resp.status < 200 {
		c.resp = nil
		r.phase = phAwait
		return
	}
	r.tunnel = t
	r.cur = nil
	r.phase = phIdle
}

// curlSchemeWordShape accepts a short alphabetic word, so a credential written
// without a scheme is never kept as "the scheme".
func curlSchemeWordShape(w string) bool {
	if len(w) > 20 {
		return false
	}
	for i := 0; i < len(w); i++ {
		ch := w[i]
		if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch == '-') {
			return false
		}
	}
	return true
}

// curlError handles "curl: (N) message".
func (r *curlReader) curlError(text string) {
	m := reCurlErr.FindStringSubmatch(text)
	code := m[1]
	status := 0
	if mm := reReturnedErr.FindStringSubmatch(m[2]); mm != nil && code == "22" {
		status, _ = strconv.Atoi(mm[1])
	}
	c := r.cur
	if c == nil || c.connect || r.newTransfer || c.exit != "" {
		if !r.errorIsNextTransfer(code, m[2]) {
			return
		}
		if c = r.orphan(); c == nil {
			return
		}
	}
	c.exit = code
	if status > 0 && c.resp == nil {
		c.resp = &curlResp{status: status}
		c.final, c.statusOnly = true, true
	}
	if r.phase == phResp {
		r.phase = phIdle
	}
	r.closeBody()
}

// reErrHost finds the host a connection error names.
var reErrHost = regexp.MustCompile(`(?:resolve host|resolve proxy|connect to):? '?([^ ':]+)`)

// errorIsNextTransfer decides whether a "curl: (N)" line is the end of the
// command's next transfer. Errors that send no request (3: a malformed URL,
// 2, 1, 26: a missing -d @file) and errors about another host come from
// words curl took for URLs: an unquoted header value on cmd.exe, "-H -H"
// (research/formats.md §1.6).
func (r *curlReader) errorIsNextTransfer(code, msg string) bool {
	switch code {
	case "1", "2", "3", "26":
		return false
	}
	m := reErrHost.FindStringSubmatch(msg)
	if m == nil || r.cmd == nil || r.transfers >= len(r.cmd.raw.urls) || r.nextURL != "" {
		return true
	}
	u := ParseURL(r.cmd.raw.urls[r.transfers])
	return strings.EqualFold(m[1], u.Hostname()) || r.cmd.HasProxy
}

// plain handles a line without a prefix: body, -i headers, echo or prose.
func (r *curlReader) plain(text string) {
	t := strings.TrimRight(text, " \t")
	switch r.phase {
	case phReq:
		if t == "" {
			if r.cur.libcurl {
				r.endRequest()
			}
			return
		}
		if _, _, ok := curlSplitHeader(t); ok && !r.cur.connect || ok && r.cur.libcurl {
			r.cur.libcurl = true
			r.reqHeader(text)
		}
		return
	case phResp:
		return // the -iv echo printed inside the "<" block, or noise
	case phEcho:
		if t == "" {
			r.phase = phBody
		}
		return
	case phBare:
		if t == "" {
			r.endBare()
			return
		}
		r.bareHeader(t)
		return
	case phSkip, phSkipResp:
		return
	}
	if r.writeOut(t) {
		return
	}
	if m := reStatusLine.FindStringSubmatch(t); m != nil {
		r.bareStatus(m, t)
		return
	}
	if r.phase == phBody {
		r.appendBody(text)
	}
}

// writeOut takes the code -w '%{http_code}' prints.
func (r *curlReader) writeOut(t string) bool {
	if r.cmd == nil || !r.cmd.writeOutStatus() || len(t) != 3 || !allDigits(t) {
		return false
	}
	c := r.cur
	if c != nil && !c.connect && !r.newTransfer && !c.wroteOut && (c.final || c.exit != "") {
		c.wroteOut = true // the code of the transfer the transcript shows
		return true
	}
	if c = r.orphan(); c == nil {
		return true
	}
	c.wroteOut = true
	if code, _ := strconv.Atoi(t); code >= 100 {
		c.resp = &curlResp{status: code}
		c.final, c.statusOnly = true, true
	}
	r.phase = phIdle
	return true
}

// bareStatus handles an unprefixed status line: the -i echo of a response
// already read, the next -L hop of -i output, or a response whose request
// only the command line shows.
func (r *curlReader) bareStatus(m []string, t string) {
	c := r.cur
	switch {
	case c != nil && r.phase == phAwait && !c.connect:
		// A request is waiting: this is its answer, printed bare.
	case r.recentLine(t) && (r.phase == phBody || r.phase == phIdle):
		r.phase = phEcho
		return
	default:
		if c = r.orphan(); c == nil {
			r.errorf("response headers without a request: no \"> \" lines or command line say what was asked; block skipped")
			r.phase = phEcho
			return
		}
	}
	r.openResponse(c, m, t)
	c.bare = true
	r.phase = phBare
}

func (r *curlReader) bareHeader(t string) {
	c := r.cur
	if len(c.resp.headers) >= maxCurlHeaders {
		return
	}
	if name, value, ok := curlSplitHeader(t); ok {
		c.resp.headers = append(c.resp.headers, curlHeader{name, value})
	}
}

// endBare ends an unprefixed header block.
func (r *curlReader) endBare() {
	c := r.cur
	r.phase = phBody
	if c == nil || c.resp == nil {
		r.phase = phIdle
		return
	}
	switch {
	case strings.Contains(strings.ToLower(c.resp.reason), "connection established") && c.resp.status < 300:
		// -i prints the proxy's CONNECT answer too: tunnel context.
		r.tunnel = &curlTunnel{status: strconv.Itoa(c.resp.status), auth: r.proxyAuth}
		c.tunnel = r.tunnel
		c.resp, c.final, c.bare = nil, false, false
		r.phase = phAwait
	case !c.final:
		c.resp, c.bare = nil, false
		r.phase = phAwait
	}
}

// appendBody adds a stdout line to the open response's body, capped.
func (r *curlReader) appendBody(text string) {
	c := r.cur
	if c == nil || c.resp == nil || !c.final || c.bodyTrace || c.statusOnly {
		return
	}
	if c.body.Len() == 0 && (strings.HasPrefix(text, "Note: ") || strings.HasPrefix(text, "Warning: ")) {
		return // curl's own warnings on stderr
	}
	if c.body.Len() > 0 || text != "" {
		r.addBody(c, text, true)
	}
}

func (r *curlReader) addBody(c *curlExchange, text string, newline bool) {
	if c.bodyOver {
		return
	}
	n := len(text)
	if newline && c.body.Len() > 0 {
		n++
	}
	if c.body.Len()+n > r.opts.MaxBody {
		c.bodyOver = true
		room := r.opts.MaxBody - c.body.Len()
		if newline && c.body.Len() > 0 && room > 0 {
			c.body.WriteByte('\n')
			room--
		}
		if room > 0 {
			c.body.WriteString(text[:min(room, len(text))])
		}
		return
	}
	if newline && c.body.Len() > 0 {
		c.body.WriteByte('\n')
	}
	c.body.WriteString(text)
}

// finishTrace ends the open --trace record and replays its bytes as the
// lines -v would have printed.
func (r *curlReader) finishTrace() {
	t := r.trace
	if t == nil {
		return
	}
	r.trace = nil
	if !t.relevant() {
		return
	}
	line, off := r.line, r.off
	r.line, r.off = t.line, t.off
	defer func() { r.line, r.off = line, off }()
	if t.bad {
		r.errorf("trace record with a malformed dump line skipped")
		return
	}
	b := t.bytes()
	switch {
	case t.header:
		lines := strings.Split(string(b), "\n")
		if n := len(lines); n > 0 && lines[n-1] == "" {
			lines = lines[:n-1]
		}
		for _, l := range lines {
			// One CR belongs to the line's CRLF; more are part of the
			// value (a token read from a CRLF file).
			l, trail := cutTrailingCRs(strings.TrimSuffix(l, "\r"))
			if t.out {
				r.sent(l, trail)
				if r.cur != nil {
					r.cur.traced = true
				}
			} else {
				r.recv(l)
			}
		}
	case t.out:
		if c := r.cur; c != nil && !c.connect {
			if len(c.reqBody)+len(b) > r.opts.MaxBody {
				c.reqBodyOver = true
				b = b[:max(0, r.opts.MaxBody-len(c.reqBody))]
			}
			c.reqBody = append(c.reqBody, b...)
		}
	default:
		if c := r.cur; c != nil && c.resp != nil && c.final && !c.statusOnly {
			if !c.bodyTrace {
				c.body.Reset()
				c.bodyOver = false
			}
			c.bodyTrace = true
			c.bodyASCII = t.hex == -1
			r.addBody(c, string(b), false)
			if r.phase == phResp {
				r.phase = phBody
			}
		}
	}
}
