package parsers

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ParseError is a bad record inside an input: the reader reports it and, unless
// Fatal, goes on with the next record. Messages never quote record content,
// which may hold credentials.
type ParseError struct {
	File string
	// Line is 1-based, 0 when unknown.
	Line int
	// Entry is the HAR entry index, -1 when not applicable.
	Entry int
	// Offset is the byte offset, -1 when unknown.
	Offset int64
	Err    error
	// Fatal means the reader cannot go on (a truncated HAR, a gzip error).
	Fatal bool
}

func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	var pos []string
	if e.Entry >= 0 {
		pos = append(pos, "entry "+strconv.Itoa(e.Entry))
	}
	if e.Line > 0 {
		pos = append(pos, "line "+strconv.Itoa(e.Line))
	}
	if e.Offset >= 0 {
		pos = append(pos, "byte "+strconv.FormatInt(e.Offset, 10))
	}
	if len(pos) > 0 {
		b.WriteString(": ")
		b.WriteString(strings.Join(pos, ", "))
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *ParseError) Unwrap() error { return e.Err }

// ErrUnsupported marks an input the tool recognises but will not read (a
// YAML HAR, an unknown format).
var ErrUnsupported = errors.New("unsupported input")

// unsupported wraps ErrUnsupported with a reason.
func unsupported(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrUnsupported, fmt.Sprintf(format, a...))
}
