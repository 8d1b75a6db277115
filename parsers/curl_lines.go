package parsers

import (
	"encoding/hex"
	"regexp"
	"strconv"
	"strings"
)

// What users paste is curl's stderr trace interleaved with stdout, copied from
// a terminal or a file, often indented or fenced in Markdown. This file turns
// one physical line into one logical line the exchange grammar can read
// (research/formats.md §1.1–§1.3, §1.9).

// curlLineKind is what a logical line is, by its prefix.
type curlLineKind uint8

const (
	lkPlain     curlLineKind = iota // no prefix: body, -i headers, prose
	lkInfo                          // "* " or "== Info: "
	lkSent                          // "> "
	lkRecv                          // "< "
	lkData                          // "{ [N bytes data]" / "} [...]"
	lkError                         // "curl: (N) ..."
	lkTraceHead                     // "=> Send header, N bytes (0xN)"
)

var (
	// reMeter is curl's progress meter as it lands on a line when the last
	// update is followed by trace text instead of a newline (§1.2).
	reMeter = regexp.MustCompile(`^ *(?:\d+(?:\.\d+)?[kMGTPE]? +){8}[-0-9:dh ]{8} [-0-9:dh ]{8} [-0-9:dh ]{8} +\d+(?:\.\d+)?[kMGTPE]?`)
	// reMeterTitle matches the two title lines of the meter.
	reMeterTitle = regexp.MustCompile(`^ *(?:% Total +% Received % Xferd +Average Speed|Dload +Upload +Total +Spent)`)
	// reTracePrefix is --trace-time ("06:39:23.414136 ") and --trace-ids
	// ("[0-0] ", "[0-x] ") before the marker.
	reTracePrefix = regexp.MustCompile(`^(?:\d{2}:\d{2}:\d{2}\.\d{6} )?(?:\[\d+-(?:\d+|x)\] )?`)
	// reTraceHead is a --trace/--trace-ascii record header.
	reTraceHead = regexp.MustCompile(`^(=>|<=) (Send|Recv) (header|data|SSL data), (\d+) bytes \(0x[0-9a-fA-F]+\)$`)
	reCurlErr   = regexp.MustCompile(`^curl: \((\d+)\) ?(.*)$`)
	reFence     = regexp.MustCompile("^(```|~~~)[\\w+-]*\\s*$")
)

// curlHasMarker reports whether s starts with something only a curl transcript
// has, so indentation can be learned from it.
func curlHasMarker(s string) bool {
	switch {
	case s == "*" || s == ">" || s == "<":
		return true
	case len(s) >= 2 && (s[1] == ' ') && strings.IndexByte("*><{}", s[0]) >= 0:
		return true
	case strings.HasPrefix(s, "== Info:"), strings.HasPrefix(s, "=> Send"), strings.HasPrefix(s, "<= Recv"):
		return true
	case strings.HasPrefix(s, "$ curl"), strings.HasPrefix(s, "curl "), strings.HasPrefix(s, "HTTP/"):
		return true
	}
	return false
}

// cutTrailingCRs removes the CRs that end s and says how many there were: a
// CR left in a header value (a token read from a CRLF file) is evidence.
func cutTrailingCRs(s string) (string, int) {
	t := strings.TrimRight(s, "\r")
	return t, len(s) - len(t)
}

// curlStripMeter drops the progress meter from a line: everything up to the last
// CR (earlier meter updates), then a meter prefix glued to trace text. ok is
// false when nothing but meter remains.
func curlStripMeter(s string) (string, bool) {
	if i := strings.LastIndexByte(s, '\r'); i >= 0 {
		s = s[i+1:]
	}
	// Cheap tests first: the meter starts with spaces and a digit, its
	// titles with "%" or "Dload".
	t := strings.TrimLeft(s, " ")
	if t == "" || !(t[0] >= '0' && t[0] <= '9' || t[0] == '%' || t[0] == 'D') {
		return s, true
	}
	if (t[0] == '%' || t[0] == 'D') && reMeterTitle.MatchString(s) {
		return "", false
	}
	if m := reMeter.FindStringIndex(s); m != nil {
		s = s[m[1]:]
		if strings.TrimSpace(s) == "" {
			return "", false
		}
	}
	return s, true
}

// curlStripTracePrefix removes --trace-time/--trace-ids prefixes, but only when
// a marker follows, so body text that starts with a time stays intact.
func curlStripTracePrefix(s string) (string, bool) {
	if s == "" || !(s[0] >= '0' && s[0] <= '9' || s[0] == '[') {
		return s, false
	}
	m := reTracePrefix.FindStringIndex(s)
	if m == nil || m[1] == 0 {
		return s, false
	}
	rest := s[m[1]:]
	if curlHasMarker(rest) {
		return rest, true
	}
	return s, false
}

// curlClassify splits a logical line into its kind and the text after the prefix.
func curlClassify(s string) (curlLineKind, string) {
	switch {
	case s == "":
		return lkPlain, ""
	case s == "*":
		return lkInfo, ""
	case strings.HasPrefix(s, "* "):
		return lkInfo, s[2:]
	case strings.HasPrefix(s, "== Info:"):
		return lkInfo, strings.TrimPrefix(s[len("== Info:"):], " ")
	case s == ">" || s == "<":
		if s == ">" {
			return lkSent, ""
		}
		return lkRecv, ""
	case strings.HasPrefix(s, "> "):
		return lkSent, s[2:]
	case strings.HasPrefix(s, "< "):
		return lkRecv, s[2:]
	case strings.HasPrefix(s, "{ [") || strings.HasPrefix(s, "} ["):
		return lkData, ""
	case strings.HasPrefix(s, "=> ") || strings.HasPrefix(s, "<= "):
		if reTraceHead.MatchString(s) {
			return lkTraceHead, s
		}
	case strings.HasPrefix(s, "curl: ("):
		if reCurlErr.MatchString(s) {
			return lkError, s
		}
	}
	return lkPlain, s
}

// curlDumpOffset returns the offset field of a trace dump line ("01c0: …"),
// or "" when s is not one.
func curlDumpOffset(s string) string {
	i := 0
	for i < len(s) && i < 9 && (s[i] >= '0' && s[i] <= '9' || s[i] >= 'a' && s[i] <= 'f') {
		i++
	}
	if i < 4 || i > 8 || i >= len(s) || s[i] != ':' || i+1 < len(s) && s[i+1] != ' ' {
		return ""
	}
	return s[:i]
}

// curlTraceRecord collects the dump lines of one --trace/--trace-ascii record.
type curlTraceRecord struct {
	out, header bool // "=>" and "header" records
	data        bool // "data" (not "SSL data")
	size        int
	line        int
	off         int64
	hex         int // 1 hex, -1 ascii, 0 undecided
	buf         []byte
	// ascii mode: the offset and text of the previous dump line, to decide
	// whether a CRLF stood between it and the next (§1.9).
	lastOff  int
	lastLen  int
	haveLast bool
	max      int
	over     bool
	bad      bool
}

func newCurlTraceRecord(m []string, line int, off int64, max int) *curlTraceRecord {
	n, _ := strconv.Atoi(m[4])
	return &curlTraceRecord{out: m[1] == "=>", header: m[3] == "header", data: m[3] == "data",
		size: n, line: line, off: off, max: max}
}

// relevant is false for SSL records, whose bytes are encrypted noise.
func (t *curlTraceRecord) relevant() bool { return t.header || t.data }

// add takes one dump line "OFFS: payload".
func (t *curlTraceRecord) add(offs, payload string) {
	if !t.relevant() || t.over || t.bad {
		return
	}
	o, err := strconv.ParseUint(offs, 16, 32)
	if err != nil {
		t.bad = true
		return
	}
	if t.hex == 0 {
		t.hex = -1
		if curlIsHexDump(payload) {
			t.hex = 1
		}
	}
	if t.hex == 1 {
		b, ok := DecodeCurlHexDump(payload)
		if !ok {
			t.bad = true
			return
		}
		t.append(b)
		return
	}
	if t.haveLast {
		t.asciiGap(int(o))
	}
	t.append([]byte(payload))
	t.lastOff, t.lastLen, t.haveLast = int(o), len(payload), true
}

// asciiGap restores the CRLF that --trace-ascii does not print: when the next
// offset is past this line's text, a line break stood between them.
func (t *curlTraceRecord) asciiGap(next int) {
	if next != t.lastOff+t.lastLen {
		t.append([]byte("\r\n"))
	}
}

func (t *curlTraceRecord) append(b []byte) {
	if len(t.buf)+len(b) > t.max {
		t.over = true
		return
	}
	t.buf = append(t.buf, b...)
}

// bytes returns the record's reconstructed bytes.
func (t *curlTraceRecord) bytes() []byte {
	if t.hex == -1 && t.haveLast && t.size >= t.lastOff+t.lastLen+2 {
		t.append([]byte("\r\n"))
	}
	return t.buf
}

// curlIsHexDump reports a --trace (hex) dump line: 16 columns of "hh " padded to
// 48 characters, then exactly as many ASCII characters as bytes.
func curlIsHexDump(p string) bool {
	if len(p) < 49 {
		return false
	}
	_, ok := DecodeCurlHexDump(p)
	return ok
}

// DecodeCurlHexDump returns the bytes of the payload of a --trace dump line
// (after "0000: "): up to 16 "hh " columns padded to 48 characters, then
// the ASCII column. sanitize rebuilds trace records with it.
func DecodeCurlHexDump(p string) ([]byte, bool) {
	if len(p) < 48 {
		return nil, false
	}
	var out []byte
	for i := 0; i+3 <= 48; i += 3 {
		g := p[i : i+3]
		if g == "   " {
			break
		}
		if g[2] != ' ' {
			return nil, false
		}
		b, err := hex.DecodeString(g[:2])
		if err != nil {
			return nil, false
		}
		out = append(out, b[0])
	}
	// The ASCII column has one character per byte; a terminal copy may
	// have trimmed its trailing spaces.
	if len(out) == 0 || len(p)-48 > len(out) || len(p)-48 < 1 && p[len(p)-1] != ' ' {
		return nil, false
	}
	return out, true
}
