package parsers

import (
	"bytes"
	"io"
)

// lineTracker sits between a file and a json.Decoder and maps byte offsets to
// line numbers. It keeps only the bytes between the last offset asked about
// and the read head (about one entry plus the decoder's read-ahead), so
// memory does not grow with the file.
type lineTracker struct {
	r    io.Reader
	buf  []byte
	base int64 // offset of buf[0]
	line int   // line number at base (1-based)
}

func newLineTracker(r io.Reader) *lineTracker { return &lineTracker{r: r, line: 1} }

func (t *lineTracker) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	t.buf = append(t.buf, p[:n]...)
	return n, err
}

// advance moves the base to off, counting the newlines passed.
func (t *lineTracker) advance(off int64) {
	d := off - t.base
	if d <= 0 {
		return
	}
	if d > int64(len(t.buf)) {
		d = int64(len(t.buf))
	}
	t.line += bytes.Count(t.buf[:d], []byte{'\n'})
	t.buf = t.buf[d:]
	t.base += d
	// Compact once the dead prefix dominates, so the backing array does
	// not grow with the file.
	if cap(t.buf) > 1<<20 && len(t.buf) < cap(t.buf)/4 {
		t.buf = append([]byte(nil), t.buf...)
	}
}

// valueStart returns the offset and line of the first byte at or after off
// that is not whitespace or a comma: where the next JSON value starts.
func (t *lineTracker) valueStart(off int64) (int64, int) {
	t.advance(off)
	i := 0
	for i < len(t.buf) {
		switch t.buf[i] {
		case ' ', '\t', '\r', '\n', ',':
			i++
			continue
		}
		break
	}
	t.advance(t.base + int64(i))
	return t.base, t.line
}

// lineAt returns the line of offset off (off must not go backwards).
func (t *lineTracker) lineAt(off int64) int {
	t.advance(off)
	return t.line
}
