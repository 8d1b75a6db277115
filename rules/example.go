package rules

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/authtriage/authtriage/parsers"
)

// ExampleTime is the request time of every example: the response gets this
// Date header unless the example sets one, so time rules are reproducible.
const ExampleTime = "Mon, 30 Nov 2026 06:40:00 GMT"

// ParseExample turns an Example's HTTP text into a record (see Example).
func ParseExample(text string) (*parsers.Record, error) {
	return parseExampleAt(text, 0)
}

// ExampleSeparator is the line between the exchanges of a multi-request
// example.
const ExampleSeparator = "==="

// ParseExamples turns an Example's HTTP text into its records: one, or
// several separated by a line holding only "===". Record i is entry i of a
// file named "example", and its response Date defaults to ExampleTime plus i
// seconds, so a sequence has a realistic order and span.
func ParseExamples(text string) ([]*parsers.Record, error) {
	var blocks []string
	var cur []string
	for _, l := range strings.Split(text, "\n") {
		if strings.TrimSpace(l) == ExampleSeparator {
			blocks = append(blocks, strings.Join(cur, "\n"))
			cur = nil
			continue
		}
		cur = append(cur, l)
	}
	blocks = append(blocks, strings.Join(cur, "\n"))
	recs := make([]*parsers.Record, 0, len(blocks))
	for i, b := range blocks {
		rec, err := parseExampleAt(b, i)
		if err != nil {
			return nil, fmt.Errorf("exchange %d: %w", i+1, err)
		}
		recs = append(recs, rec)
	}
	return recs, nil
}

func parseExampleAt(text string, idx int) (*parsers.Record, error) {
	lines := strings.Split(strings.TrimLeft(text, "\n"), "\n")
	if len(lines) == 0 {
		return nil, fmt.Errorf("empty example")
	}
	method, target, ok := strings.Cut(strings.TrimSpace(lines[0]), " ")
	if !ok {
		return nil, fmt.Errorf("request line %q: want METHOD URL", lines[0])
	}
	ex := &parsers.Exchange{Request: parsers.Request{Method: method, URL: parsers.ParseURL(target), Proto: "HTTP/1.1"}}
	i := 1
	headers, body, next := exampleBlock(lines, i)
	ex.Request.Headers = headers
	if body != "" {
		ex.Request.Body = parsers.Body{MimeType: ex.Request.Headers.Value("Content-Type"), Text: body}
		ex.Request.Body.Fields = parsers.ParseBodyFields(ex.Request.Body.MimeType, body, parsers.Options{})
	}
	i = next
	if i < len(lines) && strings.TrimSpace(lines[i]) != "" {
		code, err := strconv.Atoi(strings.Fields(lines[i])[0])
		if err != nil {
			return nil, fmt.Errorf("status line %q: %v", lines[i], err)
		}
		resp := &parsers.Response{Status: code}
		rh, rbody, _ := exampleBlock(lines, i+1)
		resp.Headers = rh
		if rbody != "" {
			resp.Body = parsers.Body{MimeType: rh.Value("Content-Type"), Text: rbody}
			resp.Body.Fields = parsers.ParseBodyFields(resp.Body.MimeType, rbody, parsers.Options{})
		}
		resp.RedirectURL = rh.Value("Location")
		date := rh.Value("Date")
		if date == "" {
			date = ExampleTime
		}
		t, err := http.ParseTime(date)
		if err != nil {
			return nil, fmt.Errorf("date %q: %v", date, err)
		}
		if rh.Value("Date") == "" {
			t = t.Add(time.Duration(idx) * time.Second)
		}
		resp.Date = t.UTC()
		ex.Response = resp
		ex.Start = resp.Date
	}
	return &parsers.Record{Source: parsers.Source{File: "example", Format: parsers.FormatHAR, Entry: idx, Line: idx + 1, Pointer: "/log/entries/" + strconv.Itoa(idx)}, Exchange: ex}, nil
}

// exampleBlock reads headers up to a blank line, with an optional body after
// a "--" line. It returns the index after the blank line.
func exampleBlock(lines []string, i int) (parsers.Headers, string, int) {
	var hs parsers.Headers
	var body []string
	inBody := false
	for ; i < len(lines); i++ {
		l := strings.TrimRight(lines[i], "\r")
		if strings.TrimSpace(l) == "" {
			return hs, strings.Join(body, "\n"), i + 1
		}
		if inBody {
			body = append(body, l)
			continue
		}
		if strings.TrimSpace(l) == "--" {
			inBody = true
			continue
		}
		name, value, _ := strings.Cut(l, ":")
		// One leading space separates name and value; anything more is
		// part of the value (examples test stray whitespace).
		value = strings.TrimPrefix(value, " ")
		value = strings.ReplaceAll(value, `\r`, "\r")
		value = strings.ReplaceAll(value, `\n`, "\n")
		value = strings.ReplaceAll(value, `\t`, "\t")
		hs = append(hs, parsers.NewHeader(strings.TrimSpace(name), value))
	}
	return hs, strings.Join(body, "\n"), i
}
