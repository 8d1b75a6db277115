package parsers

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// LineScanner reads lines of any length up to a limit, with their 1-based
// number and byte offset. A longer line is skipped (drained in pieces, never
// held whole) and reported as a *ParseError; reading goes on. The trailing
// "\n" and "\r\n" are removed. Memory is bounded by the limit.
type LineScanner struct {
	name   string
	br     *bufio.Reader
	max    int
	line   int
	offset int64
	buf    []byte
	err    error
}

// NewLineScanner reads r, naming it name in errors.
func NewLineScanner(r io.Reader, name string, maxLine int) *LineScanner {
	if maxLine <= 0 {
		maxLine = DefaultOptions.MaxLine
	}
	br, ok := r.(*bufio.Reader)
	if !ok || br.Size() < 64<<10 {
		br = bufio.NewReaderSize(r, 64<<10)
	}
	return &LineScanner{name: name, br: br, max: maxLine}
}

// Next returns the next line (valid until the following call), its number and
// start offset. It returns io.EOF at the end, a *ParseError for a line over
// the limit, or the read error.
func (s *LineScanner) Next() (line []byte, num int, off int64, err error) {
	if s.err != nil {
		return nil, 0, 0, s.err
	}
	s.buf = s.buf[:0]
	start := s.offset
	s.line++
	tooLong := false
	for {
		chunk, err := s.br.ReadSlice('\n')
		s.offset += int64(len(chunk))
		if !tooLong {
			if len(s.buf)+len(chunk) > s.max+2 { // +2: the line ending
				tooLong = true
				s.buf = s.buf[:0]
			} else {
				s.buf = append(s.buf, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil {
			if errors.Is(err, io.EOF) && (s.offset > start) {
				s.err = io.EOF
				break // last line without a newline
			}
			s.err = err
			return nil, 0, 0, err
		}
		break
	}
	if tooLong {
		return nil, s.line, start, &ParseError{File: s.name, Line: s.line, Entry: -1, Offset: start,
			Err: fmt.Errorf("line longer than %d bytes skipped (raise --max-line to read it)", s.max)}
	}
	b := s.buf
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return b, s.line, start, nil
}

// logLines is the line loop of the access-log readers (JSON lines, CLF):
// each non-blank line is a record whose Text is its own copy of the line; a
// BOM before the first line is dropped; bytes a log line must not hold are
// reported with the line (lineProblem), which is then kept as text only when
// they make it unreadable.
type logLines struct {
	name   string
	format Format
	sc     *LineScanner
}

func newLogLines(r io.Reader, name string, f Format, o Options) logLines {
	return logLines{name: name, format: f, sc: NewLineScanner(r, name, o.MaxLine)}
}

// lineParser reads the content of one log line (trimmed) into the record's
// Exchange, or returns why the line is kept as text only: an error text
// that never quotes the line.
type lineParser interface {
	parseLine(rec *Record, content []byte) (problem string)
}

func (l *logLines) next(p lineParser) (*Record, error) {
	for {
		line, num, off, err := l.sc.Next()
		if err != nil {
			return nil, err
		}
		if num == 1 {
			line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
		}
		content, problem, textOnly := lineProblem(line)
		content = bytes.TrimSpace(content)
		if len(content) == 0 {
			if problem != "" {
				return nil, l.errorAt(num, off, problem)
			}
			continue
		}
		rec := &Record{
			Source: Source{File: l.name, Format: l.format, Entry: -1, Line: num, Offset: off},
			Text:   append([]byte(nil), line...),
		}
		if !textOnly {
			if bad := p.parseLine(rec, content); bad != "" {
				problem = bad
			}
		}
		if problem != "" {
			return rec, l.errorAt(num, off, problem)
		}
		return rec, nil
	}
}

func (l *logLines) errorAt(line int, off int64, msg string) *ParseError {
	return &ParseError{File: l.name, Line: line, Entry: -1, Offset: off, Err: errors.New(msg)}
}

// textReader yields every line as a text record: the input for leak
// detection when a file is not an HTTP capture (application logs, configs).
type textReader struct {
	sc   *LineScanner
	name string
}

// NewTextReader reads any text file line by line.
func NewTextReader(r io.Reader, name string, o Options) (Reader, error) {
	o = o.withDefaults()
	return &textReader{sc: NewLineScanner(r, name, o.MaxLine), name: name}, nil
}

func (t *textReader) Format() Format { return FormatText }
func (t *textReader) Schema() string { return "" }

func (t *textReader) Next() (*Record, error) {
	line, num, off, err := t.sc.Next()
	if err != nil {
		return nil, err
	}
	// copied: the scanner reuses its buffer, and records outlive the
	// next line (analyze reads a few batches ahead of the rules)
	return &Record{Source: Source{File: t.name, Format: FormatText, Entry: -1, Line: num, Offset: off}, Text: append([]byte(nil), line...)}, nil
}
