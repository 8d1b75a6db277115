package parsers

import (
	"regexp"
	"strings"

	"github.com/authtriage/authtriage/secrets"
)

// Route templating (DESIGN.md "Routes", research/domain.md Part 4.2): turn a
// concrete path into a template so /v1/users/123 and /v1/users/456 count as
// one endpoint, and so no id or token reaches the endpoint table.

var (
	reDigits  = regexp.MustCompile(`^[0-9]+$`)
	reUUID    = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	reULID    = regexp.MustCompile(`^[0-7][0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{25}$`)
	reHex     = regexp.MustCompile(`^[0-9a-fA-F]{8,}$`)
	reVersion = regexp.MustCompile(`^(v[0-9]+(\.[0-9]+)*([a-z]+[0-9]*)?|[0-9]{4}-[0-9]{2}-[0-9]{2})$`)
	// reObjectID matches prefixed object ids: cus_NffrFeUfNV2Hib, ch_3MmlLrLkdIwHu7ix,
	// usr-01HZX... (a short lower-case prefix, then a long id with digits
	// or mixed case).
	reObjectID = regexp.MustCompile(`^[a-z]{1,12}[_-][A-Za-z0-9]{8,}$`)
	// reNumberedID matches short prefixed or business ids whose tail
	// carries a number: ord_1001, INV-2024-0042, user-1234.
	reNumberedID = regexp.MustCompile(`^[A-Za-z]{1,12}[_-][A-Za-z0-9_-]{2,}$`)
	reOpaque     = regexp.MustCompile(`^[A-Za-z0-9_.~=+%-]{20,}$`)
)

// SegmentPlaceholder returns the placeholder a path segment becomes, or ""
// when the segment stays as it is.
func SegmentPlaceholder(seg string) string {
	if seg == "" {
		return ""
	}
	if reVersion.MatchString(seg) {
		return ""
	}
	if LooksLikeCredential(seg) {
		return "{secret}"
	}
	switch {
	case reDigits.MatchString(seg):
		return "{id}"
	case reUUID.MatchString(seg):
		return "{uuid}"
	case len(seg) == 26 && reULID.MatchString(seg) && hasDigit(seg):
		return "{ulid}"
	case reHex.MatchString(seg) && hasDigit(seg):
		return "{hex}"
	case reObjectID.MatchString(seg) && hasDigitOrMixed(seg[strings.IndexAny(seg, "_-")+1:]):
		return "{id}"
	case reNumberedID.MatchString(seg) && digits(seg[strings.IndexAny(seg, "_-")+1:]) >= 3:
		return "{id}"
	case reOpaque.MatchString(seg) && (hasDigit(seg) || strings.ContainsAny(seg, "=%") || randomCase(seg)):
		return "{token}"
	}
	return ""
}

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
		if len(s) >= 16 && LooksLikeCredential(s) {
			segs[i] = "{secret}"
			changed = true
		}
	}
	if !changed {
		return path
	}
	return strings.Join(segs, "/")
}

func hasDigit(s string) bool { return strings.ContainsAny(s, "0123456789") }

func hasDigitOrMixed(s string) bool {
	return hasDigit(s) || (strings.ToLower(s) != s && strings.ToUpper(s) != s)
}
