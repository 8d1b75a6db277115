package secrets

import (
	"encoding/base64"
	"unicode/utf8"
)

// Value filters shared by the detectors: what is not a credential although
// it sits where one would (markers, placeholders, templates, code, words).

func plausibleCookie(v []byte) bool {
	if len(v) == 0 || string(v) == "-" || string(v) == "deleted" || string(v) == `""` {
		return false
	}
	return !notASecret(v)
}

// plausibleCredential filters values under an Authorization header. After
// a registered scheme anything counts; otherwise (no scheme, or a word that
// may be prose: "Authorization: failed for bob") the value must look like a
// credential.
func plausibleCredential(v []byte, scheme string) bool {
	if len(v) == 0 || string(v) == "-" {
		return false
	}
	if _, known := CanonicalScheme(scheme); !known {
		if _, known := CanonicalScheme(string(v)); known {
			return false // a scheme with nothing after it
		}
		if !randomValue(v) && len(v) < 20 {
			return false
		}
	}
	return !notASecret(v)
}

// plausibleValue filters values under a credential name. weak names need a
// value that looks random.
func plausibleValue(v []byte, weak bool) bool {
	if len(v) < 4 || string(v) == "-" {
		return false
	}
	if weak && (!randomValue(v) || indexByte(v, '/') >= 0 && indexByte(v, '.') >= 0) {
		return false // a word, or a path such as uploads/2024/photo.jpg
	}
	return !notASecret(v)
}

// notASecret: redaction markers, placeholders, sanitized JWTs, repeated
// characters and phrases such as this_is_just_a_test.
func notASecret(v []byte) bool {
	if len(v) == 0 || lowDiversity(v) || prose(v) || noAlnum(v) {
		return true
	}
	switch {
	case v[0] == '+' || v[len(v)-1] == '+' && len(v) < 16:
		return true // "…" + x + "…": string concatenation
	case v[0] == '<' || v[0] == '[' || v[0] == '{' || v[0] == '(':
		return true // <token>, [REDACTED], {{token}}, {base64(user:pass)}, (hidden)
	case v[0] == '%' && len(v) > 1 && v[1] == '{':
		return true // a log-format directive: %{Authorization}i
	case v[0] == '$' && len(v) > 1 && (v[1] == '{' || v[1] == '('):
		return true // ${X}, $(cmd)
	case v[0] == '$' && len(v) > 1 && (isLetter(v[1]) || v[1] == '_') && nameLike(v):
		return true // $password, $GITHUB_TOKEN; not $ecretPassw0rd; bcrypt's $2y$ stays
	case hasPrefixAt(v, 0, "&lt") || hasPrefixAt(v, 0, "&#") || hasPrefixAt(v, 0, "arn:") || hasPrefixAt(v, 0, "http://") || hasPrefixAt(v, 0, "https://"):
		return true
	case (v[0] == '#' || v[0] == '.') && cssSelector(v[1:]):
		return true // #add-password
	case len(v) >= 16 && (sequential(v) || distinct(v, 6) < 6):
		return true // AIzaSyabcdefghijklmnop…, AIzaaaaaaaaa…
	}
	sv := string(v)
	if IsRedactionMarker(sv) || IsPlaceholder(sv) {
		return true
	}
	if _, _, sig, ok := splitJWT(sv); ok && sig != "" && IsRedactionMarker(sig) {
		return true
	}
	return false
}

func noAlnum(v []byte) bool {
	for _, c := range v {
		if isAlnum(c) || c >= 0x80 {
			return false
		}
	}
	return true
}

func cssSelector(v []byte) bool {
	if len(v) == 0 || !(v[0] >= 'a' && v[0] <= 'z') {
		return false
	}
	for _, c := range v {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// sequential: a run of six ascending characters (abcdef, 123456), which
// template keys have and random ones practically never do.
func sequential(v []byte) bool {
	run := 1
	for i := 1; i < len(v); i++ {
		if v[i] == v[i-1]+1 && isAlnum(v[i]) {
			run++
			if run >= 6 {
				return true
			}
		} else {
			run = 1
		}
	}
	return false
}

// lowDiversity: aaaaaaaa, 00000000, xXxXxX — no key is written with two
// distinct bytes.
func lowDiversity(v []byte) bool {
	if len(v) < 4 {
		return false
	}
	a, b := v[0], v[0]
	for _, c := range v {
		if c != a {
			if b != a && c != b {
				return false
			}
			b = c
		}
	}
	return true
}

// prose: four or more lower-case words joined by _ or - and nothing else
// (this_is_just_a_test, your-token-goes-here); keys are never written so.
func prose(v []byte) bool {
	words, letters := 1, 0
	for _, c := range v {
		switch {
		case c >= 'a' && c <= 'z':
			letters++
		case c == '_' || c == '-' || c == ' ':
			words++
		default:
			return false
		}
	}
	return words >= 4 && letters >= 3*words
}

// randomValue: long enough, no blanks, not a word, a path or a URL.
func randomValue(v []byte) bool {
	if len(v) < 8 || v[0] == '/' {
		return false
	}
	var digit, upper, lower int
	lowerOnly := true
	for i, c := range v {
		switch {
		case c >= '0' && c <= '9':
			digit++
		case c >= 'A' && c <= 'Z':
			lowerOnly = false
			if i > 0 && v[i-1] >= 'a' && v[i-1] <= 'z' {
				upper++ // an inner capital: Sec-Ch-Ua has none, base64 many
			}
		case c >= 'a' && c <= 'z':
			lower++
		case c == ' ' || c == '\t':
			return false
		case c == ':' && i+2 < len(v) && v[i+1] == '/' && v[i+2] == '/':
			return false
		}
	}
	if lowerOnly && indexByte(v, '.') >= 0 && digit < len(v)/4 {
		return false // jetbrains.mps.v8_elimination, com.example.app
	}
	return digit > 0 && digit < len(v) || upper >= 2 && lower >= 2
}

func trimSpaceSpan(line []byte, s, e int) (int, int) {
	for s < e && isSpace(line[s]) {
		s++
	}
	for e > s && isSpace(line[e-1]) {
		e--
	}
	return s, e
}

// isBasicCredential: base64 of user:password with printable text.
func isBasicCredential(v []byte) bool {
	if len(v) < 4 || len(v) > 1024 {
		return false
	}
	var buf [768]byte
	enc := base64.StdEncoding
	if v[len(v)-1] != '=' && len(v)%4 != 0 {
		enc = base64.RawStdEncoding
	}
	n, err := enc.Decode(buf[:], v)
	if err != nil {
		return false
	}
	d := buf[:n]
	colon := indexByte(d, ':')
	if colon < 0 || colon == len(d)-1 || !utf8.Valid(d) {
		return false
	}
	for _, c := range d {
		if c < 0x20 || c == 0x7f {
			return false
		}
	}
	return true
}

func isBase64Std(v []byte) bool {
	for _, c := range v {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '/') {
			return false
		}
	}
	return true
}

// isOktaToken: an Okta API token, 00 and 40 more characters.
func isOktaToken(v []byte) bool {
	if len(v) != 42 || v[0] != '0' || v[1] != '0' {
		return false
	}
	for _, c := range v[2:] {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return !lowDiversity(v[2:])
}

func indexByte(b []byte, c byte) int {
	for i := range b {
		if b[i] == c {
			return i
		}
	}
	return -1
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' }

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// displayFormAt reports a candidate in [s, e) that is part of this tool's
// display form of a credential, "KIND [PREFIX…](N chars) #FINGERPRINT" — a
// report or a log of authtriage's own output, scanned again, holds no
// secret: "Bearer jwt eyJ…(268 chars)", "api_key: stripe sk_live_…(52
// chars)", "Bearer opaque (17 chars)".
func displayFormAt(line []byte, s, e int) bool {
	const ellipsis = "\u2026"
	for i := s; i+len(ellipsis) < e; i++ {
		if line[i] == 0xe2 && hasPrefixAt(line, i, ellipsis+"(") {
			return true
		}
	}
	if v := string(line[s:e]); (v == string(KindPlaceholder) || v == string(KindRedacted)) && hasPrefixAt(line, e, ` "`) {
		return true // placeholder "<token>", redacted "REDACTED"
	}
	i := e
	for i < len(line) && line[i] == ' ' {
		i++
	}
	// an optional public prefix ending in the ellipsis
	if j := i; j < len(line) && line[j] != '(' {
		for j < len(line) && j-i < 48 && line[j] != ' ' && line[j] != '(' {
			j++
		}
		if j-i < len(ellipsis) || string(line[j-len(ellipsis):j]) != ellipsis {
			return false
		}
		i = j
	}
	if i >= len(line) || line[i] != '(' {
		return false
	}
	j := i + 1
	for j < len(line) && line[j] >= '0' && line[j] <= '9' {
		j++
	}
	return j > i+1 && hasPrefixAt(line, j, " chars)")
}
