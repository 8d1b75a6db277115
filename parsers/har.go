package parsers

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/authtriage/authtriage/secrets"
)

// harReader streams log.entries of a HAR file one entry at a time.
type harReader struct {
	name    string
	opts    Options
	track   *lineTracker
	dec     *json.Decoder
	schema  string
	creator string
	state   harState
	entry   int
	err     error // sticky fatal error
	// vc builds headers: a browser sends the same token and cookie on
	// every request, which is parsed, classified and fingerprinted once.
	vc valueCache
}

type harState uint8

const (
	harStart harState = iota
	harInEntries
	harDone
)

// NewHARReader reads a HAR document. A UTF-8 BOM and a JSONP wrapper
// (onInputData({...})) are skipped; a YAML HAR is refused with a clear error.
func NewHARReader(r io.Reader, name string, o Options) (Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if err := skipHARPreamble(br); err != nil {
		return nil, err
	}
	t := newLineTracker(br)
	dec := json.NewDecoder(t)
	dec.UseNumber()
	return &harReader{name: name, opts: o.withDefaults(), track: t, dec: dec}, nil
}

// skipHARPreamble drops a BOM and a JSONP function name, and refuses YAML.
func skipHARPreamble(br *bufio.Reader) error {
	head, _ := br.Peek(512)
	s := string(head)
	if strings.HasPrefix(s, "\uFEFF") {
		br.Discard(3)
		head, _ = br.Peek(512)
		s = string(head)
	}
	t := strings.TrimLeft(s, " \t\r\n")
	if t == "" {
		return unsupported("empty file")
	}
	if t[0] == '{' {
		return nil
	}
	if strings.HasPrefix(t, "log:") || strings.HasPrefix(t, "---") {
		return unsupported("this is a HAR serialised as YAML (Polly.JS persister); convert it to JSON first, e.g. `yq -o=json . file.har.yaml > file.har`")
	}
	// JSONP: identifier( { ... } )
	if i := strings.IndexByte(t, '('); i > 0 && i < 64 && strings.IndexByte(t[:i], ' ') < 0 {
		skip := len(s) - len(t) + i + 1
		br.Discard(skip)
		return nil
	}
	return unsupported("not a HAR document (expected a JSON object)")
}

func (h *harReader) Format() Format { return FormatHAR }
func (h *harReader) Schema() string { return h.schema }

func (h *harReader) fatal(err error, entry int) error {
	off := h.dec.InputOffset()
	h.err = &ParseError{File: h.name, Entry: entry, Offset: off, Line: h.track.lineAt(off), Err: err, Fatal: true}
	h.state = harDone
	return h.err
}

// Next walks the document down to log.entries and decodes one entry.
func (h *harReader) Next() (*Record, error) {
	if h.err != nil {
		return nil, io.EOF
	}
	if h.state == harStart {
		if err := h.seekEntries(); err != nil {
			if errors.Is(err, io.EOF) {
				h.state = harDone
				return nil, io.EOF
			}
			return nil, err
		}
	}
	if h.state != harInEntries {
		return nil, io.EOF
	}
	if !h.dec.More() {
		// End of entries: read on so that a "creator" written after
		// "entries" (Fiddler does) still names the producer.
		h.state = harDone
		h.readTrailer()
		return nil, io.EOF
	}
	start, line := h.track.valueStart(h.dec.InputOffset())
	var e harEntry
	err := h.dec.Decode(&e)
	if err != nil {
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) {
			if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
				err = fmt.Errorf("file ends inside this entry (truncated HAR): %d complete entries read before it", h.entry)
			}
			return nil, h.fatal(err, h.entry)
		}
		// A type mismatch leaves the rest of the entry decoded: keep it
		// (when it still has a request) and report the field.
		idx := h.entry
		h.entry++
		perr := &ParseError{File: h.name, Entry: idx, Line: line, Offset: start,
			Err: fmt.Errorf("field %s: unexpected JSON %s (entry kept without it)", te.Field, te.Value)}
		if !hasRequest(&e) {
			perr.Err = fmt.Errorf("unexpected JSON %s where an entry object was expected; skipped", te.Value)
			return nil, perr
		}
		return h.record(&e, idx, start, line), perr
	}
	idx := h.entry
	h.entry++
	if !hasRequest(&e) {
		return nil, &ParseError{File: h.name, Entry: idx, Line: line, Offset: start, Err: errors.New("entry has no request method or URL; skipped")}
	}
	return h.record(&e, idx, start, line), nil
}

// hasRequest reports whether an entry has what every exchange needs.
func hasRequest(e *harEntry) bool {
	return strings.TrimSpace(string(e.Request.Method)) != "" && strings.TrimSpace(string(e.Request.URL)) != ""
}

// readTrailer reads the keys of "log" after "entries", for creator. Errors
// here are ignored: every entry has been read already.
func (h *harReader) readTrailer() {
	if _, err := h.dec.Token(); err != nil { // the closing ]
		return
	}
	for h.dec.More() {
		key, err := h.dec.Token()
		if err != nil {
			return
		}
		if k, _ := key.(string); k == "creator" && h.creator == "" {
			if h.readCreator() != nil {
				return
			}
			continue
		}
		if h.skipValue() != nil {
			return
		}
	}
}

// readCreator decodes log.creator, which names the producer.
func (h *harReader) readCreator() error {
	var c harCreator
	if err := h.dec.Decode(&c); err != nil {
		return err
	}
	h.creator = strings.TrimSpace(string(c.Name) + " " + string(c.Version))
	h.schema = harSchema(string(c.Name))
	return nil
}

// Creator is log.creator as "name version", once read.
func (h *harReader) Creator() string { return h.creator }

// seekEntries consumes tokens until the '[' of log.entries, decoding
// log.creator on the way.
func (h *harReader) seekEntries() error {
	tok, err := h.dec.Token()
	if err != nil {
		return h.fatal(fmt.Errorf("not a HAR document: %v", err), -1)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return h.fatal(errors.New("not a HAR document: expected an object"), -1)
	}
	for h.dec.More() {
		key, err := h.dec.Token()
		if err != nil {
			return h.fatal(err, -1)
		}
		if k, _ := key.(string); k == "log" {
			return h.seekEntriesInLog()
		}
		if err := h.skipValue(); err != nil {
			return h.fatal(err, -1)
		}
	}
	return h.fatal(errors.New(`not a HAR document: no "log" object`), -1)
}

func (h *harReader) seekEntriesInLog() error {
	tok, err := h.dec.Token()
	if err != nil {
		return h.fatal(err, -1)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return h.fatal(errors.New(`"log" is not an object`), -1)
	}
	for h.dec.More() {
		key, err := h.dec.Token()
		if err != nil {
			return h.fatal(err, -1)
		}
		switch k, _ := key.(string); k {
		case "creator":
			if err := h.readCreator(); err != nil {
				return h.fatal(fmt.Errorf("log.creator: %v", err), -1)
			}
		case "entries":
			tok, err := h.dec.Token()
			if err != nil {
				return h.fatal(err, -1)
			}
			if d, ok := tok.(json.Delim); !ok || d != '[' {
				return h.fatal(errors.New(`"log.entries" is not an array`), -1)
			}
			h.state = harInEntries
			return nil
		default:
			if err := h.skipValue(); err != nil {
				return h.fatal(err, -1)
			}
		}
	}
	return h.fatal(errors.New(`no "log.entries" array`), -1)
}

// skipValue skips one JSON value token by token, so a large "pages" array is
// not held in memory.
func (h *harReader) skipValue() error {
	depth := 0
	for {
		tok, err := h.dec.Token()
		if err != nil {
			return err
		}
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				depth++
			default:
				depth--
			}
		}
		if depth == 0 {
			return nil
		}
	}
}

// harSchema names the producer from log.creator.name.
func harSchema(name string) string {
	n := strings.ToLower(name)
	for _, p := range []struct{ sub, schema string }{
		{"webinspector", "chrome"}, {"webkit", "safari"}, {"firefox", "firefox"},
		{"charles", "charles"}, {"fiddler", "fiddler"}, {"internet explorer", "ie"},
		{"firebug", "firebug"}, {"insomnia", "insomnia"}, {"playwright", "playwright"},
		{"polly", "polly"}, {"mitmproxy", "mitmproxy"}, {"chrome har capturer", "chrome-har-capturer"},
		{"chrome-har", "chrome-har"}, {"martian", "martian"}, {"browsertime", "browsertime"},
		{"webpagetest", "webpagetest"}, {"zap", "zap"}, {"proxyman", "proxyman"},
		{"postman", "postman"}, {"edge", "edge"}, {"burp", "burp"}, {"chrome", "chrome"},
	} {
		if strings.Contains(n, p.sub) {
			return p.schema
		}
	}
	if f := strings.Fields(n); len(f) > 0 && f[0] != "none" {
		return f[0]
	}
	return ""
}

// record converts a decoded entry into the model.
func (h *harReader) record(e *harEntry, idx int, start int64, line int) *Record {
	ex := &Exchange{
		Request: Request{
			Method: strings.ToUpper(strings.TrimSpace(string(e.Request.Method))),
			URL:    ParseURL(string(e.Request.URL)),
			Proto:  string(e.Request.HTTPVersion),
		},
	}
	ex.Start = ParseTimestamp(string(e.StartedDateTime))
	ex.Request.Headers = h.headers(e.Request.Headers)
	if len(ex.Request.URL.Query) == 0 && len(e.Request.QueryString) > 0 {
		for _, q := range e.Request.QueryString {
			ex.Request.URL.Query = append(ex.Request.URL.Query, NewParam(string(q.Name), string(q.Value), "query"))
		}
	}
	if e.Request.Cookies > 0 {
		ex.SetExtra("request_cookies", strconv.Itoa(int(e.Request.Cookies)))
	}
	if n := missingHeaderBytes(&e.Request); n > 0 {
		ex.SetExtra("request_headers_missing_bytes", strconv.Itoa(n))
	}
	if pd := e.Request.PostData; pd != nil {
		ex.Request.Body = h.postBody(pd)
	}
	// Status 0 with no headers is an aborted request (net::ERR_ABORTED,
	// Firefox "no response"): there was no response to judge.
	if r := e.Response; r != nil && (r.Status > 0 || len(r.Headers) > 0) {
		ex.Response = h.response(r)
	}
	// _error is free text (a browser's net::ERR_…, a tool's message that
	// may quote the URL): words in a credential's format are redacted.
	if e.Response != nil && e.Response.Error != "" {
		ex.SetExtra("_error", secrets.ScrubText(string(e.Response.Error)))
	}
	if e.Error != "" {
		ex.SetExtra("_error", secrets.ScrubText(string(e.Error)))
	}
	ex.SetExtra("_resourceType", string(e.ResourceType))
	ex.SetExtra("creator", h.creator)
	return &Record{
		Source:   Source{File: h.name, Format: FormatHAR, Entry: idx, Line: line, Offset: start, Pointer: "/log/entries/" + strconv.Itoa(idx)},
		Exchange: ex,
	}
}

// missingHeaderBytes compares a request's declared headersSize (the size of
// the request line and headers as sent, which exporters record and
// sanitizers leave alone) with the size of the line and headers the entry
// still lists. Bytes beyond a small tolerance were removed from the entry:
// an export or a proxy stripped headers (Authorization, Cookie). 0 when the
// size is unknown (-1, HTTP/2 in some exporters) or the entry is complete.
func missingHeaderBytes(r *harRequest) int {
	declared := int(r.HeadersSize)
	if declared <= 0 {
		return 0
	}
	target := string(r.URL)
	if i := strings.Index(target, "://"); i >= 0 {
		target = target[i+3:]
		if j := strings.IndexByte(target, '/'); j >= 0 {
			target = target[j:]
		} else {
			target = "/"
		}
	}
	if i := strings.IndexByte(target, '#'); i >= 0 {
		target = target[:i]
	}
	listed := len(r.Method) + 1 + len(target) + 1 + len(r.HTTPVersion) + 2 + 2
	for _, h := range r.Headers {
		// HTTP/2 pseudo-headers count too: exporters that list them
		// (Playwright) include them in headersSize.
		listed += len(h.Name) + 2 + len(h.Value) + 2
	}
	// A stripped "Cookie: a=b" is 13 bytes; exporters differ by a few
	// bytes in how they count the request line.
	const tolerance = 24
	if gap := declared - listed; gap > tolerance {
		return gap
	}
	return 0
}

// headers keeps every header as listed, duplicates and empty values
// included.
func (h *harReader) headers(nvs []harNV) Headers {
	if len(nvs) == 0 {
		return nil
	}
	hs := make(Headers, 0, len(nvs))
	for _, nv := range nvs {
		hs = append(hs, h.vc.header(string(nv.Name), string(nv.Value)))
	}
	return hs
}

func (h *harReader) response(r *harResponse) *Response {
	resp := &Response{
		Status:      int(r.Status),
		StatusText:  plainReason(string(r.StatusText)),
		Proto:       string(r.HTTPVersion),
		Headers:     h.headers(r.Headers),
		RedirectURL: redirectTarget(string(r.RedirectURL)),
	}
	if resp.RedirectURL == "" {
		resp.RedirectURL = resp.Headers.location()
	}
	resp.Date = serverDate(resp.Headers)
	resp.Body = h.content(&r.Content)
	return resp
}

// content decodes a response body when it is textual, capped at MaxBody.
func (h *harReader) content(c *harContent) Body {
	b := Body{MimeType: string(c.MimeType), Size: int64(c.Size)}
	if c.Text == "" || !IsTextual(b.MimeType) {
		return b
	}
	h.fill(&b, string(c.Text), string(c.Encoding))
	return b
}

// fill decodes a body's text (base64 when encoding says so, keeping the raw
// text when it does not decode), caps it at MaxBody and parses its fields.
func (h *harReader) fill(b *Body, text, encoding string) {
	if strings.EqualFold(encoding, "base64") {
		// Decode only what the cap allows (4 base64 chars per 3 bytes).
		if max := (h.opts.MaxBody/3 + 1) * 4; len(text) > max {
			text, b.Truncated = text[:max], true
		}
		if dec, ok := DecodeBase64(text); ok {
			text = string(dec)
		} else {
			b.Undecodable = true
		}
	}
	if len(text) > h.opts.MaxBody {
		text, b.Truncated = text[:h.opts.MaxBody], true
	}
	b.Text = text
	b.Fields = ParseBodyFields(b.MimeType, text, h.opts)
}

func (h *harReader) postBody(pd *harPostData) Body {
	b := Body{MimeType: string(pd.MimeType), Size: -1}
	text := string(pd.Text)
	if text == "" && len(pd.TextJSON) > 0 {
		text = string(pd.TextJSON)
	}
	h.fill(&b, text, string(pd.Encoding))
	// martian leaves text empty and fills params; Chrome fills both.
	if len(b.Fields) == 0 {
		for _, p := range pd.Params {
			if len(b.Fields) >= h.opts.MaxFields {
				break
			}
			b.Fields = append(b.Fields, NewParam(string(p.Name), string(p.Value), "form"))
		}
	}
	return b
}

// ParseTimestamp reads the timestamps exporters write (RFC 3339 with 0–9
// fractional digits, Z or an offset, sometimes a space for T or an offset
// without a colon). Zero when unparsable.
func ParseTimestamp(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999Z0700", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}
