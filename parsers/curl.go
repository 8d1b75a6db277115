package parsers

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"
)

// Extras keys the curl reader sets. Values never hold a credential: header
// names, flags, statuses and scheme words only.
const (
	// CurlExtraCommand is "1" when a curl command line was found for the
	// exchange.
	CurlExtraCommand = "curl_command"
	// CurlExtraLocation is "-L" (or "--location-trusted") when the command
	// follows redirects.
	CurlExtraLocation = "curl_location"
	// CurlExtraLocationTrusted is "1" for --location-trusted: credentials
	// are sent to every hop.
	CurlExtraLocationTrusted = "curl_location_trusted"
	// CurlExtraCommandHeaders lists, comma-separated and without values, the
	// headers the command line asks for (-H, and Authorization for -u or
	// --oauth2-bearer, Cookie for -b, ...). CurlCommand.Headers has the
	// values, as Secrets.
	CurlExtraCommandHeaders = "curl_command_headers"
	// CurlExtraHeadersNotSent lists the command-line header names missing
	// from this request's ">" lines: curl dropped them (it drops
	// Authorization and Cookie on a redirect to another host, port or
	// scheme) — evidence for credentials-dropped-on-redirect.
	CurlExtraHeadersNotSent = "curl_command_headers_not_sent"
	// CurlExtraTransfer is the 1-based transfer (URL of the command line).
	CurlExtraTransfer = "curl_transfer"
	// CurlExtraHop is the 1-based request within a transfer: 2 and more
	// follow a redirect or an authentication round.
	CurlExtraHop = "curl_hop"
	// CurlExtraEvidence says what the exchange was read from: "verbose"
	// (> and < lines), "trace" (--trace/--trace-ascii), "include" (bare
	// headers of -i/-I/-D -), "status" (only -w or a "curl: (22)" error
	// gave the status), "command" (only the command line).
	CurlExtraEvidence = "curl_evidence"
	// CurlExtraReconstructed is "1" when the transcript shows no request:
	// method, URL and headers were rebuilt from the command line, so
	// shell variables in it may not be what was sent.
	CurlExtraReconstructed = "curl_request_from_command"
	// CurlExtraMethodFlag is the -X value when given.
	CurlExtraMethodFlag = "curl_request_method"
	// CurlExtraProxy is the -x proxy URL, redacted.
	CurlExtraProxy = "curl_proxy"
	// CurlExtraTunnel is the CONNECT target (host:port) the request went
	// through; the tunnel itself is not an exchange.
	CurlExtraTunnel = "curl_proxy_tunnel"
	// CurlExtraTunnelStatus is the proxy's answer to CONNECT.
	CurlExtraTunnelStatus = "curl_proxy_status"
	// CurlExtraProxyAuth is the scheme of the Proxy-Authorization sent on
	// CONNECT (scheme word only).
	CurlExtraProxyAuth = "curl_proxy_auth"
	// CurlExtraServerAuth is the scheme of "* Server auth using X with user
	// '…'" (the user name is not kept).
	CurlExtraServerAuth = "curl_server_auth"
	// CurlExtraExit is curl's exit code from a "curl: (N) …" line.
	CurlExtraExit = "curl_exit"
)

// curlPhase is where the reader is in the exchange grammar
// (research/formats.md §1.4).
type curlPhase uint8

const (
	phIdle     curlPhase = iota // between blocks
	phReq                       // inside a ">" block
	phAwait                     // request sent, no final response yet
	phResp                      // inside a "<" block
	phBody                      // after a final response: stdout is its body
	phBare                      // inside an unprefixed (-i) header block
	phEcho                      // skipping an unprefixed echo of headers until a blank line
	phSkip                      // skipping a garbled request and its answer
	phSkipResp                  // skipping a "<" block with a garbled status line
)

const (
	maxCurlHeaders = 1000 // per block: a bigger one is garbage
	maxRecent      = 8    // status lines remembered to spot the -i echo
)

type curlItem struct {
	rec *Record
	err error
}

// connHints are facts from "*" lines about the connection the next request
// uses. Values may come from lines that carry credentials; they are kept
// only while reading and never copied into a record.
type connHints struct {
	tls       bool
	port      string
	opened    string // "[HTTP/2] [1] OPENED stream for URL"
	scheme    string // :scheme pseudo-header
	authority string // :authority pseudo-header
}

type tunnelInfo struct {
	target, status, auth string
}

type curlHeader struct{ name, value string }

// curlResp is a response being read.
type curlResp struct {
	status  int
	reason  string
	proto   string
	line    string // the status line as printed, for spotting the -i echo
	headers []curlHeader
}

func (p *curlResp) hasLine(s string) bool {
	if s == p.line {
		return true
	}
	name, val, ok := splitHeader(s)
	if !ok {
		return false
	}
	for _, h := range p.headers {
		if h.name == name && h.value == val {
			return true
		}
	}
	return false
}

// curlExchange is an exchange being read.
type curlExchange struct {
	line int
	off  int64

	method, target, proto string
	reqHeaders            []curlHeader
	sentLines             bool // the transcript shows the request
	traced                bool // ... through --trace records
	libcurl               bool // request headers without "> " (§1.11)
	connect               bool
	hints                 connHints
	base                  string // the URL the command line or a redirect names
	transfer, hop         int
	reconstructed         bool
	reqBody               []byte
	reqBodyOver           bool

	resp       *curlResp
	final      bool // resp is a final (not 1xx) response
	bare       bool // resp came from unprefixed -i lines
	statusOnly bool // only a -w code or "curl: (22)" gave the status
	wroteOut   bool // the -w code for this transfer was seen
	body       strings.Builder
	bodyOver   bool
	bodyTrace  bool // body came from trace data records
	bodyASCII  bool // ... of --trace-ascii, where LF prints as "."
	exit       string
	tunnel     *tunnelInfo
	serverAuth string
	badHeader  bool // one error per block for header lines without a colon
	tooMany    bool
}

// curlReader reads curl -v, --trace, --trace-ascii and -i transcripts.
type curlReader struct {
	name string
	opts Options
	sc   *LineScanner
	out  []curlItem
	done bool

	// physical lines
	indent    int
	indentSet bool
	inFence   bool
	prevOff   int64
	prevLen   int
	prevKind  curlLineKind
	havePrev  bool
	crlfAll   bool
	cont      *strings.Builder
	contLine  int
	contOff   int64
	trace     *traceRecord
	line      int
	off       int64

	// transcript
	cmd         *CurlCommand
	transfers   int
	phase       curlPhase
	cur         *curlExchange
	last        *curlExchange
	conn        connHints
	nextURL     string
	tunnel      *tunnelInfo
	proxyAuth   string
	serverAuth  string
	newTransfer bool
	recent      []string

	cmdLine int
	cmdOff  int64

	// schema
	major       string // from a curl/N.M version string
	weakMajor   string // from message wording
	sawTrace    bool
	sawInfoEq   bool // "== Info:" lines: a trace of curl before 8.17
	sawInfoStar bool
}

// NewCurlReader reads a curl transcript: -v output of curl 7 and 8 (HTTP/1.1,
// HTTP/2, h2c, proxies, redirects, several transfers), --trace and
// --trace-ascii dumps, -i/-I header output, and libcurl's built-in verbose
// output, pasted as is, indented, fenced or with CRLF endings. It yields one
// record per exchange: each request that got a final response or none.
// CONNECT tunnels, 1xx responses and the -i echo of headers are not
// exchanges.
func NewCurlReader(r io.Reader, name string, o Options) (Reader, error) {
	o = o.withDefaults()
	return &curlReader{name: name, opts: o, sc: NewLineScanner(r, name, o.MaxLine)}, nil
}

func (r *curlReader) Format() Format { return FormatCurl }

// Schema is curl7, curl8, … once the version shows (a curl/N User-Agent or
// message wording that only one major version prints), else curl.
func (r *curlReader) Schema() string {
	switch {
	case r.major != "":
		return "curl" + r.major
	case r.weakMajor != "":
		return "curl" + r.weakMajor
	case r.sawTrace && r.sawInfoStar && !r.sawInfoEq:
		return "curl8" // traces print "* " info lines since 8.17.0
	}
	return "curl"
}

func (r *curlReader) Next() (*Record, error) {
	for len(r.out) == 0 {
		if r.done {
			return nil, io.EOF
		}
		r.step()
	}
	it := r.out[0]
	r.out[0] = curlItem{}
	r.out = r.out[1:]
	return it.rec, it.err
}

// step reads one physical line.
func (r *curlReader) step() {
	line, num, off, err := r.sc.Next()
	if err != nil {
		var pe *ParseError
		switch {
		case errors.Is(err, io.EOF):
			r.finish()
			r.done = true
		case errors.As(err, &pe):
			r.out = append(r.out, curlItem{err: pe})
		default:
			r.finish()
			r.out = append(r.out, curlItem{err: err})
			r.done = true
		}
		return
	}
	r.physical(string(line), num, off)
}

// errorf queues a ParseError at the current line. Messages never quote input.
func (r *curlReader) errorf(format string, a ...any) {
	r.out = append(r.out, curlItem{err: &ParseError{File: r.name, Line: r.line, Entry: -1, Offset: r.off,
		Err: fmt.Errorf(format, a...)}})
}

// physical normalises one line (endings, meter, fences, indentation,
// --trace-time prefixes) and dispatches it.
func (r *curlReader) physical(s string, num int, off int64) {
	r.lineEnding(off)
	r.prevOff, r.prevLen, r.havePrev, r.prevKind = off, len(s), true, lkPlain
	r.line, r.off = num, off

	trail := 0
	for trail < len(s) && s[len(s)-1-trail] == '\r' {
		trail++
	}
	s = s[:len(s)-trail]
	if trail > 0 && r.crlfAll {
		trail-- // a Windows re-save of a capture: one CR is the line ending
	}
	s, ok := stripMeter(s)
	if !ok {
		return
	}
	if t := strings.TrimSpace(s); reFence.MatchString(t) {
		r.finishTrace()
		r.inFence = !r.inFence
		r.closeBody()
		return
	}
	s, ok = r.dedent(s)
	if !ok {
		return
	}
	if r.cont != nil {
		r.continueCommand(s)
		return
	}
	if r.trace != nil {
		if reDump.MatchString(s) {
			colon := strings.IndexByte(s, ':')
			r.trace.add(s[:colon], strings.TrimPrefix(s[colon+1:], " "))
			return
		}
		r.finishTrace()
	}
	s, _ = stripTracePrefix(s)
	kind, text := classify(s)
	if kind == lkInfo {
		r.sawInfoEq = r.sawInfoEq || strings.HasPrefix(s, "==")
		r.sawInfoStar = r.sawInfoStar || s[0] == '*'
	}
	r.prevKind = kind
	r.dispatch(kind, text, trail)
}

// lineEnding learns, one line late, whether "*" lines end in CRLF: then the
// file was re-saved with CRLF and a CR before a ">" line's ending is part of
// the ending, not of the header value.
func (r *curlReader) lineEnding(off int64) {
	if r.havePrev && r.prevKind == lkInfo && off-r.prevOff-int64(r.prevLen) == 2 {
		r.crlfAll = true
	}
}

// dedent removes the indentation of a paste (4 spaces, a tab), learned from
// the first line that starts with a curl marker. A non-blank line indented
// less is prose around the paste: it closes the body and is skipped.
func (r *curlReader) dedent(s string) (string, bool) {
	ws := len(s) - len(strings.TrimLeft(s, " \t"))
	rest := s[ws:]
	if !r.indentSet && (hasMarker(rest) || curlCommandStart(rest) >= 0) {
		r.indent, r.indentSet = ws, true
	}
	if r.indent == 0 || rest == "" {
		if rest == "" {
			return "", true
		}
		return s, true
	}
	if ws < r.indent {
		if hasMarker(rest) || curlCommandStart(rest) >= 0 {
			return rest, true
		}
		r.finishTrace()
		r.closeBody()
		return "", false
	}
	return s[r.indent:], true
}

// dispatch routes a classified line.
func (r *curlReader) dispatch(kind curlLineKind, text string, trail int) {
	switch kind {
	case lkInfo:
		r.info(text)
	case lkSent:
		if r.phase != phReq && curlCommandStart(text) == 0 && !reRequestLine.MatchString(strings.TrimRight(text, " ")) {
			r.commandLine(text) // "> curl …": a PowerShell or quoted prompt
			return
		}
		r.sent(text, trail)
	case lkRecv:
		r.recv(text)
	case lkData:
	case lkError:
		r.curlError(text)
	case lkTraceHead:
		m := reTraceHead.FindStringSubmatch(text)
		r.trace = newTraceRecord(m, r.line, r.off, r.opts.MaxBody+64<<10)
		r.sawTrace = true
	default:
		if curlCommandStart(text) >= 0 {
			r.commandLine(text)
			return
		}
		r.plain(text)
	}
}

// commandLine starts a command, or its first line when continued.
func (r *curlReader) commandLine(text string) {
	t := strings.TrimRight(text, " \t")
	if strings.HasSuffix(t, "\\") || strings.HasSuffix(t, "^") || strings.HasSuffix(t, "`") {
		r.cont = &strings.Builder{}
		r.cont.WriteString(t[:len(t)-1])
		r.contLine, r.contOff = r.line, r.off
		return
	}
	r.command(text, r.line, r.off)
}

// continueCommand joins continuation lines ("\", "^" or "`" at the end).
func (r *curlReader) continueCommand(s string) {
	t := strings.TrimRight(s, " \t")
	more := strings.HasSuffix(t, "\\") || strings.HasSuffix(t, "^") || strings.HasSuffix(t, "`")
	if more {
		t = t[:len(t)-1]
	}
	if r.cont.Len()+len(t) > r.opts.MaxLine {
		r.cont = nil
		r.errorf("curl command line longer than %d bytes skipped", r.opts.MaxLine)
		return
	}
	r.cont.WriteByte(' ')
	r.cont.WriteString(strings.TrimLeft(t, " \t"))
	if more {
		return
	}
	text := r.cont.String()
	r.cont = nil
	r.command(text, r.contLine, r.contOff)
}

// command ends what came before and starts a new command context.
func (r *curlReader) command(text string, line int, off int64) {
	c, err := ParseCurlCommand(text, r.opts)
	if err != nil {
		return // prose that mentions curl
	}
	r.finishTrace()
	r.flushAll()
	r.cmd = c
	r.cmdLine, r.cmdOff = line, off
}

// finish ends the input.
func (r *curlReader) finish() {
	r.finishTrace()
	if r.cont != nil {
		text := r.cont.String()
		r.cont = nil
		r.command(text, r.contLine, r.contOff)
	}
	r.flushAll()
}

// flushAll emits the open exchange and every transfer of the command the
// transcript did not show: each is a request that got no response.
func (r *curlReader) flushAll() {
	if r.phase == phBare {
		r.endBare()
	}
	r.flush()
	if r.cmd != nil {
		for r.transfers < len(r.cmd.raw.urls) {
			c := r.newReconstructed()
			if c == nil {
				break
			}
			c.line, c.off = r.cmdLine, r.cmdOff
			r.flush()
		}
	}
	r.cmd, r.transfers, r.last, r.nextURL, r.tunnel = nil, 0, nil, "", nil
	r.phase = phIdle
	r.recent = r.recent[:0]
}

// closeBody ends a body at the edge of a paste (fence, prose).
func (r *curlReader) closeBody() {
	switch r.phase {
	case phBody, phEcho:
		r.phase = phIdle
	case phBare:
		r.endBare()
		r.phase = phIdle
	}
}

var (
	reRequestLine = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9!#$%&'*+.^_` + "`" + `|~-]{0,31}) +(\S+) +(HTTP/\d(?:\.\d)?)$`)
	reStatusLine  = regexp.MustCompile(`^(HTTP/\d(?:\.\d)?) +(\d{3})(?: +(.*))?$`)
	reHeaderName  = regexp.MustCompile(`^[!#$%&'*+.^_` + "`" + `|~0-9A-Za-z-]+$`)
	reStatusCode  = regexp.MustCompile(`^\d{3}$`)
	reReturnedErr = regexp.MustCompile(`returned error: (\d{3})`)
	rePseudo      = regexp.MustCompile(`^(?:\[HTTP/[23]\] \[\d+\] |h2h3 |h2 |h3 )\[(:?[A-Za-z0-9_-]+): (.*)\]$`)
	reOpened      = regexp.MustCompile(`^\[HTTP/[23]\] \[\d+\] OPENED stream for (\S+)`)
	reIssue       = regexp.MustCompile(`^Issue another request to this URL: '(.*)'`)
	reConnected   = regexp.MustCompile(`^(?:Connected to|Established connection to) (\S+) \(([^)]*)\)(?: port (\d+))?`)
	reAuthUsing   = regexp.MustCompile(`^(Server|Proxy) auth using ([A-Za-z0-9_-]+) with user`)
	reCurlVersion = regexp.MustCompile(`\bcurl/(\d+)\.\d+`)
)

// splitHeader splits "Name: value"; ok is false when there is no valid name.
func splitHeader(s string) (name, value string, ok bool) {
	i := strings.IndexByte(s, ':')
	if i <= 0 {
		return "", "", false
	}
	name = s[:i]
	if !reHeaderName.MatchString(name) {
		return "", "", false
	}
	return name, strings.TrimLeft(s[i+1:], " \t"), true
}

// info reads hints from a "*" line. Only the facts named here are taken:
// the rest of the line (which may hold credentials) is dropped.
func (r *curlReader) info(text string) {
	t := strings.TrimLeft(text, " ")
	switch {
	case strings.HasPrefix(t, "Trying "):
		r.conn = connHints{}
		r.tunnel = nil
		r.markNewTransfer()
	case reConnected.MatchString(t):
		m := reConnected.FindStringSubmatch(t)
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
	case strings.HasPrefix(t, "Could not resolve"), strings.HasPrefix(t, "Hostname "), strings.HasPrefix(t, "Re-using existing"),
		strings.HasPrefix(t, "Reusing existing"), strings.HasPrefix(t, "Connecting to"), strings.HasPrefix(t, "Found bundle"),
		strings.HasPrefix(t, "processing: "), strings.HasPrefix(t, "Resolving"), strings.HasPrefix(t, "Uses proxy env"),
		strings.HasPrefix(t, "Failed to connect"), strings.HasPrefix(t, "connect to "), strings.HasPrefix(t, "Host ") && strings.Contains(t, "was resolved"):
		r.markNewTransfer()
	case reAuthUsing.MatchString(t):
		m := reAuthUsing.FindStringSubmatch(t)
		if m[1] == "Server" {
			r.serverAuth = m[2]
		} else {
			r.proxyAuth = m[2]
		}
	}
	if m := reOpened.FindStringSubmatch(t); m != nil {
		r.conn.opened = m[1]
		r.conn.tls = r.conn.tls || strings.HasPrefix(m[1], "https:")
	}
	if m := rePseudo.FindStringSubmatch(t); m != nil {
		switch m[1] {
		case ":scheme":
			r.conn.scheme = strings.ToLower(m[2])
		case ":authority":
			r.conn.authority = m[2]
		case "user-agent":
			r.version(m[2])
		}
	}
	r.wording(t)
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
	if m := reCurlVersion.FindStringSubmatch(s); m != nil && r.major == "" {
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
	case strings.HasPrefix(t, "ALPN: curl offers"), strings.HasPrefix(t, "[HTTP/2] ["), strings.HasPrefix(t, "using HTTP/1.x"),
		strings.HasPrefix(t, "Request completely sent off"), strings.HasPrefix(t, "Established connection to"):
		r.weakMajor = "8"
	case strings.HasPrefix(t, "ALPN, offering"), strings.HasPrefix(t, "Using HTTP2, server supports"),
		strings.HasPrefix(t, "Mark bundle as not supporting"), strings.HasPrefix(t, "ALPN: offers"):
		r.weakMajor = "7"
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
	if r.phase == phBare {
		r.endBare()
	}
	r.flush()
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
	if r.phase == phBare {
		r.endBare()
	}
	r.flush()
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
	name, value, ok := splitHeader(text)
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
	if r.phase == phBare {
		r.endBare()
	}
	r.flush()
	return r.newReconstructed()
}

func (r *curlReader) openResponse(c *curlExchange, m []string, line string) {
	code, _ := strconv.Atoi(m[2])
	reason := m[3]
	if len(reason) > 200 {
		reason = reason[:200]
	}
	c.resp = &curlResp{status: code, reason: reason, proto: m[1], line: line}
	c.final = code >= 200
	c.body.Reset()
	c.bodyOver, c.bodyTrace = false, false
	r.remember(line)
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
		// obs-fold: a continuation of the previous header value.
		p.headers[len(p.headers)-1].value += " " + strings.TrimSpace(t)
		return
	}
	name, value, ok := splitHeader(t)
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
	t := &tunnelInfo{target: c.target, auth: r.proxyAuth}
	if c.resp != nil {
		t.status = strconv.Itoa(c.resp.status)
	}
	for _, h := range c.reqHeaders {
		if strings.EqualFold(h.name, "Proxy-Authorization") {
			if w, _, _ := strings.Cut(strings.TrimSpace(h.value), " "); w != "" && isSchemeWordShape(w) {
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

// isSchemeWordShape accepts a short alphabetic word, so a credential written
// without a scheme is never kept as "the scheme".
func isSchemeWordShape(w string) bool {
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
		if r.phase == phBare {
			r.endBare()
		}
		r.flush()
		if c = r.newReconstructed(); c == nil {
			return
		}
	}
	c.exit = code
	if status > 0 && c.resp == nil {
		c.resp = &curlResp{status: status}
		c.final, c.statusOnly = true, true
	}
	switch r.phase {
	case phBody, phEcho, phResp:
		r.phase = phIdle
	case phBare:
		r.endBare()
		r.phase = phIdle
	}
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
		if _, _, ok := splitHeader(t); ok && !r.cur.connect || ok && r.cur.libcurl {
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
	if r.cmd == nil || !r.cmd.writeOutStatus() || !reStatusCode.MatchString(t) {
		return false
	}
	c := r.cur
	if c != nil && !c.connect && !r.newTransfer && !c.wroteOut && (c.final || c.exit != "") {
		c.wroteOut = true // the code of the transfer the transcript shows
		return true
	}
	if r.phase == phBare {
		r.endBare()
	}
	r.flush()
	if c = r.newReconstructed(); c == nil {
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
	if name, value, ok := splitHeader(t); ok {
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
		r.tunnel = &tunnelInfo{status: strconv.Itoa(c.resp.status), auth: r.proxyAuth}
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
			l = strings.TrimSuffix(l, "\r")
			trail := 0
			for trail < len(l) && l[len(l)-1-trail] == '\r' {
				trail++
			}
			l = l[:len(l)-trail]
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
		isRedirect(last.resp.status) && location(last.resp) != "":
		c.transfer, c.hop = last.transfer, last.hop+1
		c.base = resolveRef(last.base, location(last.resp))
	case r.transfers < len(r.cmd.raw.urls):
		r.transfers++
		c.transfer, c.hop, c.base = r.transfers, 1, r.cmd.raw.urls[r.transfers-1]
	default:
		return nil
	}
	c.method = r.cmd.Method
	if c.hop > 1 && last != nil {
		c.method = redirectMethod(r.cmd, last.method, last.resp)
	}
	r.cur = c
	r.newTransfer = false
	return c
}

func isRedirect(status int) bool {
	switch status {
	case 301, 302, 303, 307, 308:
		return true
	}
	return false
}

func location(p *curlResp) string {
	for _, h := range p.headers {
		if strings.EqualFold(h.name, "Location") {
			return h.value
		}
	}
	return ""
}

// resolveRef resolves a Location against the URL it answered.
func resolveRef(base, ref string) string {
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

// redirectMethod is the method curl uses after a redirect: -X sticks; 303
// and (for POST) 301/302 switch to GET.
func redirectMethod(c *CurlCommand, prev string, p *curlResp) string {
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

// flush emits the open exchange, if any.
func (r *curlReader) flush() {
	c := r.cur
	r.cur = nil
	if c == nil || c.connect {
		return
	}
	if r.phase != phIdle {
		r.phase = phIdle
	}
	r.last = c
	r.out = append(r.out, curlItem{rec: r.record(c)})
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
		ex.Response = r.response(c, ex.Request.Method)
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
	authority := headerValue(c.reqHeaders, "Host")
	if authority == "" {
		authority = c.hints.authority
	}
	scheme := ""
	userinfo := ""
	if b, err := url.Parse(c.base); err == nil && c.base != "" && (authority == "" || sameHostname(b.Host, authority)) {
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
	if scheme == "" {
		scheme = c.hints.scheme
	}
	if scheme == "" {
		scheme = "http"
		if c.hints.tls {
			scheme = "https"
		}
	}
	if authority == "" {
		return URL{Scheme: scheme, Path: ParseURL("http://x" + target).Path, Query: ParseURL("http://x" + target).Query}
	}
	return ParseURL(scheme + "://" + userinfo + authority + target)
}

func sameHostname(a, b string) bool {
	return (URL{Host: a}).Hostname() == (URL{Host: b}).Hostname()
}

func headerValue(hs []curlHeader, name string) string {
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
	hs := r.cmd.commandHeaders(c.transfer - 1)
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
	b := r.cmd.Body
	b.Fields = append([]Param(nil), b.Fields...)
	if ct != "" && ct != b.MimeType && !strings.HasPrefix(strings.ToLower(b.MimeType), "multipart/") {
		b.MimeType = ct
		b.Fields = ParseBodyFields(ct, b.Text, r.opts)
	}
	return b
}

// response builds the response half.
func (r *curlReader) response(c *curlExchange, method string) *Response {
	p := c.resp
	resp := &Response{Status: p.status, StatusText: p.reason, Proto: p.proto}
	for _, h := range p.headers {
		resp.Headers = append(resp.Headers, NewHeader(h.name, h.value))
	}
	resp.RedirectURL = location(p)
	if d := headerValue(p.headers, "Date"); d != "" {
		if t, err := http.ParseTime(d); err == nil {
			resp.Date = t.UTC()
		}
	}
	text := strings.TrimRight(c.body.String(), "\r\n")
	ct := headerValue(p.headers, "Content-Type")
	if c.bodyASCII {
		text = fixTraceASCIIJSON(ct, text)
	}
	resp.Body = Body{MimeType: ct, Text: text, Truncated: c.bodyOver, Size: -1}
	if n, err := strconv.ParseInt(headerValue(p.headers, "Content-Length"), 10, 64); err == nil {
		resp.Body.Size = n
	} else if text != "" {
		resp.Body.Size = int64(len(text))
	}
	if ctSaysFields(ct) {
		resp.Body.Fields = ParseBodyFields(ct, text, r.opts)
	}
	return resp
}

// ctSaysFields: only JSON and form bodies are parsed into fields.
func ctSaysFields(ct string) bool {
	ct = strings.ToLower(ct)
	return strings.Contains(ct, "json") || strings.Contains(ct, "x-www-form-urlencoded") || strings.Contains(ct, "multipart/form-data")
}

// fixTraceASCIIJSON undoes --trace-ascii printing the final LF of a JSON
// body as ".", which would make it unparsable.
func fixTraceASCIIJSON(ct, text string) string {
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
		if cmd.ExplicitMethod != "" && isSchemeWordShape(cmd.ExplicitMethod) {
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
		headerValue(c.reqHeaders, "Content-Length") != "" && headerValue(c.reqHeaders, "Content-Length") != "0") {
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
