package parsers

import (
	"bytes"
	"strings"
)

// curlMaxSniffLines bounds how far sniffCurl looks: a transcript shows a marker
// within its first lines, even after a paragraph of prose.
const curlMaxSniffLines = 400

// sniffCurl recognises a curl transcript by content: request and status
// lines with their "> "/"< " prefixes, curl's "*" connection lines, trace
// record headers, or a curl command line — also indented, fenced or behind a
// --trace-time prefix. JSON, Common Log Format and HAR lines never start
// with these, so they are not claimed.
func sniffCurl(head []byte, lowerName string) Format {
	if bytes.HasPrefix(head, []byte("{")) || bytes.HasPrefix(head, []byte("[")) {
		return "" // JSON: a HAR or a log
	}
	rest := head
	for n := 0; n < curlMaxSniffLines && len(rest) > 0; n++ {
		var line []byte
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			line, rest = rest, nil
		}
		s, ok := curlStripMeter(strings.TrimRight(string(line), "\r"))
		if !ok {
			continue
		}
		s = strings.TrimLeft(s, " \t")
		s, _ = curlStripTracePrefix(s)
		if curlSignal(s) {
			return FormatCurl
		}
	}
	return ""
}

// curlSignal reports a line only curl (or a curl paste) writes.
func curlSignal(s string) bool {
	switch {
	case strings.HasPrefix(s, "== Info:"), reTraceHead.MatchString(s):
		return true
	case strings.HasPrefix(s, "> ") && reRequestLine.MatchString(strings.TrimRight(s[2:], " ")):
		return true
	case strings.HasPrefix(s, "< ") && reStatusLine.MatchString(strings.TrimRight(s[2:], " ")):
		return true
	case strings.HasPrefix(s, "* "):
		t := strings.TrimLeft(s[2:], " ")
		return strings.HasPrefix(t, "Trying ") || strings.HasPrefix(t, "Connected to ") ||
			strings.HasPrefix(t, "Established connection to ") || strings.HasPrefix(t, "Issue another request")
	}
	if curlCommandStart(s) >= 0 {
		_, err := parseCurlCommand(s, Options{}) // without building headers: only "is it one?"
		return err == nil
	}
	return false
}
