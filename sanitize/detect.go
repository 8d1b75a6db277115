package sanitize

import (
	"strings"

	"github.com/authtriage/authtriage/secrets"
)

// detect replaces every credential the detectors find in text, line by
// line: exactly the bytes [Start, End) of each match.
func (r *replacer) detect(text, field string) string {
	if !strings.Contains(text, "\n") {
		return r.detectLine(text, 0, field)
	}
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = r.detectLine(l, 0, field)
	}
	return strings.Join(lines, "\n")
}

// detectPrefixed runs the detectors over prefix+v, so a header value is read
// with its name as context ("X-Service-Token: …"), and returns v with the
// matches inside it replaced.
func (r *replacer) detectPrefixed(prefix, v, field string) string {
	if strings.Contains(v, "\n") {
		return r.detect(v, field)
	}
	return r.detectLine(prefix+v, len(prefix), field)[len(prefix):]
}

// detectURL is detect for a URL: a match that starts in the scheme or host
// (a webhook URL is its own credential) is cut to its path, so the URL
// still parses.
func (r *replacer) detectURL(u string, pathStart int, field string) string {
	return r.detectLine(u, 0, field, pathStart)
}

// detectLine replaces the matches in one line that end after from. A match
// that starts before floor (optional) is cut to start at floor.
func (r *replacer) detectLine(line string, from int, field string, floor ...int) string {
	var ms []secrets.Match
	secrets.ScanLine([]byte(line), func(m secrets.Match) {
		if m.End > from {
			ms = append(ms, m)
		}
	})
	if len(ms) == 0 {
		return line
	}
	fl := from
	if len(floor) > 0 && floor[0] > fl {
		fl = floor[0]
	}
	var b strings.Builder
	last := 0
	for _, m := range ms {
		if m.Secret.Kind() == secrets.KindJWT {
			// a token that goes on after its third segment (".more",
			// a cut or mangled copy) is one value: no tail left behind
			// (a sentence's final "." is not part of it)
			for m.End < len(line) {
				if isB64URL(line[m.End]) {
					m.End++
				} else if line[m.End] == '.' && m.End+1 < len(line) && isB64URL(line[m.End+1]) {
					m.End += 2
				} else {
					break
				}
			}
		}
		st := max(m.Start, fl)
		if st < last || st >= m.End {
			continue
		}
		f := field
		if m.Field != "" {
			f = field + " " + m.Field
		}
		out, ok := r.value(line[st:m.End], m.Secret.Kind(), f, m.Detector)
		if !ok {
			continue
		}
		b.WriteString(line[last:st])
		b.WriteString(out)
		last = m.End
	}
	if last == 0 {
		return line
	}
	b.WriteString(line[last:])
	return b.String()
}

// textLine sanitizes one line of a text input after its structure was
// applied to orig (line is the result): the detectors until they find
// nothing more (a replacement can change a neighbour's context), what they
// found in orig that the rewrite left in place, then the values already
// replaced elsewhere in the input.
func (r *replacer) textLine(orig, line, field string) string {
	return r.applyKnown(r.redetect(orig, r.detectLoop(line, field), field), field)
}

// redetect replaces, in line (the rewrite of orig), the values the
// detectors find in orig that are still there: a structured rewrite can
// take away the context a detector needs (a curl -u whose user name reads
// as "Authorization:" makes the next word a credential in orig, not once
// the password is replaced). Only values of 8 bytes or more are looked
// for, which cannot be mistaken for other text of the line; detectLoop
// has already run over the line itself.
func (r *replacer) redetect(orig, line, field string) string {
	if orig == line {
		return line
	}
	secrets.ScanLine([]byte(orig), func(m secrets.Match) {
		v := orig[m.Start:m.End]
		if len(v) < 8 || !strings.Contains(line, v) {
			return
		}
		if out, ok := r.value(v, m.Secret.Kind(), field, m.Detector); ok {
			line = strings.ReplaceAll(line, v, out)
		}
	})
	return line
}

// detectLoop runs the detectors until they find nothing more.
func (r *replacer) detectLoop(line, field string) string {
	for i := 0; i < 3; i++ {
		next := r.detectLine(line, 0, field)
		if next == line {
			break
		}
		line = next
	}
	return line
}

func isB64URL(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

func isJSONLine(l string) bool {
	t := strings.TrimSpace(l)
	return strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}")
}
