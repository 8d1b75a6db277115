package parsers

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// Open sniffs an input's format (by content first, extension second) and
// returns its reader. forced, when not "" or "auto", skips sniffing.
// Gzip input is decompressed transparently.
func Open(r io.Reader, name string, forced Format, o Options) (Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if head, _ := br.Peek(2); len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%s: gzip: %w", name, err)
		}
		br = bufio.NewReaderSize(zr, 64<<10)
	}
	f := forced
	if f == "" || f == "auto" {
		head, _ := br.Peek(32 << 10)
		f = Sniff(head, name)
	}
	return NewReader(br, name, f, o)
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
	}
	return nil, unsupported("format %q has no reader", f)
}

// Sniff decides a format from the first bytes of a file and its name.
func Sniff(head []byte, name string) Format {
	h := bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	t := bytes.TrimLeft(h, " \t\r\n")
	lower := strings.ToLower(name)
	switch {
	case bytes.HasPrefix(t, []byte("{")) && bytes.Contains(firstN(t, 4096), []byte(`"log"`)) &&
		!bytes.Contains(firstLine(t), []byte("}")):
		// A pretty-printed object whose first line is not a whole
		// record, with "log" near the top: a HAR.
		return FormatHAR
	case strings.HasSuffix(lower, ".har") || strings.HasSuffix(lower, ".har.gz"):
		return FormatHAR
	case bytes.HasPrefix(t, []byte("log:")) && strings.Contains(lower, ".har"):
		return FormatHAR // YAML HAR: the HAR reader refuses it clearly
	}
	// Line formats, most specific first. Each test looks at content.
	for _, s := range []func(head []byte, lowerName string) Format{
		// Transcript sniffers go first, then the access-log ones.
		sniffJSONL, sniffCLF, sniffLogfmt,
	} {
		if f := s(t, lower); f != "" {
			return f
		}
	}
	if bytes.HasPrefix(t, []byte("{")) {
		if bytes.Contains(firstN(t, 4096), []byte(`"log"`)) && bytes.Contains(firstN(t, 4096), []byte(`"entries"`)) {
			return FormatHAR
		}
		return FormatJSONL
	}
	return FormatText
}

func firstN(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}

func firstLine(b []byte) []byte {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i]
	}
	return b
}

// IsCompressedName reports a .gz name (used by folder walks to keep the
// extension test in one place).
func IsCompressedName(name string) bool { return filepath.Ext(name) == ".gz" }
