package parsers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/tidwall/gjson"
)

// detectLines is how many lines schema detection looks at before it settles
// on an application-log or unknown schema. A request-log fingerprint
// (nginx, Caddy, …) settles it at once.
const detectLines = 64

// jsonlReader reads JSON lines: one object per line, any producer.
type jsonlReader struct {
	lines  logLines
	opts   Options
	x      extractor
	tc     timeCache
	fields []userField
	// userRequest: --field maps method, url or path, so the user says
	// these lines are requests even when no schema is recognised.
	userRequest bool

	locked   *logSchema // schema settled for the rest of the file
	lockKey  string     // first key of the line that settled it
	firstApp *logSchema // first application-log schema seen while detecting
	seen     int
	schema   string

	xbuf []byte // \xHH translation buffer, reused
}

// NewJSONLReader reads a JSON-lines access or application log. Each line is
// one record whose Text is the raw line; lines that describe an HTTP request
// also carry an Exchange. The producer (Schema) is detected from the first
// lines; o.Fields (--field NAME=PATH) adds or overrides field paths.
//
// Per-line problems come back as *ParseError (Entry -1, with line and byte
// offset) and reading goes on: an invalid JSON line is returned as a text
// record together with its error, so leak detection still sees it; a line
// over o.MaxLine is skipped (nil record). Empty lines are skipped silently.
// Record.Text is the reader's own copy and stays valid.
func NewJSONLReader(r io.Reader, name string, o Options) (Reader, error) {
	o = o.withDefaults()
	fields, err := parseUserFields(o.Fields)
	if err != nil {
		return nil, err
	}
	jr := &jsonlReader{lines: newLogLines(r, name, FormatJSONL, o), opts: o, fields: fields}
	for _, f := range fields {
		if f.t.kind == tkField && (f.t.field == lfMethod || f.t.field == lfURL || f.t.field == lfPath) {
			jr.userRequest = true
		}
	}
	return jr, nil
}

func (r *jsonlReader) Format() Format { return FormatJSONL }

// Schema is the detected producer: nginx, apache, caddy, envoy, traefik,
// kong, aws-apigw, gcp, ecs, otel, slog, zap, logrus, zerolog; "" while
// unknown.
func (r *jsonlReader) Schema() string { return r.schema }

func (r *jsonlReader) Next() (*Record, error) { return r.lines.next(r) }

func (r *jsonlReader) parseLine(rec *Record, js []byte) string {
	s, bad := r.prepare(js)
	if bad != "" {
		return bad
	}
	rec.Exchange = r.extract(s)
	r.x.vc.detach(rec.Exchange)
	return ""
}

// prepare validates a line and returns it as the string gjson reads. Lines
// with nginx/Apache \xHH escapes (invalid JSON) are translated first; a
// Docker json-file wrapper {"log":"<line>\n","stream":…} is unwrapped.
// On failure it returns the error text (which never quotes the line).
func (r *jsonlReader) prepare(js []byte) (string, string) {
	if !gjson.ValidBytes(js) {
		fixed := false
		if bytes.Contains(js, []byte(`\x`)) {
			t, hint := translateHexEscapes(r.xbuf[:0], js)
			r.xbuf = t
			if gjson.ValidBytes(t) {
				js, fixed = t, true
				r.hint(hint, string(t))
			}
		}
		if !fixed {
			return "", invalidJSON(js) + "; line kept as text only"
		}
	}
	if js[0] != '{' {
		kind := "value"
		switch js[0] {
		case '[':
			kind = "array"
		case '"':
			kind = "string"
		}
		return "", "a JSON " + kind + " where one object per line was expected; line kept as text only"
	}
	s := string(js)
	if strings.HasPrefix(s, `{"log":"`) {
		if lg := gjson.Get(s, "log"); lg.Type == gjson.String && gjson.Get(s, "stream").Exists() {
			inner := strings.TrimSpace(lg.Str)
			if strings.HasPrefix(inner, "{") {
				if gjson.Valid(inner) {
					return inner, ""
				}
				if t, hint := translateHexEscapes(nil, []byte(inner)); gjson.ValidBytes(t) {
					r.hint(hint, string(t))
					return string(t), ""
				}
			}
		}
	}
	return s, ""
}

// invalidJSON describes where a line stops being JSON, using encoding/json's
// offset (gjson only says yes or no). The message names a column, never
// the bytes there.
func invalidJSON(js []byte) string {
	var raw json.RawMessage
	err := json.Unmarshal(js, &raw)
	var se *json.SyntaxError
	if errors.As(err, &se) {
		if se.Offset >= int64(len(js)) {
			return "line ends inside a JSON value (truncated line?)"
		}
		return fmt.Sprintf("invalid JSON at column %d", se.Offset)
	}
	return "invalid JSON"
}

// hint names the producer from its escape style when nothing else has:
// nginx writes \xHH with upper-case hex, Apache \xhh with lower-case
// (ngx_http_log_escape vs ap_escape_logitem).
func (r *jsonlReader) hint(h, line string) {
	if h == "" || r.schema != "" {
		return
	}
	if s := schemaByName(h); s != nil {
		r.lock(s, line)
	}
}

func (r *jsonlReader) lock(s *logSchema, line string) {
	r.locked = s
	r.schema = s.name
	r.lockKey = strings.Clone(firstKey(line))
}

// firstKey returns the first key of a JSON object line without parsing it
// ("" when it has escapes or none): producers with a fixed format start
// every line with the same key.
func firstKey(s string) string {
	i := strings.IndexByte(s, '"')
	if i < 0 || strings.TrimSpace(s[:i]) != "{" {
		return ""
	}
	j := strings.IndexAny(s[i+1:], `"\`)
	if j < 0 || s[i+1+j] != '"' {
		return ""
	}
	return s[i+1 : i+1+j]
}

// schemaFor returns the schema that reads line s.
func (r *jsonlReader) schemaFor(s string) *logSchema {
	if r.locked != nil {
		return r.locked
	}
	r.seen++
	d := detectSchema(s)
	if d != nil && !d.strict {
		r.lock(d, s)
		return d
	}
	if d != nil && r.firstApp == nil {
		r.firstApp = d
		r.schema = d.name
	}
	if r.seen >= detectLines {
		if r.firstApp != nil {
			r.lock(r.firstApp, s)
		} else {
			r.lock(schemaGeneric, s)
		}
	}
	if d != nil {
		return d
	}
	return schemaGeneric
}

func (r *jsonlReader) extract(s string) *Exchange {
	m := r.schemaFor(s)
	redetected := false
	if r.locked == m && !m.strict && firstKey(s) != r.lockKey {
		// A request-log file can hold lines of another producer (an
		// aggregator's output). Fixed formats start every line with
		// the same key, so only a line that starts otherwise is
		// detected again: the common line pays one string compare.
		if d := detectSchema(s); d != nil && d != m && !d.strict {
			m = d
		}
		redetected = true
	}
	ex := r.extractWith(m, s)
	if ex == nil && !redetected && r.locked == m && !m.strict {
		// The settled schema cannot read this line: one more look.
		if d := detectSchema(s); d != nil && d != m {
			ex = r.extractWith(d, s)
		}
	}
	return ex
}

func (r *jsonlReader) extractWith(m *logSchema, s string) *Exchange {
	r.x.reset(m)
	r.x.walk(gjson.Parse(s), 0)
	for _, f := range r.fields {
		if v := gjson.Get(s, f.path); v.Exists() {
			r.x.apply(f.t, v)
		}
	}
	return r.x.exchange(&r.opts, m.strict && !r.userRequest, &r.tc)
}

// translateHexEscapes rewrites the \xHH escapes nginx (without escape=json)
// and Apache put inside JSON strings, so the line becomes JSON: an ASCII
// byte becomes \u00HH; a run of bytes ≥ 0x80 that is valid UTF-8 is written
// as those bytes (\xC3\xB6 is ö); a byte that is not becomes \u00HH too
// (read as Latin-1). Escaped backslashes (\\x41) are left alone. It also
// reports the hex case seen: "nginx" for upper case, "apache" for lower.
func translateHexEscapes(dst, src []byte) ([]byte, string) {
	const hexdigits = "0123456789ABCDEF"
	var run [64]byte
	hint := ""
	inStr := false
	for i := 0; i < len(src); i++ {
		c := src[i]
		if !inStr {
			inStr = c == '"'
			dst = append(dst, c)
			continue
		}
		switch {
		case c == '"':
			inStr = false
			dst = append(dst, c)
		case c == '\\' && isHexEscape(src, i):
			n := 0
			for n < len(run) && isHexEscape(src, i) {
				if h := hexCase(src[i+2], src[i+3]); h != "" && hint == "" {
					hint = h
				}
				run[n] = unhex(src[i+2])<<4 | unhex(src[i+3])
				n++
				i += 4
			}
			i-- // the loop's i++ moves to the byte after the run
			for b := run[:n]; len(b) > 0; {
				r, size := utf8.DecodeRune(b)
				if b[0] >= 0x80 && !(r == utf8.RuneError && size <= 1) {
					dst = append(dst, b[:size]...)
					b = b[size:]
					continue
				}
				dst = append(dst, '\\', 'u', '0', '0', hexdigits[b[0]>>4], hexdigits[b[0]&15])
				b = b[1:]
			}
		case c == '\\' && i+1 < len(src):
			dst = append(dst, c, src[i+1])
			i++
		default:
			dst = append(dst, c)
		}
	}
	return dst, hint
}

func isHexEscape(b []byte, i int) bool {
	return i+3 < len(b) && b[i] == '\\' && b[i+1] == 'x' && isHex(b[i+2]) && isHex(b[i+3])
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// hexCase tells which case an escape's letters use: "nginx" (upper),
// "apache" (lower), "" (digits only).
func hexCase(a, b byte) string {
	for _, c := range []byte{a, b} {
		switch {
		case c >= 'A' && c <= 'F':
			return "nginx"
		case c >= 'a' && c <= 'f':
			return "apache"
		}
	}
	return ""
}
