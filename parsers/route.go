package parsers

import (
	"regexp"
	"strings"

	"github.com/authtriage/authtriage/secrets"
)

// Route templating (DESIGN.md "Routes", research/domain.md Part 4.2): turn a
// concrete path into a template so /v1/users/123 and /v1/users/456 count as
// one endpoint, and so no id or token reaches the endpoint table.

// reULID is a ULID (Crockford base32, first character 0-7); only 26-byte
// segments are tried. The other shapes are byte tests: Route runs on every
// exchange, and regular expressions made it cost microseconds per path.
var reULID = regexp.MustCompile(`^[0-7][0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{25}$`)

// SegmentPlaceholder returns the placeholder a path segment becomes, or ""
// when the segment stays as it is.
func SegmentPlaceholder(seg string) string {
	if seg == "" {
		return ""
	}
	if isVersion(seg) {
		return ""
	}
	if LooksLikeCredential(seg) {
		return "{secret}"
	}
	switch {
	case allDigits(seg):
		return "{id}"
	case isUUID(seg):
		return "{uuid}"
	case len(seg) == 26 && reULID.MatchString(seg) && hasDigit(seg):
		return "{ulid}"
	case len(seg) >= 8 && allIn(seg, isHex) && hasDigit(seg):
		return "{hex}"
	}
	// Prefixed ids: a short word, '_' or '-', an id. The first '_' or '-'
	// ends the prefix.
	if i := strings.IndexAny(seg, "_-"); i >= 1 && i <= 12 {
		prefix, tail := seg[:i], seg[i+1:]
		switch {
		case len(tail) >= 8 && allIn(prefix, isLower) && allIn(tail, isAlnum) && hasDigitOrMixed(tail):
			// cus_NffrFeUfNV2Hib, ch_3MmlLrLkdIwHu7ix, usr-01HZX…
			return "{id}"
		case len(tail) >= 2 && allIn(prefix, isLetter) && allIn(tail, isIDByte) && digits(tail) >= 3:
			// business ids whose tail carries a number: ord_1001,
			// INV-2024-0042, user-1234
			return "{id}"
		}
	}
	if len(seg) >= 20 && allIn(seg, isOpaqueByte) && (hasDigit(seg) || strings.ContainsAny(seg, "=%") || randomCase(seg)) {
		return "{token}"
	}
	return ""
}

// isVersion matches v1, v2.1, v1beta2, and a date 2024-06-01 (API
// versions, which stay in routes).
func isVersion(s string) bool {
	if len(s) == 10 && s[4] == '-' && s[7] == '-' {
		return allDigits(s[:4]) && allDigits(s[5:7]) && allDigits(s[8:])
	}
	if len(s) < 2 || s[0] != 'v' {
		return false
	}
	i := skip(s, 1, isDigit)
	if i == 1 {
		return false
	}
	for i < len(s) && s[i] == '.' {
		j := skip(s, i+1, isDigit)
		if j == i+1 {
			return false
		}
		i = j
	}
	if j := skip(s, i, isLower); j > i {
		i = skip(s, j, isDigit)
	}
	return i == len(s)
}

// isUUID matches 8-4-4-4-12 hex digits.
func isUUID(s string) bool {
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if i != 8 && i != 13 && i != 18 && i != 23 && !isHex(s[i]) {
			return false
		}
	}
	return true
}

// skip returns the index of the first byte at or after i not in the set.
func skip(s string, i int, in func(byte) bool) int {
	for i < len(s) && in(s[i]) {
		i++
	}
	return i
}

func allIn(s string, in func(byte) bool) bool { return skip(s, 0, in) == len(s) }

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLower(c byte) bool  { return c >= 'a' && c <= 'z' }
func isLetter(c byte) bool { return isLower(c) || c >= 'A' && c <= 'Z' }
func isAlnum(c byte) bool  { return isLetter(c) || isDigit(c) }

// isIDByte: what a business id's tail is made of.
func isIDByte(c byte) bool { return isAlnum(c) || c == '_' || c == '-' }

// isOpaqueByte: what an opaque token in a path is made of (base64url,
// base64, percent-escapes).
func isOpaqueByte(c byte) bool { return isAlnum(c) || strings.IndexByte("_.~=+%-", c) >= 0 }

func digits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
}

// randomCase tells a random base62/base64url string (upper and lower case
// about equally frequent) from a camelCase or kebab-case name, where capitals
// only start words.
func randomCase(s string) bool {
	var upper, lower int
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 'A' && c <= 'Z':
			upper++
		case c >= 'a' && c <= 'z':
			lower++
		}
	}
	letters := upper + lower
	return letters > 0 && upper*4 >= letters && lower*4 >= letters
}

// LooksLikeCredential reports whether a bare string has the format of a
// known credential (a JWT, a provider key with its prefix).
func LooksLikeCredential(s string) bool {
	switch k, _ := secrets.Classify(s); k {
	case secrets.KindOpaque, secrets.KindEmpty, secrets.KindPlaceholder, secrets.KindRedacted:
		return false
	}
	return true
}

// Route is the templated path: no scheme, host or query; no trailing slash.
func Route(path string) string {
	if path == "" || path == "/" {
		return "/"
	}
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for i, s := range segs {
		if ph := SegmentPlaceholder(s); ph != "" {
			segs[i] = ph
		}
	}
	return "/" + strings.Join(segs, "/")
}

// RedactPath replaces path segments that look like credentials with
// "{secret}" and leaves the rest, so a displayed URL never carries a key
// that was put in the path.
func RedactPath(path string) string {
	if len(path) < 16 {
		return path // no segment is long enough
	}
	segs := strings.Split(path, "/")
	changed := false
	for i, s := range segs {
		if r := redactSegment(s); r != s {
			segs[i] = r
			changed = true
		}
	}
	if !changed {
		return path
	}
	return strings.Join(segs, "/")
}

// redactSegment is "{secret}" for a path segment or a JSON key that looks
// like a credential, else the segment itself.
func redactSegment(s string) string {
	if len(s) >= 16 && LooksLikeCredential(s) {
		return "{secret}"
	}
	return s
}

func hasDigit(s string) bool { return strings.ContainsAny(s, "0123456789") }

func hasDigitOrMixed(s string) bool {
	return hasDigit(s) || (strings.ToLower(s) != s && strings.ToUpper(s) != s)
}
