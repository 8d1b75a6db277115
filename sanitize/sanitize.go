package sanitize

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/authtriage/authtriage/parsers"
)

// Options configure a run.
type Options struct {
	// Format forces the input format; "" or "auto" sniffs it as analyze
	// does.
	Format parsers.Format
	// DropClaims names JWT claims (email, name, ...) removed from the
	// payload of every JWT, which is then re-encoded.
	DropClaims []string
	// MaxLine is the longest line of a text input that is kept; a longer
	// line is left out (and a note put in its place). Default
	// parsers.DefaultOptions.MaxLine.
	MaxLine int
	// Parser holds the decompression limits (MaxDecompressed, MaxRatio).
	Parser parsers.Options
	// OnReplace receives every replacement, in display form only (for
	// --dry-run).
	OnReplace func(Replacement)
	// OnWarning receives problems that did not stop the run: a truncated
	// HAR, a line too long.
	OnWarning func(string)
	// Context, when set, stops the run once done (Ctrl-C): every read of
	// the input fails with its error.
	Context context.Context
}

// Replacement describes one replaced credential without revealing it.
type Replacement struct {
	// Entry is the 0-based HAR entry, -1 outside HAR.
	Entry int
	// Line is the 1-based line of a text input, 0 for HAR.
	Line int
	// Field is where the value was: "request.headers[2] Authorization",
	// "request.url query access_token", "line 12 Authorization".
	Field string
	// Kind is the credential's kind (jwt, stripe, basic, cookie, opaque, …).
	Kind string
	// Detector names the detector that found it, "" when the input's
	// structure named it (a header, a cookie, a credential-named field).
	Detector string
	// Display is the redacted display form: kind, public prefix, length
	// and fingerprint.
	Display string
}

// Stats sums up a run.
type Stats struct {
	Format parsers.Format
	// Entries are the HAR entries written; Lines the lines of a text input.
	Entries, Lines int
	// Replaced counts replaced credential values.
	Replaced int
	// Truncated is set when a HAR ended inside an entry.
	Truncated bool
}

// Sanitize reads one input and writes a copy with every credential in
// sanitized form. A HAR stays a HAR (every entry, in order, equal to the
// input outside the replaced values); curl transcripts and logs stay text,
// line for line. Gzip input is decompressed (the output is not compressed).
// The error is set when the input cannot be sanitized at all (unreadable,
// a YAML HAR, not a HAR document); what was written before is then partial
// and must be discarded.
func Sanitize(in io.Reader, out io.Writer, name string, o Options) (Stats, error) {
	warn := o.OnWarning
	if warn == nil {
		warn = func(string) {}
	}
	if o.MaxLine <= 0 {
		o.MaxLine = parsers.DefaultOptions.MaxLine
	}
	var drop map[string]bool
	if len(o.DropClaims) > 0 {
		drop = map[string]bool{}
		for _, c := range o.DropClaims {
			if c = strings.TrimSpace(c); c != "" {
				drop[c] = true
			}
		}
	}
	r := &replacer{report: o.OnReplace, entry: -1, drop: drop}
	// The input is read twice: the first pass learns every credential, so
	// that one echoed earlier than where its structure names it (a cookie
	// value in an analytics URL of an earlier entry) is replaced too.
	// Memory stays bounded: the pass keeps only the (capped) set of values.
	// An input that cannot seek (a pipe) is kept in a temporary file for it.
	// (os.Stdin has a Seek method, which fails on a pipe.)
	rs, ok := in.(io.ReadSeeker)
	var start int64
	if ok {
		var err error
		start, err = rs.Seek(0, io.SeekCurrent)
		ok = err == nil
	}
	if !ok {
		tmp, err := spool(ctxReader{o.Context, in})
		if err != nil {
			return Stats{}, fmt.Errorf("%s: %w", name, err)
		}
		defer os.Remove(tmp.Name())
		defer tmp.Close()
		rs, start = tmp, 0
	}
	src := ctxReader{o.Context, rs}
	pre := &replacer{entry: -1, drop: drop}
	if _, err := run(src, io.Discard, name, o, pre, func(string) {}); err == nil {
		r.known = pre.known
	}
	if _, err := rs.Seek(start, io.SeekStart); err != nil {
		return Stats{}, fmt.Errorf("%s: %w", name, err)
	}
	return run(src, out, name, o, r, warn)
}

// spool copies r into a temporary file, positioned at its start.
func spool(r io.Reader) (*os.File, error) {
	tmp, err := os.CreateTemp("", "authtriage-sanitize-*")
	if err != nil {
		return nil, fmt.Errorf("keeping the input for a second reading: %w", err)
	}
	if _, err = io.Copy(tmp, r); err == nil {
		_, err = tmp.Seek(0, io.SeekStart)
	}
	if err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, err
	}
	return tmp, nil
}

// ctxReader makes reads fail once ctx is done (a nil ctx never is), so that
// Ctrl-C stops a run promptly.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if c.ctx != nil {
		if err := c.ctx.Err(); err != nil {
			return 0, err
		}
	}
	return c.r.Read(p)
}

func run(in io.Reader, out io.Writer, name string, o Options, r *replacer, warn func(string)) (Stats, error) {
	st := Stats{}
	// what analyze does before reading: gunzip within the limits, refuse
	// binary content, sniff the format
	br, f, err := parsers.Prepare(in, name, o.Format, o.Parser)
	if err != nil {
		return st, fmt.Errorf("%s: %w", name, err)
	}
	if head, err := br.Peek(1); len(head) == 0 {
		if err != nil && err != io.EOF {
			return st, fmt.Errorf("%s: %w", name, err)
		}
		return st, fmt.Errorf("%s: the input is empty", name)
	}
	st.Format = f
	switch f {
	case parsers.FormatHAR:
		err = sanitizeHAR(br, out, name, r, &st, warn)
	case parsers.FormatCurl:
		err = sanitizeText(br, out, name, true, o.MaxLine, r, &st, warn)
	case parsers.FormatJSONL, parsers.FormatCLF, parsers.FormatText:
		err = sanitizeText(br, out, name, false, o.MaxLine, r, &st, warn)
	default:
		err = fmt.Errorf("%s: format %q cannot be sanitized", name, f)
	}
	st.Replaced = r.count
	return st, err
}
