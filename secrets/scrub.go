package secrets

import (
	"strings"
)

// ScrubText makes server-supplied free text (an error_description, a log
// message) safe to show: every word that looks like a credential (a known
// format, or a long run of mixed letters and digits) becomes "<redacted>".
// Servers sometimes echo the token they refused.
func ScrubText(s string) string {
	s = scrubDetected(s)
	var b strings.Builder
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		w := s[start:end]
		if looksSecretWord(w) {
			b.WriteString("<redacted>")
		} else {
			b.WriteString(w)
		}
		start = -1
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if scrubWordByte(c) {
			if start < 0 {
				start = i
			}
			continue
		}
		flush(i)
		b.WriteByte(c)
	}
	flush(len(s))
	return b.String()
}

func scrubWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_.+/=$~", c) >= 0
}

// looksSecretWord: a known credential format, or 16+ characters mixing
// letters and digits (ids and hashes get caught too; that is the safe side).
func looksSecretWord(w string) bool {
	w = strings.Trim(w, ".-_")
	if len(w) < 16 {
		return false
	}
	if k, _ := Classify(w); k != KindOpaque && k != KindPlaceholder && k != KindRedacted {
		return true
	}
	var letters, digits int
	for i := 0; i < len(w); i++ {
		switch c := w[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			letters++
		}
	}
	return letters > 0 && digits > 0
}

// scrubDetected replaces what the detectors find (an "Authorization: Basic
// …" echoed in a message, a key=value pair) before the word heuristic runs.
func scrubDetected(s string) string {
	var spans [][2]int
	ScanLine([]byte(s), func(m Match) { spans = append(spans, [2]int{m.Start, m.End}) })
	if len(spans) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, sp := range spans {
		if sp[0] < last {
			continue
		}
		b.WriteString(s[last:sp[0]])
		b.WriteString("<redacted>")
		last = sp[1]
	}
	b.WriteString(s[last:])
	return b.String()
}
