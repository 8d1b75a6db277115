package sanitize

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/authtriage/authtriage/parsers"
	"github.com/authtriage/authtriage/secrets"
)

// curlText knows the line structure of a curl transcript
// (research/formats.md §1): "> " and "< " header lines, "* [HTTP/2] [1]
// [name: value]" lines, --trace/--trace-ascii records whose dump lines wrap
// a header across several lines (or show it in hex), and the pasted command
// line with its -H, -u, -b, -d, --oauth2-bearer options.
type curlText struct {
	r     *replacer
	max   int
	block *traceBlock
	// a command line continued with a trailing backslash (or ` or ^)
	inCmd   bool
	pending string // an option whose value starts the next line
}

var (
	reTraceHead = regexp.MustCompile(`(=>|<=) (Send|Recv) (header|data|SSL data), (\d+) bytes \(0x[0-9a-fA-F]+\)\s*$`)
	reDumpLine  = regexp.MustCompile(`^([0-9a-f]{4,8}): `)
	reCurlStart = regexp.MustCompile(`(?:^|[\s$#>%])(?:sudo[ \t]+)?curl(?:\.exe)?(?:[ \t]|$)`)
	reRequest   = regexp.MustCompile(`^([A-Z]+) (\S+)( HTTP/\S+)?$`)
	reBracketHd = regexp.MustCompile(`\[([A-Za-z0-9_:-]+): (.*)\]\s*$`)
	reHeaderish = regexp.MustCompile(`^([A-Za-z0-9][A-Za-z0-9_-]*):[ \t]?(.*)$`)
)

// feed takes one line (without its ending) and emits the sanitized output,
// possibly later (a trace record is emitted when it ends).
func (c *curlText) feed(line, end string, num int, emit func(string) error) error {
	if c.block != nil {
		if m := reDumpLine.FindStringSubmatch(line); m != nil {
			c.block.lines = append(c.block.lines, line)
			c.block.ends = append(c.block.ends, end)
			c.block.size += len(line)
			if c.block.size > c.max {
				// too big to rebuild: emit it line by line
				return c.flushRaw(emit)
			}
			return nil
		}
		if err := c.flush(emit); err != nil {
			return err
		}
	}
	if loc := reTraceHead.FindStringSubmatchIndex(line); loc != nil {
		m := reTraceHead.FindStringSubmatch(line)
		c.block = &traceBlock{head: line, headEnd: end, headAt: loc[0], kind: m[3], line: num}
		return nil
	}
	f := "line " + strconv.Itoa(num)
	return emit(c.r.textLine(line, c.r.urlsInText(c.structured(line), f), f) + end)
}

// structured applies what the transcript's structure says about a line.
func (c *curlText) structured(line string) string {
	if c.inCmd {
		return c.command(line, 0)
	}
	if i := curlCommandAt(line); i >= 0 {
		return c.command(line, i)
	}
	// the text after an indentation, a --trace-time stamp or a meter
	for _, p := range []string{"> ", "< ", "* ", "== Info: "} {
		i := strings.Index(line, p)
		if i < 0 || !prefixOnly(line[:i]) {
			continue
		}
		head, rest := line[:i+len(p)], line[i+len(p):]
		switch p {
		case "> ":
			if m := reRequest.FindStringSubmatch(rest); m != nil {
				return head + m[1] + " " + c.r.url(m[2], "request target") + m[3]
			}
			fallthrough
		case "< ":
			if m := reHeaderish.FindStringSubmatchIndex(rest); m != nil {
				name, v := rest[m[2]:m[3]], rest[m[4]:m[5]]
				return head + rest[:m[4]] + c.r.header(name, v, name)
			}
			return line
		default:
			// * [HTTP/2] [1] [authorization: Bearer x], * h2h3 [name: value]
			if m := reBracketHd.FindStringSubmatchIndex(rest); m != nil {
				name, v := rest[m[2]:m[3]], rest[m[4]:m[5]]
				if !strings.HasPrefix(name, ":") || name == ":path" {
					return head + rest[:m[4]] + c.r.header(name, v, name) + rest[m[5]:]
				}
			}
			return line
		}
	}
	// curl -i prints response headers without a prefix
	if m := reHeaderish.FindStringSubmatchIndex(line); m != nil {
		name := line[m[2]:m[3]]
		if isCredentialOrURLHeader(name) {
			return line[:m[4]] + c.r.header(name, line[m[4]:m[5]], name)
		}
	}
	return line
}

// prefixOnly: what may stand before a transcript marker — blanks, a
// --trace-time stamp, --trace-ids, or the tail of a progress meter.
func prefixOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == ' ' || c == '\t' || c >= '0' && c <= '9' || c == ':' || c == '.' || c == '[' || c == ']' || c == '-' || c == 'x' || c == '\r' || c == 'k' || c == 'M' || c == 'G') {
			return false
		}
	}
	return true
}

func isCredentialOrURLHeader(name string) bool {
	l := strings.ToLower(name)
	return l == "authorization" || l == "proxy-authorization" || l == "cookie" || l == "set-cookie" ||
		isURLHeader(l) || secrets.IsCredentialHeader(name)
}

// curlCommandAt returns where the command's arguments start on a line that
// invokes curl, or -1.
func curlCommandAt(line string) int {
	if !strings.Contains(line, "curl") {
		return -1
	}
	loc := reCurlStart.FindStringIndex(line)
	if loc == nil {
		return -1
	}
	// only a prompt may stand before it ("$ ", "PS C:\> ", "user@host:~$ ")
	before := strings.TrimSpace(line[:loc[0]])
	if len(before) > 200 || strings.Contains(before, "  ") {
		return -1
	}
	i := strings.Index(line[loc[0]:], "curl") + loc[0] + len("curl")
	if strings.HasPrefix(line[i:], ".exe") {
		i += 4
	}
	return i
}

// shellArg is one word of a command line with where its value sits. A word
// is simple when its value is a contiguous piece of the line (unquoted with
// no escapes, or wholly inside one pair of quotes with nothing to expand),
// so a replacement can be spliced in.
type shellArg struct {
	start, end int // the word in the line
	vs, ve     int // the value in the line, when simple
	val        string
	simple     bool
	quote      byte
}

// shellWords splits the line from i into words, stopping at an unquoted
// pipe, ';', '&', '#' or redirection (the rest of the line is not curl's).
func shellWords(line string, i int) []shellArg {
	var out []shellArg
	for i < len(line) {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		if i >= len(line) {
			break
		}
		switch line[i] {
		case '|', ';', '&', '#', '<', '>':
			return out
		}
		a := shellArg{start: i}
		var val strings.Builder
		simple := true
		pieces := 0
		for i < len(line) && line[i] != ' ' && line[i] != '\t' {
			switch ch := line[i]; ch {
			case '\'':
				j := strings.IndexByte(line[i+1:], '\'')
				if j < 0 {
					j = len(line) - i - 1
				}
				if pieces == 0 {
					a.vs, a.ve, a.quote = i+1, i+1+j, '\''
				}
				val.WriteString(line[i+1 : i+1+j])
				i = min(i+j+2, len(line))
				pieces++
			case '"':
				j := i + 1
				for j < len(line) && line[j] != '"' {
					if line[j] == '\\' || line[j] == '$' || line[j] == '`' {
						simple = false
					}
					if line[j] == '\\' {
						j++
					}
					j++
				}
				if pieces == 0 {
					a.vs, a.ve, a.quote = i+1, min(j, len(line)), '"'
				}
				val.WriteString(line[i+1 : min(j, len(line))])
				i = min(j+1, len(line))
				pieces++
			case '\\', '$', '`':
				simple = false
				val.WriteByte(ch)
				i++
			case '|', ';', '&', '<', '>':
				if pieces == 0 && val.Len() == 0 {
					return out
				}
				simple = false
				val.WriteByte(ch)
				i++
			default:
				j := i
				for j < len(line) && !strings.ContainsRune(" \t'\"\\$`|;&<>", rune(line[j])) {
					j++
				}
				if pieces == 0 {
					a.vs, a.ve = i, j
				}
				val.WriteString(line[i:j])
				i = j
				pieces++
			}
		}
		a.end = i
		a.val = val.String()
		a.simple = simple && pieces == 1
		out = append(out, a)
	}
	return out
}

// curl options whose value holds or may hold a credential.
var curlValueOpts = map[string]string{
	"-H": "header", "--header": "header", "--proxy-header": "header",
	"-u": "user", "--user": "user", "-U": "user", "--proxy-user": "user",
	"--oauth2-bearer": "bearer", "-b": "cookie", "--cookie": "cookie",
	"-d": "data", "--data": "data", "--data-raw": "data", "--data-binary": "data", "--data-ascii": "data",
	"--data-urlencode": "data", "--json": "json", "-F": "form", "--form": "form", "--form-string": "form",
	"--url": "url", "-e": "url", "--referer": "url", "-x": "url", "--proxy": "url", "--preproxy": "url",
	"--aws-sigv4": "", "--pass": "whole", "--proxy-pass": "whole", "--sasl-authzid": "",
}

// command sanitizes a curl command line from i (the arguments): option
// values by the option, URLs as URLs.
func (c *curlText) command(line string, i int) string {
	trimmed := strings.TrimRight(line, " \t")
	cont := strings.HasSuffix(trimmed, "\\") || strings.HasSuffix(trimmed, "`") || strings.HasSuffix(trimmed, "^")
	words := shellWords(line, i)
	type edit struct {
		start, end int
		s          string
	}
	var edits []edit
	pending := c.pending
	c.pending = ""
	var opt shellArg
	for _, a := range words {
		if pending != "" {
			if ed, ok := c.optionValue(pending, line, a); ok {
				if pending == "form" && strings.Contains(ed, "=<") && opt.end > 0 {
					// curl reads -F name=<file: say the value is literal
					edits = append(edits, edit{opt.start, opt.end, "--form-string"})
				}
				edits = append(edits, edit{a.start, a.end, ed})
			}
			pending = ""
			continue
		}
		w := a.val
		if kind, ok := curlValueOpts[w]; ok && a.simple {
			pending, opt = kind, a
			if kind == "" {
				pending = "skip"
			}
			continue
		}
		if len(w) > 2 && w[0] == '-' && w[1] != '-' && parsers.CurlShortOptionTakesArg(w[1]) && a.simple && a.quote == 0 {
			// glued short option: -uuser:pass
			if kind, ok := curlValueOpts[w[:2]]; ok && kind != "" {
				v := shellArg{start: a.start + 2, end: a.end, vs: a.vs + 2, ve: a.ve, val: w[2:], simple: true}
				if ed, ok := c.optionValue(kind, line, v); ok {
					edits = append(edits, edit{v.start, v.end, ed})
				}
			}
			continue
		}
		if strings.HasPrefix(w, "-") {
			continue
		}
		if strings.Contains(w, "://") || strings.HasPrefix(w, "localhost") || strings.Contains(w, "?") {
			if ed, ok := c.optionValue("url", line, a); ok {
				edits = append(edits, edit{a.start, a.end, ed})
			}
		}
	}
	c.inCmd = cont
	if cont && pending != "" && pending != "skip" {
		c.pending = pending
	}
	if len(edits) == 0 {
		return line
	}
	var b strings.Builder
	last := 0
	for _, e := range edits {
		b.WriteString(line[last:e.start])
		b.WriteString(e.s)
		last = e.end
	}
	b.WriteString(line[last:])
	return b.String()
}

// optionValue sanitizes one option's value and returns the replacement of
// the whole word, quoted so a shell would still read it as one word.
func (c *curlText) optionValue(kind, line string, a shellArg) (string, bool) {
	if !a.simple || kind == "skip" || kind == "" {
		return "", false
	}
	v := a.val
	var out string
	switch kind {
	case "header":
		name, val, ok := strings.Cut(v, ":")
		if !ok {
			return "", false
		}
		sp := ""
		if strings.HasPrefix(val, " ") {
			sp, val = " ", val[1:]
		}
		out = name + ":" + sp + c.r.header(strings.TrimSpace(name), val, "-H "+strings.TrimSpace(name))
	case "user":
		user, pass, ok := strings.Cut(v, ":")
		if !ok {
			return "", false
		}
		if pass != "" {
			p, _ := c.r.value(pass, kindPassword, "-u password", "")
			out = user + ":" + p
		} else {
			// a key given as the user, with an empty password
			u := c.r.detectLine(user, 0, "-u")
			out = u + ":"
		}
	case "bearer", "whole":
		out = c.r.whole(v, "", "--oauth2-bearer")
	case "cookie":
		if !strings.Contains(v, "=") {
			return "", false // a cookie file
		}
		out = c.r.cookieHeader(v, "-b")
	case "data":
		if strings.HasPrefix(v, "@") {
			return "", false
		}
		out = c.r.body("", v, "-d")
	case "json":
		out = c.r.body("application/json", v, "--json")
	case "form":
		name, val, ok := strings.Cut(v, "=")
		if !ok || strings.HasPrefix(val, "@") || strings.HasPrefix(val, "<") {
			return "", false
		}
		if secrets.IsCredentialParam(name) {
			val = c.r.whole(val, "", "-F "+name)
		}
		out = name + "=" + val
	case "url":
		out = c.r.url(v, "url")
	default:
		return "", false
	}
	if out == v {
		return "", false
	}
	switch a.quote {
	case '\'', '"':
		return line[a.start:a.vs] + out + line[a.ve:a.end], true
	}
	// an unquoted word: a marker's < > would be redirections
	if strings.ContainsAny(out, "<>") {
		if !strings.Contains(out, "'") {
			return "'" + out + "'", true
		}
		return `"` + out + `"`, true
	}
	return out, true
}

// traceBlock is one --trace or --trace-ascii record: its head line and its
// dump lines.
type traceBlock struct {
	head, headEnd string
	headAt        int // where "=>"/"<=" starts in the head line
	kind          string
	line          int
	lines, ends   []string
	size          int
}

// flush emits the open trace record: rebuilt from its sanitized bytes when
// anything in it was replaced, else exactly as read.
func (c *curlText) flush(emit func(string) error) error {
	b := c.block
	if b == nil {
		return nil
	}
	c.block = nil
	if b.kind == "SSL data" || len(b.lines) == 0 {
		return c.emitRaw(b, emit)
	}
	data, hexMode, ok := b.decode()
	if !ok {
		// not a dump this code can rebuild: line by line
		c.block = b
		return c.flushRaw(emit)
	}
	c.r.line = b.line
	text := string(data)
	var out string
	if b.kind == "header" {
		lines := strings.Split(text, "\r\n")
		for i, l := range lines {
			lines[i] = c.structuredHeader(l, i == 0)
		}
		out = strings.Join(lines, "\r\n")
	} else {
		out = c.r.body("", text, "trace data")
	}
	if out == text {
		return c.emitRaw(b, emit)
	}
	n := len(out)
	head := b.head[:b.headAt] + reTraceHead.ReplaceAllString(b.head[b.headAt:], fmt.Sprintf("$1 $2 $3, %d bytes (0x%x)", n, n))
	if err := emit(head + b.headEnd); err != nil {
		return err
	}
	end := b.ends[len(b.ends)-1]
	for _, l := range dumpLines([]byte(out), hexMode) {
		if err := emit(l + end); err != nil {
			return err
		}
	}
	return nil
}

// structuredHeader sanitizes one line of a header record: the request line's
// target, or a header by its name.
func (c *curlText) structuredHeader(l string, first bool) string {
	if first {
		if m := reRequest.FindStringSubmatch(l); m != nil {
			return m[1] + " " + c.r.url(m[2], "request target") + m[3]
		}
	}
	if m := reHeaderish.FindStringSubmatchIndex(l); m != nil {
		name := l[m[2]:m[3]]
		return l[:m[4]] + c.r.header(name, l[m[4]:m[5]], name)
	}
	return c.r.textLine(l, l, "trace")
}

// flushRaw emits a record whose lines cannot be rebuilt: each line through
// the detectors.
func (c *curlText) flushRaw(emit func(string) error) error {
	b := c.block
	c.block = nil
	if err := emit(b.head + b.headEnd); err != nil {
		return err
	}
	for i, l := range b.lines {
		if err := emit(c.r.textLine(l, l, "trace") + b.ends[i]); err != nil {
			return err
		}
	}
	return nil
}

// emitRaw emits a record as read; a dump line in which a detector still
// sees something (a piece of a token cut by the dump's wrapping) has it
// hidden: dotted in a hex dump's ASCII column, replaced in an ASCII dump.
func (c *curlText) emitRaw(b *traceBlock, emit func(string) error) error {
	if err := emit(b.head + b.headEnd); err != nil {
		return err
	}
	for i, l := range b.lines {
		if m := reDumpLine.FindStringIndex(l); m != nil && len(l) > hexColumn && isHexDumpLine(l[m[1]:]) {
			l = dotColumn(l)
		} else if b.kind != "SSL data" {
			l = c.r.textLine(l, l, "trace")
		}
		if err := emit(l + b.ends[i]); err != nil {
			return err
		}
	}
	return nil
}

// isHexDumpLine reports the payload of a --trace (hex) dump line, which has
// an ASCII column after the 48 characters of hex.
func isHexDumpLine(p string) bool {
	_, ok := parsers.DecodeCurlHexDump(p)
	return ok && len(p) > 48
}

// decode rebuilds a record's bytes from its dump lines: hex (--trace) or
// ASCII (--trace-ascii, whose line breaks stand for the CRLFs it does not
// print).
func (b *traceBlock) decode() ([]byte, bool, bool) {
	m := reTraceHead.FindStringSubmatch(b.head[b.headAt:])
	size, _ := strconv.Atoi(m[4])
	var out []byte
	hexMode := 0
	lastOff, lastLen := -1, 0
	for _, l := range b.lines {
		sm := reDumpLine.FindStringSubmatch(l)
		off, err := strconv.ParseUint(sm[1], 16, 32)
		if err != nil {
			return nil, false, false
		}
		payload := l[len(sm[0]):]
		if hexMode == 0 {
			hexMode = -1
			if isHexDumpLine(payload) {
				hexMode = 1
			}
		}
		if hexMode == 1 {
			d, ok := parsers.DecodeCurlHexDump(payload)
			if !ok || int(off) != len(out) {
				return nil, false, false
			}
			out = append(out, d...)
			continue
		}
		if lastOff >= 0 && int(off) != lastOff+lastLen {
			out = append(out, '\r', '\n')
		}
		if int(off) != len(out) {
			return nil, false, false
		}
		out = append(out, payload...)
		lastOff, lastLen = int(off), len(payload)
	}
	if hexMode == -1 && size >= len(out)+2 {
		out = append(out, '\r', '\n')
	}
	return out, hexMode == 1, true
}

// dumpLines writes bytes as curl does: --trace 16 bytes a line in hex and
// ASCII; --trace-ascii 64 characters a line, breaking after each CRLF
// (which it does not print).
func dumpLines(data []byte, hexMode bool) []string {
	var out []string
	printable := func(c byte) byte {
		if c >= 0x20 && c < 0x7f {
			return c
		}
		return '.'
	}
	if hexMode {
		for i := 0; i < len(data); i += 16 {
			var b strings.Builder
			fmt.Fprintf(&b, "%04x: ", i)
			end := min(i+16, len(data))
			for j := i; j < i+16; j++ {
				if j < end {
					fmt.Fprintf(&b, "%02x ", data[j])
				} else {
					b.WriteString("   ")
				}
			}
			for j := i; j < end; j++ {
				b.WriteByte(printable(data[j]))
			}
			out = append(out, dotColumn(b.String()))
		}
		return out
	}
	for i := 0; i < len(data); {
		var b strings.Builder
		fmt.Fprintf(&b, "%04x: ", i)
		width := 64
		if eol := bytes.Index(data[i:], []byte("\r\n")); bytes.Contains(data[i:i+max(eol, 0)], []byte("<redacted:")) || eol < 0 && bytes.Contains(data[i:], []byte("<redacted:")) {
			// a sanitized value stays on one line, whole, so that
			// neither it nor the header around it is cut into pieces a
			// detector would read as a fragment of a credential
			width = len(data) - i
		}
		next := min(i+width, len(data))
		for j := i; j < i+width && j < len(data); j++ {
			if data[j] == '\r' && j+1 < len(data) && data[j+1] == '\n' {
				next = j + 2
				break
			}
			b.WriteByte(printable(data[j]))
		}
		if next == i+width && next+1 < len(data) && data[next] == '\r' && data[next+1] == '\n' {
			next += 2
		}
		out = append(out, b.String())
		i = next
	}
	return out
}

// hexColumn is where the ASCII column of a --trace hex dump line starts.
const hexColumn = len("0000: ") + 48

// dotColumn hides, in a hex dump line's ASCII column, what a detector would
// read as a credential (16 characters of a token cut out of its context).
// The column only repeats the hex bytes for the eye; the bytes stay.
func dotColumn(l string) string {
	if len(l) <= hexColumn {
		return l
	}
	b := []byte(l)
	changed := false
	secrets.ScanLine(b, func(m secrets.Match) {
		for i := max(m.Start, hexColumn); i < m.End; i++ {
			b[i] = '.'
			changed = true
		}
	})
	if !changed {
		return l
	}
	return string(b)
}
