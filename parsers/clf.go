package parsers

import (
	"io"
	"net/textproto"
	"strconv"
	"strings"

	"github.com/authtriage/authtriage/secrets"
)

// clfReader reads the Common and Combined Log Formats, the defaults of
// nginx and Apache:
//
//	common:         remote ident user [time] "request" status bytes
//	combined:       common "referer" "user-agent"
//	vhost_combined: vhost:port common "referer" "user-agent"  (Debian's Apache)
//
// Fields after the user agent (nginx formats often add "$http_x_forwarded_for"
// or timings) are ignored.
//
// The schema is "combined", "common" or "vhost_combined", from the first
// line that parses. nginx and Apache are not told apart: their stock
// formats are the same string. The only differences show on some lines
// (nginx escapes a quote as \x22 and writes 0 for an empty body; Apache
// writes \" and "-"), which is too late and too rare to name the producer.
type clfReader struct {
	lines  logLines
	tc     timeCache
	vc     valueCache
	schema string
}

// NewCLFReader reads a Common/Combined Log Format access log. Each line is a
// record whose Text is the raw line; a line with a request line yields an
// Exchange with method, path and query (query-string credentials become
// Secrets), status, time, and for combined the Referer and User-Agent
// headers. CLF records no host, scheme, request headers or bodies: the
// Exchange is marked Partial accordingly and URL.Host / Scheme stay empty
// (vhost_combined names the virtual host).
//
// A line that is not CLF comes back as a text record with a *ParseError;
// reading goes on.
func NewCLFReader(r io.Reader, name string, o Options) (Reader, error) {
	o = o.withDefaults()
	return &clfReader{lines: newLogLines(r, name, FormatCLF, o)}, nil
}

func (c *clfReader) Format() Format { return FormatCLF }
func (c *clfReader) Schema() string { return c.schema }

func (c *clfReader) Next() (*Record, error) { return c.lines.next(c) }

func (c *clfReader) parseLine(rec *Record, body []byte) string {
	l, bad := parseCLFLine(string(body))
	if bad != "" {
		return bad + "; line kept as text only"
	}
	if c.schema == "" {
		c.schema = l.schema()
	}
	rec.Exchange = c.exchange(&l)
	c.vc.detach(rec.Exchange)
	return ""
}

// clfLine holds the fields of one line, as substrings of it (unescaped
// copies only where the field had escapes).
type clfLine struct {
	vhost, remote, ident, user string
	time                       string
	request                    string
	status                     int
	bytes                      string
	referer, agent             string
	combined                   bool
	// named holds `Name: "value"` / `name="value"` fields admins append
	// (nginx log_format … 'Authorization: "$http_authorization"').
	named []clfNamed
}

type clfNamed struct{ name, value string }

// maxCLFNamed caps the named fields read from one line.
const maxCLFNamed = 16

func (l *clfLine) schema() string {
	switch {
	case l.vhost != "":
		return "vhost_combined"
	case l.combined:
		return "combined"
	}
	return "common"
}

const clfShape = `not a Common/Combined Log Format line (expected: remote ident user [time] "request" status bytes)`

// parseCLFLine splits a line; the error text never quotes the line.
func parseCLFLine(s string) (clfLine, string) {
	var l clfLine
	// Everything before " [" is remote, ident and user (and a leading
	// vhost:port in vhost_combined). A user name with a space in it is
	// kept whole.
	br := strings.Index(s, " [")
	if br < 0 {
		return l, clfShape
	}
	pre := strings.Fields(s[:br])
	switch {
	case len(pre) == 4 && isVhostPort(pre[0]):
		l.vhost, l.remote, l.ident, l.user = pre[0], pre[1], pre[2], pre[3]
	case len(pre) >= 3:
		l.remote, l.ident, l.user = pre[0], pre[1], strings.Join(pre[2:], " ")
	default:
		return l, clfShape
	}
	rest := s[br+2:]
	end := strings.IndexByte(rest, ']')
	if end < 0 {
		return l, "time field has no closing bracket (truncated line?)"
	}
	l.time, rest = rest[:end], rest[end+1:]
	if !strings.HasPrefix(rest, ` "`) {
		return l, clfShape
	}
	req, after, ok := clfQuoted(rest[1:])
	if !ok {
		return l, "request field has no closing quote (truncated line?)"
	}
	// A raw quote inside the request (some producers do not escape it)
	// ends the field early: the status must follow, else look for the
	// first `" NNN ` further on.
	if !startsStatus(after) {
		if i := findStatusAfterQuote(rest[1:]); i > 0 {
			req, after = unescapeCLF(rest[2:1+i]), rest[1+i+1:]
		} else {
			return l, "no status after the request field"
		}
	}
	l.request = req
	fields := after
	statusTok, fields := cutField(fields)
	l.status = parseStatus(statusTok)
	if l.status == 0 {
		return l, "status is not a 3-digit code"
	}
	l.bytes, fields = cutField(fields)
	if l.bytes == "" {
		return l, clfShape
	}
	fields = strings.TrimLeft(fields, " ")
	if strings.HasPrefix(fields, `"`) {
		ref, more, ok := clfQuoted(fields)
		if ok {
			more = strings.TrimLeft(more, " ")
			if strings.HasPrefix(more, `"`) {
				if ua, after, ok := clfQuoted(more); ok {
					l.referer, l.agent, l.combined = ref, ua, true
					fields = after
				}
			}
		}
	}
	l.named = parseCLFNamed(fields, l.named)
	return l, ""
}

// parseCLFNamed reads the fields after the standard ones: `Name: "value"`,
// `name="value"` and `name=value` pairs are kept; anything else (a bare
// quoted "$http_x_forwarded_for", a number) is skipped.
func parseCLFNamed(s string, out []clfNamed) []clfNamed {
	for len(s) > 0 && len(out) < maxCLFNamed {
		s = strings.TrimLeft(s, " ")
		if s == "" {
			break
		}
		if s[0] == '"' {
			if _, rest, ok := clfQuoted(s); ok {
				s = rest
				continue
			}
			break
		}
		i := 0
		for i < len(s) && (isNameByte(s[i])) {
			i++
		}
		name, rest := s[:i], s[i:]
		switch {
		case i > 0 && strings.HasPrefix(rest, `: "`):
			rest = rest[2:]
		case i > 0 && strings.HasPrefix(rest, `="`):
			rest = rest[1:]
		case i > 0 && strings.HasPrefix(rest, "="):
			v, more := cutField(rest[1:])
			out = append(out, clfNamed{name, v})
			s = more
			continue
		default:
			_, s = cutField(s)
			continue
		}
		v, more, ok := clfQuoted(rest)
		if !ok {
			break
		}
		out = append(out, clfNamed{name, v})
		s = more
	}
	return out
}

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// clfNamedHeader maps a named field to the request header it records:
// http_authorization, auth… Authorization, Cookie, X-Api-Key and other
// credential headers, plus Host, User-Agent, Referer and Content-Type.
// Other names (timings, upstream fields) are not headers: "".
func clfNamedHeader(name string) string {
	n := strings.ReplaceAll(name, "_", "-")
	if len(n) > 5 && strings.EqualFold(n[:5], "http-") {
		n = n[5:]
	}
	switch strings.ToLower(n) {
	case "host", "user-agent", "referer", "content-type":
	default:
		if !secrets.IsCredentialHeader(n) {
			return ""
		}
	}
	return textproto.CanonicalMIMEHeaderKey(n)
}

func isVhostPort(s string) bool {
	i := strings.LastIndexByte(s, ':')
	return i > 0 && i < len(s)-1 && allDigits(s[i+1:]) && !strings.Contains(s[:i], ":")
}

// clfQuoted reads a quoted field at the start of s (which begins with '"'),
// honouring backslash escapes, and returns it unescaped with the rest of s.
func clfQuoted(s string) (field, rest string, ok bool) {
	if s == "" || s[0] != '"' {
		return "", s, false
	}
	esc := false
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			esc = true
			i++
		case '"':
			f := s[1:i]
			if esc {
				f = unescapeCLF(f)
			}
			return f, s[i+1:], true
		}
	}
	return "", s, false
}

// unescapeCLF undoes the escaping nginx (\xHH) and Apache (\" \\ \xhh \n
// \t …) apply to logged strings.
func unescapeCLF(s string) string {
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		switch n := s[i+1]; n {
		case '"', '\\':
			b.WriteByte(n)
			i++
		case 'n':
			b.WriteByte('\n')
			i++
		case 't':
			b.WriteByte('\t')
			i++
		case 'r':
			b.WriteByte('\r')
			i++
		case 'b':
			b.WriteByte('\b')
			i++
		case 'v':
			b.WriteByte('\v')
			i++
		case 'x':
			if i+3 < len(s) && isHex(s[i+2]) && isHex(s[i+3]) {
				b.WriteByte(unhex(s[i+2])<<4 | unhex(s[i+3]))
				i += 3
			} else {
				b.WriteByte(c)
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func startsStatus(s string) bool {
	return len(s) >= 4 && s[0] == ' ' && allDigits(s[1:4]) && (len(s) == 4 || s[4] == ' ')
}

// findStatusAfterQuote returns the index in q (which starts with the opening
// quote) of the quote that is followed by a status, or -1.
func findStatusAfterQuote(q string) int {
	for i := 1; i < len(q); i++ {
		if q[i] == '"' && startsStatus(q[i+1:]) {
			return i
		}
	}
	return -1
}

func cutField(s string) (field, rest string) {
	s = strings.TrimLeft(s, " ")
	if i := strings.IndexByte(s, ' '); i >= 0 {
		return s[:i], s[i:]
	}
	return s, ""
}

// exchange builds the Exchange of a parsed line, or nil when its request
// field is not an HTTP request line ("-" for a timed-out connection, TLS
// bytes sent to a plain-HTTP port): such a line is a text record.
func (c *clfReader) exchange(l *clfLine) *Exchange {
	method, target, proto := splitRequestLine(l.request)
	if !validMethod(method) {
		return nil
	}
	u, ok := requestURL(method, target, "", l.vhost, &c.vc)
	if !ok {
		return nil
	}
	ex := &Exchange{
		Partial: NoRequestHeaders | NoResponseHeaders | NoRequestBody | NoResponseBody,
	}
	ex.Request.Method = upperMethod(method)
	ex.Request.URL = u
	ex.Request.Proto = proto
	ex.Request.Body.Size = -1
	if l.combined {
		ex.Request.Headers = c.vc.add(ex.Request.Headers, "Referer", l.referer)
		ex.Request.Headers = c.vc.add(ex.Request.Headers, "User-Agent", l.agent)
	}
	for _, nf := range l.named {
		h := clfNamedHeader(nf.name)
		if h == "" {
			continue
		}
		if h == "Authorization" {
			// The format logs Authorization: its absence ("-") now
			// says "not sent".
			ex.Partial &^= NoRequestHeaders
		}
		if h == "Host" {
			if ex.Request.URL.Host == "" && !absentValue(nf.value) {
				ex.Request.URL.Host = nf.value
			}
			continue
		}
		ex.Request.Headers = c.vc.add(ex.Request.Headers, h, nf.value)
	}
	ex.Start = c.tc.parse(l.time)
	resp := &Response{Status: l.status}
	resp.Body.Size = -1
	if n, err := strconv.ParseInt(l.bytes, 10, 64); err == nil {
		resp.Body.Size = n
	} else if l.bytes == "-" {
		resp.Body.Size = 0 // Apache %b writes "-" for no body
	}
	ex.Response = resp
	if !absentValue(l.user) {
		ex.SetExtra("remote_user", safeExtra(l.user))
	}
	return ex
}
