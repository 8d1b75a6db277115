package sanitize

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// sanitizeText rewrites a text input (a curl transcript, an access or
// application log) line by line: each credential the detectors find is
// replaced exactly over its bytes, and for curl transcripts the lines whose
// structure is known (request and response headers, HTTP/2 "[name: value]"
// lines, trace dumps, the command line) go through the same header, URL and
// body sanitizers as a HAR. Line endings, including a missing final one,
// stay as they were.
func sanitizeText(br *bufio.Reader, w io.Writer, name string, curl bool, maxLine int, r *replacer, st *Stats, warn func(string)) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	emit := func(s string) error {
		_, err := bw.WriteString(s)
		return err
	}
	var ct *curlText
	if curl {
		ct = &curlText{r: r, max: maxLine}
	}
	var buf []byte
	for num := 1; ; num++ {
		line, end, tooLong, err := readLine(br, &buf, maxLine)
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("%s: line %d: %w", name, num, err)
		}
		if len(line) == 0 && end == "" && !tooLong && errors.Is(err, io.EOF) {
			break
		}
		st.Lines++
		r.entry, r.line = -1, num
		switch {
		case tooLong:
			// A line is never written unread: one this long is left
			// out, and the output says so where it was.
			warn(fmt.Sprintf("%s: line %d longer than %d bytes left out (raise --max-line to keep it)", name, num, maxLine))
			if ct != nil {
				if err := ct.flush(emit); err != nil {
					return err
				}
			}
			if err := emit("[authtriage sanitize: line " + strconv.Itoa(num) + " left out: longer than " + strconv.Itoa(maxLine) + " bytes]" + end); err != nil {
				return err
			}
		case ct != nil:
			if err := ct.feed(string(line), end, num, emit); err != nil {
				return err
			}
		default:
			if err := emit(r.logText(string(line), "line "+strconv.Itoa(num)) + end); err != nil {
				return err
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
	}
	if ct != nil {
		if err := ct.flush(emit); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// readLine reads one line and its ending ("\n", "\r\n" or "" at the end of
// the input). A line longer than max is drained and reported as tooLong,
// never held whole.
func readLine(br *bufio.Reader, buf *[]byte, max int) (line []byte, end string, tooLong bool, err error) {
	b := (*buf)[:0]
	for {
		chunk, e := br.ReadSlice('\n')
		if !tooLong {
			if len(b)+len(chunk) > max+2 {
				tooLong = true
				b = b[:0]
			} else {
				b = append(b, chunk...)
			}
		}
		if errors.Is(e, bufio.ErrBufferFull) {
			continue
		}
		err = e
		break
	}
	*buf = b
	if tooLong {
		return nil, "\n", true, err
	}
	switch {
	case bytes.HasSuffix(b, []byte("\r\n")):
		return b[:len(b)-2], "\r\n", false, err
	case bytes.HasSuffix(b, []byte("\n")):
		return b[:len(b)-1], "\n", false, err
	}
	return b, "", false, err
}
