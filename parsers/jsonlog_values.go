package parsers

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/authtriage/authtriage/secrets"
)

// Helpers shared by the access-log readers (JSON lines and CLF): how a log's
// request target, time, status and header values become the model.

// logURL builds a URL from what an access log records: an absolute URL
// (Kong, GCP, Go app logs) or an origin-form target "/p?q" (nginx, Apache,
// Caddy, CLF), plus host and scheme when the log has them separately. It is
// written by hand because url.Parse rejects what logs hold verbatim (bad
// percent escapes, spaces, raw bytes): a log line must still yield its path
// and, above all, its credential query parameters.
func logURL(target, scheme, host string, vc *valueCache) URL {
	u := URL{Scheme: strings.ToLower(scheme), Host: host}
	rest := target
	if i := strings.Index(rest, "://"); i > 0 && i <= 16 && isURLScheme(rest[:i]) {
		u.Scheme = strings.ToLower(rest[:i])
		rest = rest[i+3:]
		end := strings.IndexAny(rest, "/?#")
		if end < 0 {
			end = len(rest)
		}
		authority := rest[:end]
		rest = rest[end:]
		if at := strings.LastIndexByte(authority, '@'); at >= 0 {
			user, pass, hasPass := strings.Cut(authority[:at], ":")
			if uu, err := url.PathUnescape(user); err == nil {
				user = uu
			}
			u.User = user
			if hasPass {
				if up, err := url.PathUnescape(pass); err == nil {
					pass = up
				}
				u.Password = secrets.New(pass)
			}
			authority = authority[at+1:]
		}
		u.Host = authority
	}
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		rest = rest[:i]
	}
	path, query, _ := strings.Cut(rest, "?")
	if strings.IndexByte(path, '%') >= 0 {
		if p, err := url.PathUnescape(path); err == nil {
			path = p
		}
	}
	u.Path = path
	u.Query = vc.query(query)
	return u
}

func isURLScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return s != ""
}

// requestURL builds the URL of a request target as logs write it, or
// reports that the text is not a request target: origin form "/p?q",
// asterisk form "*", absolute form "https://h/p", or the authority form
// "host:443" of CONNECT.
func requestURL(method, target, scheme, host string, vc *valueCache) (URL, bool) {
	switch {
	case target == "":
		return URL{}, false
	case target[0] == '/' || target == "*":
	case strings.Contains(target, "://"):
		u := logURL(target, scheme, host, vc)
		return u, u.Host != "" || u.Path != ""
	case strings.EqualFold(method, "CONNECT") && !strings.ContainsAny(target, "/?# "):
		return URL{Scheme: strings.ToLower(scheme), Host: target}, true
	default:
		return URL{}, false
	}
	return logURL(target, scheme, host, vc), true
}

// splitRequestLine splits "GET /p?q HTTP/1.1" (nginx $request, Apache %r,
// a CLF request field, AWS routeKey "GET /pets"). A target with spaces in it
// (garbage, or a raw space the client sent) keeps its spaces. A single word
// is a target alone (some Apache JSON formats log %U under "request").
func splitRequestLine(s string) (method, target, proto string) {
	s = strings.TrimSpace(s)
	sp := strings.IndexByte(s, ' ')
	if sp < 0 {
		return "", s, ""
	}
	method, rest := s[:sp], strings.TrimSpace(s[sp+1:])
	if j := strings.LastIndexByte(rest, ' '); j >= 0 && strings.HasPrefix(rest[j+1:], "HTTP/") {
		return method, strings.TrimSpace(rest[:j]), rest[j+1:]
	}
	return method, rest, ""
}

// validMethod reports whether m is an HTTP method token (RFC 9110 tchar),
// short enough to be one.
func validMethod(m string) bool {
	if m == "" || len(m) > 24 {
		return false
	}
	for i := 0; i < len(m); i++ {
		if !isTokenChar(m[i]) {
			return false
		}
	}
	return true
}

// knownMethod is the stricter test for application logs, where a "method"
// key may just as well name an RPC method.
func knownMethod(m string) bool {
	switch strings.ToUpper(m) {
	case "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "CONNECT", "TRACE",
		"PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "REPORT", "SEARCH", "QUERY":
		return true
	}
	return false
}

// upperMethod upper-cases a method without allocating when it already is.
func upperMethod(m string) string {
	for i := 0; i < len(m); i++ {
		if c := m[i]; c >= 'a' && c <= 'z' {
			return strings.ToUpper(m)
		}
	}
	return m
}

// parseStatus reads a status code written as a number or a string; 0 when
// absent or not a status.
func parseStatus(s string) int {
	s = strings.TrimSpace(s)
	if len(s) != 3 {
		// "401.0" from a float-typed column.
		if i := strings.IndexByte(s, '.'); i == 3 && strings.Trim(s[4:], "0") == "" {
			s = s[:3]
		} else {
			return 0
		}
	}
	n := 0
	for i := 0; i < 3; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + int(c-'0')
	}
	if n < 100 {
		return 0
	}
	return n
}

// timeCache remembers the last time string parsed: access logs write the
// same second on many consecutive lines, and time.Parse is the most
// expensive step of a CLF line.
type timeCache struct {
	raw string
	t   time.Time
}

// parse reads the timestamps access logs write: epoch numbers in s, ms, µs
// or ns (by magnitude: Caddy/zap ts, nginx $msec, Kong started_at, OTLP
// timeUnixNano), RFC 3339 variants, the CLF form 30/Nov/2026:06:40:29 +0000,
// and HTTP dates. Zero when unparsable.
func (c *timeCache) parse(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" || s == "-" {
		return time.Time{}
	}
	if s == c.raw {
		return c.t
	}
	t := parseLogTime(s)
	c.raw, c.t = strings.Clone(s), t
	return t
}

func parseLogTime(s string) time.Time {
	if t, ok := parseEpoch(s); ok {
		return t
	}
	if len(s) >= 20 && s[2] == '/' && s[6] == '/' {
		if t, err := time.Parse("02/Jan/2006:15:04:05 -0700", s); err == nil {
			return t.UTC()
		}
	}
	if t := ParseTimestamp(s); !t.IsZero() {
		return t
	}
	// Go's time.Time.String(), as some application logs write it
	if t, err := time.Parse("2006-01-02 15:04:05.999999999 -0700 MST", s); err == nil {
		return t.UTC()
	}
	if t, err := http.ParseTime(s); err == nil {
		return t.UTC()
	}
	return time.Time{}
}

// parseEpoch reads a decimal epoch number exactly (no float rounding: Caddy's
// ts has 7 fractional digits). The unit follows from the number of integer
// digits: 10 for seconds, 13 for ms, 16 for µs, 19 for ns around 2026.
func parseEpoch(s string) (time.Time, bool) {
	intPart, frac, _ := strings.Cut(s, ".")
	if intPart == "" || len(intPart) > 19 || !allDigits(intPart) || !allDigits(frac) {
		if f, err := strconv.ParseFloat(s, 64); err == nil && f > 1e8 && f < 1e11 && strings.ContainsAny(s, "eE") {
			sec := int64(f)
			return time.Unix(sec, int64((f-float64(sec))*1e9)).UTC(), true
		}
		return time.Time{}, false
	}
	n, err := strconv.ParseInt(intPart, 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	var unit int64 // nanoseconds per unit
	switch d := len(intPart); {
	case d >= 9 && d <= 11:
		unit = 1e9
	case d >= 12 && d <= 14:
		unit = 1e6
	case d >= 15 && d <= 17:
		unit = 1e3
	case d >= 18:
		unit = 1
	default:
		return time.Time{}, false // too small to be a date: a duration
	}
	var fracNanos int64
	if frac != "" && unit > 1 {
		// The first digits of the fraction, scaled to nanoseconds.
		scale := unit
		for i := 0; i < len(frac) && scale > 1; i++ {
			scale /= 10
			fracNanos += int64(frac[i]-'0') * scale
		}
	}
	if unit == 1e9 {
		return time.Unix(n, fracNanos).UTC(), true
	}
	return time.Unix(0, n*unit+fracNanos).UTC(), true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// absentValue reports the values access logs write for "not there": nginx
// writes "" for an unset variable, Apache and nginx's default escaping "-".
func absentValue(v string) bool { return v == "" || v == "-" }

// lineProblem checks a raw line for bytes a log line must not hold: a run of
// NUL bytes at the start (what copytruncate log rotation leaves behind; the
// line after the run is still read), NUL bytes elsewhere, and invalid UTF-8.
// It returns the line to parse and, when something is wrong, the error text.
func lineProblem(line []byte) (rest []byte, problem string, fatal bool) {
	if len(line) > 0 && line[0] == 0 {
		n := 0
		for n < len(line) && line[n] == 0 {
			n++
		}
		rest = line[n:]
		if bytes.IndexByte(rest, 0) < 0 {
			return rest, fmt.Sprintf("%d NUL bytes before the line (a log rotated with copytruncate?); the rest of the line was read", n), false
		}
		line = rest
	}
	if i := bytes.IndexByte(line, 0); i >= 0 {
		return line, fmt.Sprintf("NUL byte at column %d: line kept as text only", i+1), true
	}
	if !utf8.Valid(line) {
		return line, fmt.Sprintf("invalid UTF-8 at column %d (line read anyway)", invalidUTF8At(line)+1), false
	}
	return line, "", false
}

func invalidUTF8At(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(b)
}
