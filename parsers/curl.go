package parsers

import (
	"errors"
	"fmt"
	"io"
	"strings"
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

// CurlCommandHeaderNames returns the headers the exchange's command line
// asked for (Extras[CurlExtraCommandHeaders]), names only.
func CurlCommandHeaderNames(ex *Exchange) []string {
	return curlSplitNames(ex.Extra(CurlExtraCommandHeaders))
}

// CurlHeadersNotSent returns the command-line headers missing from the
// request the transcript shows (Extras[CurlExtraHeadersNotSent]): on a
// redirect hop, the credentials curl dropped.
func CurlHeadersNotSent(ex *Exchange) []string {
	return curlSplitNames(ex.Extra(CurlExtraHeadersNotSent))
}

func curlSplitNames(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

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

// curlConnHints are facts from "*" lines about the connection the next request
// uses. Values may come from lines that carry credentials; they are kept
// only while reading and never copied into a record.
type curlConnHints struct {
	tls       bool
	port      string
	opened    string // "[HTTP/2] [1] OPENED stream for URL"
	scheme    string // :scheme pseudo-header
	authority string // :authority pseudo-header
}

type curlTunnel struct {
	target, status, auth string
}

type curlHeader struct{ name, value string }

// curlResp is a response being read.
type curlResp struct {
	status  int
	reason  string
	proto   string
	headers []curlHeader
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
	hints                 curlConnHints
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
	tunnel     *curlTunnel
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
	prevOff   int64
	prevLen   int
	prevKind  curlLineKind
	havePrev  bool
	crlfAll   bool
	cont      *strings.Builder
	contLine  int
	contOff   int64
	trace     *curlTraceRecord
	line      int
	off       int64

	// transcript
	cmd         *CurlCommand
	transfers   int
	phase       curlPhase
	cur         *curlExchange
	last        *curlExchange
	conn        curlConnHints
	nextURL     string
	tunnel      *curlTunnel
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

	s, trail := cutTrailingCRs(s)
	if trail > 0 && r.crlfAll {
		trail-- // a Windows re-save of a capture: one CR is the line ending
	}
	s, ok := curlStripMeter(s)
	if !ok {
		return
	}
	if t := strings.TrimSpace(s); (strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~")) && reFence.MatchString(t) {
		r.finishTrace()
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
		if offs := curlDumpOffset(s); offs != "" {
			r.trace.add(offs, strings.TrimPrefix(s[len(offs)+1:], " "))
			return
		}
		r.finishTrace()
	}
	s, _ = curlStripTracePrefix(s)
	kind, text := curlClassify(s)
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
	if !r.indentSet && (curlHasMarker(rest) || curlIsCommand(rest)) {
		r.indent, r.indentSet = ws, true
	}
	if r.indent == 0 || rest == "" {
		if rest == "" {
			return "", true
		}
		return s, true
	}
	if ws < r.indent {
		if curlHasMarker(rest) || curlIsCommand(rest) {
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
		if r.phase != phReq && strings.HasPrefix(text, "curl") && curlCommandStart(text) == 0 && !reRequestLine.MatchString(strings.TrimRight(text, " ")) {
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
		r.trace = newCurlTraceRecord(m, r.line, r.off, r.opts.MaxBody+64<<10)
		r.sawTrace = true
	default:
		if curlIsCommand(text) {
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
	c, err := parseCurlCommand(text, r.opts)
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
	r.flushOpen()
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

// flushOpen ends an unprefixed header block, then emits the open exchange.
func (r *curlReader) flushOpen() {
	if r.phase == phBare {
		r.endBare()
	}
	r.flush()
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
