package parsers

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// HARPart is one JSON value of a HAR document, decoded generically
// (map[string]any, []any, string, json.Number, bool or nil): an element of
// log.entries, or another member of "log" or of the top-level object.
type HARPart struct {
	// Pointer is the value's JSON pointer: /log/entries/12, /log/pages.
	Pointer string
	// Entry is the entry index, -1 for the other parts.
	Entry int
	// Line (1-based) and Offset are where the value starts.
	Line   int
	Offset int64
	Value  any
}

// WalkHAR streams a HAR document to fn one part at a time, so every string
// the document holds can be examined (scan) while memory stays bounded by
// the largest entry. Unlike the HAR reader it keeps everything: cookie
// values, response content of any type, pages, comments, custom fields.
//
// A syntax error stops the walk with a fatal *ParseError naming the line
// and offset; an error returned by fn stops it too and is returned as is.
func WalkHAR(r io.Reader, name string, fn func(*HARPart) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	if err := skipHARPreamble(br); err != nil {
		return err
	}
	w := &harWalker{name: name, track: newLineTracker(br), fn: fn}
	w.dec = json.NewDecoder(w.track)
	w.dec.UseNumber()
	return w.walk()
}

type harWalker struct {
	name  string
	track *lineTracker
	dec   *json.Decoder
	fn    func(*HARPart) error
	entry int
}

// userError marks an error returned by fn, passed through untouched.
type userError struct{ err error }

func (e userError) Error() string { return e.err.Error() }

func (w *harWalker) fail(err error) error {
	var ue userError
	if errors.As(err, &ue) {
		return ue.err
	}
	var pe *ParseError
	if errors.As(err, &pe) {
		return pe
	}
	off := w.dec.InputOffset()
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		err = fmt.Errorf("file ends inside the document (truncated HAR) after %d entries", w.entry)
	}
	entry := -1
	if w.entry > 0 {
		entry = w.entry
	}
	return &ParseError{File: w.name, Entry: entry, Offset: off, Line: w.track.lineAt(off), Err: err, Fatal: true}
}

func (w *harWalker) walk() error {
	if err := w.expectDelim('{'); err != nil {
		return w.fail(fmt.Errorf("not a HAR document: %v", err))
	}
	for w.dec.More() {
		key, err := w.key()
		if err != nil {
			return w.fail(err)
		}
		if key == "log" {
			if err := w.walkLog(); err != nil {
				return w.fail(err)
			}
			continue
		}
		if err := w.part("/"+PointerToken(key), -1); err != nil {
			return w.fail(err)
		}
	}
	if _, err := w.dec.Token(); err != nil { // the closing }
		return w.fail(err)
	}
	return nil
}

func (w *harWalker) walkLog() error {
	if err := w.expectDelim('{'); err != nil {
		return fmt.Errorf(`"log" is not an object: %v`, err)
	}
	for w.dec.More() {
		key, err := w.key()
		if err != nil {
			return err
		}
		if key != "entries" {
			if err := w.part("/log/"+PointerToken(key), -1); err != nil {
				return err
			}
			continue
		}
		if err := w.expectDelim('['); err != nil {
			return fmt.Errorf(`"log.entries" is not an array: %v`, err)
		}
		for w.dec.More() {
			if err := w.part("/log/entries/"+strconv.Itoa(w.entry), w.entry); err != nil {
				return err
			}
			w.entry++
		}
		if _, err := w.dec.Token(); err != nil { // ]
			return err
		}
	}
	_, err := w.dec.Token() // }
	return err
}

// part decodes one value and hands it to fn.
func (w *harWalker) part(ptr string, entry int) error {
	off, line := w.track.valueStart(w.dec.InputOffset())
	var v any
	if err := w.dec.Decode(&v); err != nil {
		return err
	}
	if err := w.fn(&HARPart{Pointer: ptr, Entry: entry, Line: line, Offset: off, Value: v}); err != nil {
		return userError{err}
	}
	return nil
}

func (w *harWalker) key() (string, error) {
	tok, err := w.dec.Token()
	if err != nil {
		return "", err
	}
	k, ok := tok.(string)
	if !ok {
		return "", fmt.Errorf("expected an object key, found %v", tok)
	}
	return k, nil
}

func (w *harWalker) expectDelim(d json.Delim) error {
	tok, err := w.dec.Token()
	if err != nil {
		return err
	}
	if got, ok := tok.(json.Delim); !ok || got != d {
		return fmt.Errorf("expected %q", string(d))
	}
	return nil
}

// PointerToken escapes an object key for use in a JSON pointer (RFC 6901).
func PointerToken(k string) string {
	if !strings.ContainsAny(k, "~/") {
		return k
	}
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(k)
}
