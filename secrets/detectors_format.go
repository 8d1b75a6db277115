package secrets

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"hash/crc32"
)

// The format detectors: each checks a candidate that starts with one of its
// keywords and returns the credential's extent.

func hasPrefixAt(line []byte, i int, kw string) bool {
	return len(line)-i >= len(kw) && string(line[i:i+len(kw)]) == kw
}

// character sets
func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isB64URLByte(c byte) bool { return isAlnum(c) || c == '-' || c == '_' }

func isWordByte(c byte) bool { return isAlnum(c) || c == '_' }

func isLowerHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' }

// run returns the end of the run of bytes in the set that starts at i. It
// looks at most maxToken bytes: no credential is longer, and the bound keeps
// a line of many overlapping candidates linear.
func run(line []byte, i int, ok func(byte) bool) int { return runN(line, i, maxToken, ok) }

// runN is run looking at most n bytes: the matchers call it with a little
// more than the longest token of their format.
func runN(line []byte, i, n int, ok func(byte) bool) int {
	j := i
	for lim := min(len(line), i+n); j < lim && ok(line[j]); {
		j++
	}
	return j
}

// maxToken is the longest token a format detector reads (a JWT segment, a
// Slack rotating token); longer runs are cut there and fail the checks.
const maxToken = 16 << 10

// endsAt reports that no byte of the set follows e: the token is complete.
func endsAt(line []byte, e int, ok func(byte) bool) bool {
	return e >= len(line) || !ok(line[e])
}

// distinct counts distinct bytes, up to limit.
func distinct(b []byte, limit int) int {
	var seen [256]bool
	n := 0
	for _, c := range b {
		if !seen[c] {
			seen[c] = true
			n++
			if n >= limit {
				return n
			}
		}
	}
	return n
}

// randomish: a body with enough distinct bytes that it is not a template
// such as xxxx or 0000aaaa.
func randomish(b []byte) bool { return distinct(b, 8) >= 8 || len(b) < 12 && distinct(b, 5) >= 5 }

func matchJWT(s *Scanner, line []byte, i int) (formatResult, bool) {
	var starts, ends [6]int
	nseg := 0
	pos := i
	for nseg < 6 {
		starts[nseg] = pos
		e := run(line, pos, isB64URLByte)
		if nseg == 0 {
			e = runN(line, pos, 4097, isB64URLByte) // a JOSE header is short
		}
		ends[nseg] = e
		nseg++
		if e < len(line) && line[e] == '.' {
			pos = e + 1
			continue
		}
		break
	}
	if nseg < 3 || ends[0]-starts[0] < 10 || ends[0]-starts[0] > 4096 {
		return formatResult{}, false // a JOSE header is short
	}
	hdr, ok := s.decodeB64URL(line[starts[0]:ends[0]])
	if !ok || !json.Valid(hdr) || hdr[0] != '{' || !bytes.Contains(hdr, []byte(`"alg"`)) {
		return formatResult{}, false
	}
	if nseg >= 5 && bytes.Contains(hdr, []byte(`"enc"`)) {
		// JWE: header.key.iv.ciphertext.tag, the key empty for alg dir
		if ends[3] > starts[3] && ends[4] > starts[4] {
			return formatResult{start: i, end: ends[4]}, true
		}
		return formatResult{}, false
	}
	if !hasPrefixAt(line, starts[1], "eyJ") {
		return formatResult{}, false
	}
	sig := line[starts[2]:ends[2]]
	if len(sig) == 0 {
		// A signature replaced by a marker (<redacted:sig::43:fp>, ***,
		// [REDACTED]) is a sanitized token, not an unsigned one.
		if e := ends[2]; e < len(line) {
			switch line[e] {
			case '<', '[', '*', '(', '{', '#', 0xe2: // 0xe2: "…" and "•"
				return formatResult{}, false
			}
		}
	} else if IsRedactionMarker(string(sig)) {
		return formatResult{}, false
	}
	return formatResult{start: i, end: ends[2]}, true
}

// decodeB64URL decodes a JWT segment into the Scanner's scratch buffer.
func (s *Scanner) decodeB64URL(seg []byte) ([]byte, bool) {
	for len(seg) > 0 && seg[len(seg)-1] == '=' {
		seg = seg[:len(seg)-1]
	}
	if len(seg) > 4096 {
		return nil, false
	}
	n := base64.RawURLEncoding.DecodedLen(len(seg))
	if cap(s.scratch) < n {
		s.scratch = make([]byte, n, max(n, 512))
	}
	buf := s.scratch[:n]
	m, err := base64.RawURLEncoding.Decode(buf, seg)
	if err != nil || m == 0 {
		return nil, false
	}
	return buf[:m], true
}

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// githubChecksumOK checks the last 6 characters of a 36-character token
// body: the CRC32 of the first 30, in base62, zero-padded.
func githubChecksumOK(body []byte) bool {
	if len(body) != 36 {
		return false
	}
	sum := crc32.ChecksumIEEE(body[:30])
	var want [6]byte
	for k := 5; k >= 0; k-- {
		want[k] = base62[sum%62]
		sum /= 62
	}
	return string(body[30:]) == string(want[:])
}

func matchGitHub(s *Scanner, line []byte, i int) (formatResult, bool) {
	if hasPrefixAt(line, i, "github_pat_") {
		e := runN(line, i+11, 256, isWordByte)
		if n := e - i - 11; n < 70 || n > 255 || !randomish(line[i+11:e]) {
			return formatResult{}, false
		}
		return formatResult{start: i, end: e}, true
	}
	b := i + 4
	e := runN(line, b, 256, isAlnum)
	if !endsAt(line, e, isWordByte) {
		return formatResult{}, false
	}
	body := line[b:e]
	switch {
	case len(body) == 36:
		if !githubChecksumOK(body) {
			return formatResult{}, false
		}
	case line[i+2] == 'u' || line[i+2] == 's' || line[i+2] == 'r':
		// longer app and refresh tokens carry no documented checksum
		if len(body) < 40 || len(body) > 255 || !randomish(body) {
			return formatResult{}, false
		}
	default:
		return formatResult{}, false
	}
	return formatResult{start: i, end: e}, true
}

// gitlabLengths: the body length each GitLab prefix allows (min, max).
var gitlabLengths = map[string][2]int{
	"glpat-": {20, 300}, "gldt-": {20, 50}, "glptt-": {40, 40}, "glrt-": {20, 50}, "glcbt-": {20, 50},
	"glimt-": {25, 25}, "gloas-": {64, 64}, "glsoat-": {20, 50}, "glft-": {20, 50}, "GR1348941": {20, 50},
}

func matchGitLab(s *Scanner, line []byte, i int) (formatResult, bool) {
	for kw, l := range gitlabLengths {
		if !hasPrefixAt(line, i, kw) {
			continue
		}
		b := i + len(kw)
		ok := isB64URLByte
		if kw == "glpat-" {
			ok = func(c byte) bool { return isB64URLByte(c) || c == '.' }
		}
		e := runN(line, b, 302, ok)
		for kw == "glpat-" && e > b && line[e-1] == '.' {
			e-- // a sentence's full stop
		}
		if n := e - b; n < l[0] || n > l[1] || !endsAt(line, e, isB64URLByte) || !randomish(line[b:e]) {
			return formatResult{}, false
		}
		return formatResult{start: i, end: e}, true
	}
	return formatResult{}, false
}

func isSlackByte(c byte) bool { return isAlnum(c) || c == '-' }

func matchSlack(s *Scanner, line []byte, i int) (formatResult, bool) {
	if hasPrefixAt(line, i, "xoxe.xox") {
		// rotating access token: xoxe.xoxp-1-<base64ish>
		b := i + 10
		e := runN(line, b, 400, isSlackByte)
		if e-b < 60 || !endsAt(line, e, isWordByte) || !randomish(line[b:e]) {
			return formatResult{}, false
		}
		return formatResult{start: i, end: e}, true
	}
	b := i + 5
	pred := isSlackByte
	if line[i+1] == 'a' { // xapp- may carry '/'
		pred = func(c byte) bool { return isSlackByte(c) || c == '/' }
	}
	e := runN(line, b, 400, pred)
	for e > b && line[e-1] == '-' {
		e--
	}
	if !endsAt(line, e, isWordByte) || e-b < 15 {
		return formatResult{}, false
	}
	body := line[b:e]
	if hasPrefixAt(line, i, "xoxe-") && len(body) >= 60 && body[0] >= '0' && body[0] <= '9' && body[1] == '-' {
		return formatResult{start: i, end: e}, randomish(body[2:]) // refresh token
	}
	// segments: an optional one-digit version, a numeric id of 6+ digits,
	// more ids, a final random part of 8+ characters.
	segs := bytes.Split(body, []byte{'-'})
	if len(segs) < 2 {
		return formatResult{}, false
	}
	k := 0
	if len(segs[0]) == 1 && segs[0][0] >= '0' && segs[0][0] <= '9' {
		k = 1
	}
	first := segs[k]
	if line[i+1] == 'a' { // xapp-1-A052FGTS2DL-…: the id is alphanumeric
		if k == len(segs)-1 || len(first) < 6 {
			return formatResult{}, false
		}
	} else if len(first) < 6 || !allDigits(first) || k == len(segs)-1 {
		return formatResult{}, false
	}
	last := segs[len(segs)-1]
	if len(last) < 8 || !randomish(last) || allDigits(last) {
		return formatResult{}, false
	}
	if e < len(line) && (line[e] == '-' || line[e] == '#' || line[e] == '*') {
		return formatResult{}, false // xoxp-…-####: masked
	}
	return formatResult{start: i, end: e}, true
}

func allDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(b) > 0
}

func matchSlackWebhook(s *Scanner, line []byte, i int) (formatResult, bool) {
	b := i + len("hooks.slack.com/")
	if !(hasPrefixAt(line, b, "services/") || hasPrefixAt(line, b, "workflows/") || hasPrefixAt(line, b, "triggers/")) {
		return formatResult{}, false
	}
	e := runN(line, b, 300, func(c byte) bool { return isB64URLByte(c) || c == '/' })
	p := bytes.IndexByte(line[b:e], '/')
	if e-b < 30 || p < 0 || distinct(line[b+p:e], 10) < 10 {
		return formatResult{}, false
	}
	return formatResult{start: i, end: e}, true
}

func matchStripe(s *Scanner, line []byte, i int) (formatResult, bool) {
	b := i + 8
	e := runN(line, b, 248, isAlnum)
	if n := e - b; n < 10 || n > 247 || !endsAt(line, e, isWordByte) || !randomish(line[b:e]) {
		return formatResult{}, false
	}
	env := EnvProduction
	if line[i+3] == 't' {
		env = EnvSandbox
	}
	return formatResult{start: i, end: e, env: env}, true
}

func isAWSBody(c byte) bool { return c >= 'A' && c <= 'Z' || c >= '2' && c <= '7' }

func matchAWSKeyID(s *Scanner, line []byte, i int) (formatResult, bool) {
	if i+20 > len(line) {
		return formatResult{}, false
	}
	if line[i+1] == '3' { // A3T + one more
		if c := line[i+3]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return formatResult{}, false
		}
	}
	body := line[i+4 : i+20]
	for _, c := range body {
		if !isAWSBody(c) {
			return formatResult{}, false
		}
	}
	if !endsAt(line, i+20, isAlnum) || bytes.HasSuffix(body, []byte("EXAMPLE")) || distinct(body, 6) < 6 {
		return formatResult{}, false
	}
	return formatResult{start: i, end: i + 20}, true
}

func matchGoogleAPIKey(s *Scanner, line []byte, i int) (formatResult, bool) {
	e := runN(line, i+4, 36, isB64URLByte)
	if e-i != 39 {
		return formatResult{}, false
	}
	var up, lo, dg bool
	for _, c := range line[i+4 : e] {
		switch {
		case c >= 'A' && c <= 'Z':
			up = true
		case c >= 'a' && c <= 'z':
			lo = true
		case c >= '0' && c <= '9':
			dg = true
		}
	}
	return formatResult{start: i, end: e}, up && lo && dg
}

func matchGoogleOAuth(s *Scanner, line []byte, i int) (formatResult, bool) {
	e := runN(line, i+5, 4096, isB64URLByte)
	if e-i-5 < 20 || !randomish(line[i+5:e]) {
		return formatResult{}, false
	}
	return formatResult{start: i, end: e}, true
}

func matchOpenAI(s *Scanner, line []byte, i int) (formatResult, bool) {
	if hasPrefixAt(line, i, "sk-proj-") || hasPrefixAt(line, i, "sk-svcacct-") || hasPrefixAt(line, i, "sk-admin-") {
		e := runN(line, i+3, 512, isB64URLByte)
		if e-i < 48 || !bytes.Contains(line[i:e], []byte("T3BlbkFJ")) {
			return formatResult{}, false
		}
		return formatResult{start: i, end: e}, true
	}
	e := runN(line, i+3, 49, isAlnum)
	if e-i-3 != 48 || !endsAt(line, e, isB64URLByte) || !randomish(line[i+3:e]) {
		return formatResult{}, false
	}
	return formatResult{start: i, end: e}, true
}

func matchAnthropic(s *Scanner, line []byte, i int) (formatResult, bool) {
	e := runN(line, i+7, 512, isB64URLByte)
	if e-i < 100 || line[e-1] != 'A' || line[e-2] != 'A' {
		return formatResult{}, false
	}
	return formatResult{start: i, end: e}, true
}

func matchTwilio(s *Scanner, line []byte, i int) (formatResult, bool) {
	e := runN(line, i+2, 33, isLowerHex)
	if e-i != 34 || !endsAt(line, e, isAlnum) {
		return formatResult{}, false
	}
	if s.twilio == 0 { // once per line
		s.twilio = -1
		if containsFold(line, "twilio") {
			s.twilio = 1
		}
	}
	if s.twilio < 0 {
		return formatResult{}, false
	}
	return formatResult{start: i, end: e}, true
}

// containsFold is a case-insensitive search for a lower-case ASCII needle.
func containsFold(b []byte, needle string) bool {
	first := needle[0]
	for i := 0; i+len(needle) <= len(b); i++ {
		if b[i]|0x20 != first {
			continue
		}
		k := 1
		for k < len(needle) && b[i+k]|0x20 == needle[k] {
			k++
		}
		if k == len(needle) {
			return true
		}
	}
	return false
}

func matchSendGrid(s *Scanner, line []byte, i int) (formatResult, bool) {
	a := runN(line, i+3, 23, isB64URLByte)
	if a-i-3 != 22 || a >= len(line) || line[a] != '.' {
		return formatResult{}, false
	}
	e := runN(line, a+1, 44, isB64URLByte)
	if e-a-1 != 43 {
		return formatResult{}, false
	}
	return formatResult{start: i, end: e}, true
}

func matchShopify(s *Scanner, line []byte, i int) (formatResult, bool) {
	e := runN(line, i+6, 33, isHex)
	if e-i-6 != 32 || !endsAt(line, e, isAlnum) {
		return formatResult{}, false
	}
	return formatResult{start: i, end: e}, true
}

func matchSquare(s *Scanner, line []byte, i int) (formatResult, bool) {
	var b, lo, hi int
	env := EnvUnknown
	switch {
	case hasPrefixAt(line, i, "EAAA"):
		b, lo, hi = i+4, 56, 64
	case hasPrefixAt(line, i, "sandbox-sq0atb-"):
		b, lo, hi, env = i+15, 22, 60, EnvSandbox
	default:
		b, lo, hi = i+7, 22, 60
	}
	e := runN(line, b, hi+1, isB64URLByte)
	if n := e - b; n < lo || n > hi || !randomish(line[b:e]) {
		return formatResult{}, false
	}
	return formatResult{start: i, end: e, env: env}, true
}

func matchOkta(s *Scanner, line []byte, i int) (formatResult, bool) {
	b := runN(line, i+5, 8, isSpace)
	e := runN(line, b, 43, isB64URLByte)
	if !isOktaToken(line[b:e]) {
		return formatResult{}, false
	}
	return formatResult{start: b, end: e, scheme: "SSWS", kind: "okta"}, true
}

func matchPaddle(s *Scanner, line []byte, i int) (formatResult, bool) {
	b := i + 9
	env := EnvProduction
	switch line[i+4] {
	case 's':
		env = EnvSandbox
	case 'n':
		b, env = i+11, EnvUnknown
	}
	e := runN(line, b, 256, isWordByte)
	if e-b < 20 || !randomish(line[b:e]) {
		return formatResult{}, false
	}
	return formatResult{start: i, end: e, env: env}, true
}

func matchRazorpay(s *Scanner, line []byte, i int) (formatResult, bool) {
	e := runN(line, i+9, 21, isAlnum)
	if n := e - i - 9; n < 12 || n > 20 || !endsAt(line, e, isWordByte) {
		return formatResult{}, false
	}
	env := EnvProduction
	if line[i+4] == 't' {
		env = EnvSandbox
	}
	return formatResult{start: i, end: e, env: env}, true
}

func matchPlaid(s *Scanner, line []byte, i int) (formatResult, bool) {
	b := bytes.IndexByte(line[i+7:], '-') + i + 8 // past access-<env>-
	if b+36 > len(line) || !isUUID(line[b:b+36]) || !endsAt(line, b+36, isAlnum) {
		return formatResult{}, false
	}
	env := EnvSandbox
	if line[i+7] == 'p' {
		env = EnvProduction
	}
	return formatResult{start: i, end: b + 36, env: env}, true
}

func isUUID(b []byte) bool {
	if len(b) != 36 {
		return false
	}
	for k, c := range b {
		if k == 8 || k == 13 || k == 18 || k == 23 {
			if c != '-' {
				return false
			}
		} else if !isHex(c) {
			return false
		}
	}
	return true
}

func matchBraintree(s *Scanner, line []byte, i int) (formatResult, bool) {
	b := i + len("access_token$")
	env := EnvProduction
	switch {
	case hasPrefixAt(line, b, "production$"):
		b += len("production$")
	case hasPrefixAt(line, b, "sandbox$"):
		b += len("sandbox$")
		env = EnvSandbox
	default:
		return formatResult{}, false
	}
	m := runN(line, b, 33, func(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' })
	if m-b < 10 || m-b > 32 || m >= len(line) || line[m] != '$' {
		return formatResult{}, false
	}
	e := runN(line, m+1, 33, isLowerHex)
	if e-m-1 != 32 {
		return formatResult{}, false
	}
	return formatResult{start: i, end: e, env: env}, true
}

func matchNpm(s *Scanner, line []byte, i int) (formatResult, bool) {
	e := runN(line, i+4, 37, isAlnum)
	if e-i-4 != 36 || !endsAt(line, e, isWordByte) || !randomish(line[i+4:e]) {
		return formatResult{}, false
	}
	return formatResult{start: i, end: e}, true
}

func matchPrivateKey(s *Scanner, line []byte, i int) (formatResult, bool) {
	b := i + len("-----BEGIN")
	if b >= len(line) || line[b] != ' ' {
		return formatResult{}, false
	}
	// -----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----
	e := runN(line, b, 64, func(c byte) bool { return c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == ' ' })
	label := line[b:e]
	if !hasPrefixAt(line, e, "-----") || !(bytes.HasSuffix(label, []byte("PRIVATE KEY")) || bytes.HasSuffix(label, []byte("PRIVATE KEY BLOCK"))) {
		return formatResult{}, false
	}
	e += 5
	// a PEM key on one line is a few KiB; a bounded window keeps a line
	// of many BEGIN markers linear
	window := line[e:min(len(line), e+maxPEMLine)]
	if end := bytes.Index(window, []byte("-----END")); end >= 0 {
		// the key on one line (JSON "\n" escapes): report through END
		body := line[e : e+end]
		n := 0
		for k := 0; k < len(body); k++ {
			if body[k] == '\\' {
				k++
				continue
			}
			if isAlnum(body[k]) || body[k] == '+' || body[k] == '/' {
				n++
			}
		}
		if n < 32 {
			return formatResult{}, false
		}
		close := bytes.Index(window[end+8:], []byte("-----"))
		if close < 0 {
			return formatResult{}, false
		}
		return formatResult{start: i, end: e + end + 8 + close + 5, kind: "private-key"}, true
	}
	// only the BEGIN line: up to the end of its string, or of the line
	stop := len(line)
	if i > 0 && (line[i-1] == '"' || line[i-1] == '\'') {
		if k := bytes.IndexByte(window, line[i-1]); k >= 0 {
			stop = e + k
		}
	}
	for stop > e && (line[stop-1] == ' ' || line[stop-1] == '\t' || line[stop-1] == '\r' || line[stop-1] == '\n') {
		stop--
	}
	return formatResult{start: i, end: stop, kind: "private-key"}, true
}

// maxPEMLine bounds the search for the END of a PEM key written on one
// line (an RSA-4096 key is about 3.3 KiB of base64).
const maxPEMLine = 16 << 10

// matchBearer finds "Bearer <credential>" outside a header.
func matchBearer(s *Scanner, line []byte, i int) (formatResult, bool) {
	b := runN(line, i+7, 8, isSpace)
	e := run(line, b, isToken68)
	if e == b || !endsAt(line, e, func(c byte) bool { return !isCredentialStop(c) }) {
		return formatResult{}, false
	}
	tok := line[b:e]
	if authParamAt(tok, line, e) {
		return formatResult{}, false // a challenge: Bearer realm="…", error=…
	}
	if _, known := CanonicalScheme(string(tok)); known {
		return formatResult{}, false // Bearer Bearer x: the second one reports
	}
	if len(tok) < 8 || !(randomValue(tok) || bytes.ContainsAny(tok, "-_.~+/")) || notASecret(tok) {
		return formatResult{}, false
	}
	return formatResult{start: b, end: e, scheme: "Bearer"}, true
}

// authParamAt: tok is name=value of a challenge or parameter list rather
// than a token68 (whose '=' only pads the end).
func authParamAt(tok, line []byte, e int) bool {
	t := bytes.TrimRight(tok, "=")
	if bytes.IndexByte(t, '=') >= 0 {
		return true
	}
	if len(t) == len(tok) || e >= len(line) || line[e] != '"' {
		return false
	}
	for _, c := range t { // realm=", not base64 padding before a closing quote
		if !(isLetter(c) || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

func matchBasic(s *Scanner, line []byte, i int) (formatResult, bool) {
	b := runN(line, i+6, 8, isSpace)
	e := runN(line, b, 1025, isToken68)
	tok := line[b:e]
	if len(tok) < 8 || authParamAt(tok, line, e) || !isBasicCredential(tok) {
		return formatResult{}, false
	}
	return formatResult{start: b, end: e, scheme: "Basic", kind: KindBasic}, true
}

// curlStopwords are passwords that only ever appear in examples.
var curlStopwords = map[string]bool{"pass": true, "password": true, "passwd": true, "secret": true, "token": true, "pwd": true, "test": true, "apikey": true, "api_key": true, "api-key": true}

// matchCurlUser finds -u user:password in a command line. The credential
// is the password; when it is empty the user is a key (curl -u sk_test_…:).
func matchCurlUser(s *Scanner, line []byte, i int) (formatResult, bool) {
	if i > 0 && !isSpace(line[i-1]) {
		return formatResult{}, false
	}
	var kwLen int
	switch {
	case hasPrefixAt(line, i, "--proxy-user"):
		kwLen = 12
	case hasPrefixAt(line, i, "--user"):
		kwLen = 6
	case hasPrefixAt(line, i, "-u") || hasPrefixAt(line, i, "-U"):
		kwLen = 2
	default:
		return formatResult{}, false
	}
	b := i + kwLen
	if b >= len(line) || !(isSpace(line[b]) || kwLen > 2 && line[b] == '=') {
		return formatResult{}, false
	}
	b = runN(line, b+1, 8, isSpace)
	// one shell word: bare parts and quoted parts up to a blank
	e := b
	limit := min(len(line), b+1024)
	for e < limit && !isSpace(line[e]) {
		if q := line[e]; q == '"' || q == '\'' {
			k := bytes.IndexByte(line[e+1:limit], q)
			if k < 0 {
				return formatResult{}, false
			}
			e += k + 2
			continue
		}
		e++
	}
	colon := -1
	for k := b; k < e; k++ {
		if line[k] == ':' {
			colon = k
			break
		}
	}
	if colon < 0 {
		return formatResult{}, false
	}
	us, ue := trimQuotes(line, b, colon)
	ps, pe := trimQuotes(line, colon+1, e)
	user, pass := line[us:ue], line[ps:pe]
	if shellExpansion(user) || shellExpansion(pass) {
		return formatResult{}, false
	}
	if len(pass) == 0 {
		if len(user) >= 12 && randomValue(user) && !notASecret(user) {
			return formatResult{start: us, end: ue}, true
		}
		return formatResult{}, false
	}
	lp := bytes.ToLower(pass)
	if curlStopwords[string(lp)] || bytes.Equal(user, pass) || allDigits(user) && allDigits(pass) || notASecret(pass) {
		return formatResult{}, false
	}
	if len(pass) < 5 && distinct(pass, 3) < 3 {
		return formatResult{}, false // xxx, yyy
	}
	return formatResult{start: ps, end: pe, kind: KindPassword}, true
}

func trimQuotes(line []byte, s, e int) (int, int) {
	if s < e && (line[s] == '"' || line[s] == '\'') {
		s++
	}
	if e > s && (line[e-1] == '"' || line[e-1] == '\'') {
		e--
	}
	return s, e
}

// shellExpansion: $VAR, ${x}, $(cmd), {{ template }}, <placeholder>.
func shellExpansion(b []byte) bool {
	return bytes.IndexByte(b, '$') == 0 || bytes.Contains(b, []byte("${")) || bytes.Contains(b, []byte("$(")) ||
		bytes.Contains(b, []byte("{{")) || len(b) > 0 && b[0] == '<'
}
