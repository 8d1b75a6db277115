package parsers

import (
	"bytes"
	"regexp"
)

// Content sniffers for line-based logs, run by Sniff on the first bytes of
// a file (leading whitespace and BOM removed).

// reCLFLine matches the start of a Common/Combined Log Format line up to the
// opening quote of the request: remote ident user (an optional vhost:port
// before them) and the bracketed time.
var reCLFLine = regexp.MustCompile(`^(\S+ )?\S+ \S+ \S+ \[\d{1,2}/[A-Za-z]{3}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\] "`)

// sniffCLF: most of the first (up to 10) complete lines are CLF lines. A
// curl transcript (lines starting "* ", "> ", "< ") never matches.
func sniffCLF(head []byte, _ string) Format {
	n, m := 0, 0
	for _, l := range headLines(head, 10) {
		n++
		if reCLFLine.Match(l) {
			m++
		}
	}
	if m > 0 && 2*m > n {
		return FormatCLF
	}
	return ""
}

// reLogfmt matches a logfmt line: key=value pairs (values bare or quoted).
var reLogfmt = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_.-]*=("([^"\\]|\\.)*"|\S*)(\s+|$)){3,}`)

// sniffLogfmt: application logs in logfmt (time=… level=… msg=…, the Go
// slog TextHandler and logrus TextFormatter) are text: no reader of ours
// parses them into exchanges, and they must not fall to a later guess.
func sniffLogfmt(head []byte, _ string) Format {
	lines := headLines(head, 5)
	if len(lines) == 0 {
		return ""
	}
	for _, l := range lines {
		if !reLogfmt.Match(l) || !(bytes.Contains(l, []byte("level=")) || bytes.Contains(l, []byte("lvl=")) || bytes.Contains(l, []byte("msg="))) {
			return ""
		}
	}
	return FormatText
}

// headLines returns up to max non-empty lines of head. The last line is
// left out when head ends inside it (unless it is the only one), so a line
// cut by the sniff window does not count against the format.
func headLines(head []byte, max int) [][]byte {
	var out [][]byte
	rest := head
	for len(rest) > 0 && len(out) < max {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			if len(out) == 0 {
				out = append(out, bytes.TrimRight(rest, "\r"))
			}
			break
		}
		l := bytes.TrimRight(rest[:i], "\r")
		rest = rest[i+1:]
		if len(bytes.TrimSpace(l)) > 0 {
			out = append(out, l)
		}
	}
	return out
}
