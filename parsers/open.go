package parsers

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Open sniffs an input's format (by content first, extension second) and
// returns its reader. forced, when not "" or "auto", skips sniffing.
// Gzip input is decompressed transparently.
func Open(r io.Reader, name string, forced Format, o Options) (Reader, error) {
	br, f, err := Prepare(r, name, forced, o)
	if err != nil {
		return nil, err
	}
	return NewReader(br, name, f, o)
}

// Prepare does what Open does before choosing a reader: gzip input is
// decompressed (within the decompression limits), binary content is
// refused, and the format is sniffed unless forced. sanitize uses it to
// read exactly what analyze reads.
func Prepare(r io.Reader, name string, forced Format, o Options) (*bufio.Reader, Format, error) {
	br, _, err := Decompressed(r, o)
	if err != nil {
		return nil, "", err
	}
	f := forced
	if f == "" || f == "auto" {
		head, _ := br.Peek(32 << 10)
		if looksBinary(head) {
			return nil, "", unsupported("binary content, not a capture, transcript or log (use --input-format text to scan it anyway)")
		}
		f = Sniff(head, name)
	}
	return br, f, nil
}

// NewReader returns the reader of an explicit format.
func NewReader(r io.Reader, name string, f Format, o Options) (Reader, error) {
	switch f {
	case FormatHAR:
		return NewHARReader(r, name, o)
	case FormatJSONL:
		return NewJSONLReader(r, name, o)
	case FormatCLF:
		return NewCLFReader(r, name, o)
	case FormatText:
		return NewTextReader(r, name, o)
	case FormatCurl:
		return NewCurlReader(r, name, o)
	}
	return nil, unsupported("format %q has no reader", f)
}

// Sniff decides a format from the first bytes of a file and its name.
func Sniff(head []byte, name string) Format {
	h := bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	t := bytes.TrimLeft(h, " \t\r\n")
	lower := strings.ToLower(name)
	switch {
	case reHARStart.Match(firstN(t, 4096)):
		// {"log": {...: a HAR, pretty-printed or minified. A Docker
		// json-file line has "log" too, but its value is a string.
		return FormatHAR
	case strings.HasSuffix(lower, ".har") || strings.HasSuffix(lower, ".har.gz"):
		return FormatHAR
	case bytes.HasPrefix(t, []byte("log:")) && strings.Contains(lower, ".har"):
		return FormatHAR // YAML HAR: the HAR reader refuses it clearly
	}
	// Line formats, most specific first. Each test looks at content.
	for _, s := range []func(head []byte, lowerName string) Format{
		// Transcripts first, then access logs, then logfmt app logs.
		sniffCurl, sniffJSONL, sniffCLF, sniffLogfmt,
	} {
		if f := s(t, lower); f != "" {
			return f
		}
	}
	if bytes.HasPrefix(t, []byte("{")) {
		return FormatJSONL
	}
	return FormatText
}

// looksBinary reports content that is not text: more than 15% of the first
// 8 KiB (after any leading NUL padding, which log rotation by copytruncate
// leaves) are control characters or bytes that are not UTF-8. A log with a
// few NUL bytes or a broken line is still text, and still read.
func looksBinary(head []byte) bool {
	head = bytes.TrimLeft(head, "\x00")
	if len(head) > 8192 {
		head = head[:8192]
	}
	if len(head) < 16 {
		return false
	}
	bad := 0
	for i := 0; i < len(head); {
		r, n := utf8.DecodeRune(head[i:])
		switch {
		case r == utf8.RuneError && n == 1 && len(head)-i >= utf8.UTFMax:
			bad++
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r' && r != '\f' && r != 0x1b, r == 0x7f:
			bad++
		}
		i += n
	}
	return bad*100 > len(head)*15
}

// reHARStart matches the opening of a HAR document: an object whose "log"
// member is an object (allowing a JSONP wrapper before it).
var reHARStart = regexp.MustCompile(`^(?:[A-Za-z_$][A-Za-z0-9_$.]*\s*\(\s*)?\{\s*"log"\s*:\s*\{`)

func firstN(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}

// countingReader counts the bytes read from the file itself.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// ErrGzipBomb is returned when a .gz input expands beyond the limits.
var ErrGzipBomb = errors.New("gzip input expands beyond the limit")

// bombGuard stops decompression that exceeds a size or a ratio limit.
type bombGuard struct {
	r     io.Reader
	in    *countingReader
	out   int64
	max   int64
	ratio int64
}

func (b *bombGuard) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.out += int64(n)
	if b.out > b.max {
		return n, fmt.Errorf("%w: more than %d bytes decompressed (raise --max-decompressed)", ErrGzipBomb, b.max)
	}
	if b.out > 1<<20 && b.in.n > 0 && b.out/b.in.n > b.ratio {
		return n, fmt.Errorf("%w: expansion ratio over %d:1 after %d bytes (a gzip bomb?)", ErrGzipBomb, b.ratio, b.out)
	}
	return n, err
}
