package parsers

import (
	"bytes"

	"github.com/tidwall/gjson"
)

// sniffJSONL: the first line, or most of the first (up to 10) complete
// lines, are whole JSON objects (valid as they are, or once nginx/Apache
// \xHH escapes are translated). A minified HAR is
// one object holding log.entries and is left to the HAR test.
//
// A pretty-printed JSON document that is not a HAR (a Postman collection,
// a config) is sniffed as text: read as JSON lines every line would be an
// error, while as text its credentials are still scanned.
func sniffJSONL(head []byte, _ string) Format {
	if len(head) == 0 {
		return ""
	}
	if head[0] == '{' && bytes.IndexByte(head, '\n') < 0 && len(head) >= 32<<10 {
		// The first line does not fit the sniff window: a long JSON
		// line, or a minified HAR. The HAR has "log" first in practice.
		if bytes.Contains(firstN(head, 256), []byte(`"log":{`)) || bytes.Contains(firstN(head, 256), []byte(`"log": {`)) {
			return ""
		}
		return FormatJSONL
	}
	n, m := 0, 0
	firstOK := false
	for i, l := range headLines(head, 10) {
		n++
		if isTraceLine(l) {
			// A curl transcript whose paste starts with the JSON
			// body. The curl sniffer, earlier in Sniff's list, claims
			// transcripts; what it leaves is text, not JSON lines.
			return FormatText
		}
		l = bytes.TrimSpace(l)
		if len(l) < 2 || l[0] != '{' || l[len(l)-1] != '}' {
			continue
		}
		if !gjson.ValidBytes(l) {
			if l, _ = translateHexEscapes(nil, l); !gjson.ValidBytes(l) {
				continue
			}
		}
		if gjson.GetBytes(l, "log.entries").IsArray() {
			return "" // a minified HAR on one line
		}
		m++
		firstOK = firstOK || i == 0
	}
	// A first line that is a whole object is enough (a pretty-printed
	// document never starts so); otherwise most lines must be, so an
	// excerpt whose first line was cut still counts.
	if firstOK || m > 0 && 2*m > n {
		return FormatJSONL
	}
	if head[0] == '{' && !bytes.Contains(firstN(head, 4096), []byte(`"log"`)) {
		return FormatText
	}
	return ""
}

// isTraceLine reports a curl -v / --trace-ascii line: "* ", "> ", "< "
// (or the bare ">" / "<" of a terminal copy), "== Info:", "=> Send",
// "<= Recv".
func isTraceLine(l []byte) bool {
	if len(l) == 1 && (l[0] == '>' || l[0] == '<') {
		return true
	}
	for _, p := range []string{"* ", "> ", "< ", "== Info:", "=> Send", "<= Recv"} {
		if bytes.HasPrefix(l, []byte(p)) {
			return true
		}
	}
	return false
}
