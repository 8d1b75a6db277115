package secrets

import (
	"regexp"
	"strings"
)

// Redaction markers written by this tool and by others (research/har.md §2):
// [Authorization redacted] (Google, Cloudflare), token REDACTED_<sha256>
// (Sourcegraph), <redacted> (wiretrail), [redacted] (browser-debugger-cli),
// [sanitized] (SanitizHAR), REDACTED (Caddy), ****, sk_test_****9xQz.
var (
	reSanitized    = regexp.MustCompile(`^<redacted(:[^<>]*)?>$`)
	reBracketed    = regexp.MustCompile(`(?i)^[\[<({]\s*([a-z0-9_ .-]*\s)?(redacted|sanitized|removed|filtered|masked|hidden|scrubbed|obfuscated)\s*[\]>)}]$`)
	reRedactedWord = regexp.MustCompile(`(?i)^(redacted|sanitized|filtered|masked|hidden|scrubbed|removed|obfuscated)([_:-][A-Za-z0-9]*)?$`)
)

// IsRedactionMarker reports whether v is a value some tool already redacted.
// It never holds a credential, so it is not a leak, not malformed and not an
// unsigned JWT. It runs on every credential, so cheap byte tests guard each
// regular expression.
func IsRedactionMarker(v string) bool {
	v = strings.TrimSpace(v)
	if v == "" {
		return false
	}
	// The regexps are costly and detectors call this for every candidate
	// value: first a cheap necessary condition for each of them.
	c := v[0]
	if (c == '<' || c == '[' || c == '(' || c == '{') && (reSanitized.MatchString(v) || reBracketed.MatchString(v)) {
		return true
	}
	if startsWithRedactedWord(v) && reRedactedWord.MatchString(v) {
		return true
	}
	if !strings.Contains(v, "***") && !strings.Contains(v, "•••") && !strings.Contains(v, "xxxxxx") &&
		!strings.Contains(v, "XXXXXX") && !strings.Contains(v, "####") {
		return false
	}
	// A value that masks its middle (sk_test_****9xQz, ****, xxxxxx) keeps
	// at most a few characters of the original.
	if _, run := firstMaskRun(v); run > 0 {
		return len(v)-run <= 16
	}
	return false
}

// firstMaskRun is where the first run of mask characters starts and its
// length in bytes: 3+ '*', 3+ '•', 6+ 'x' or 'X', 4+ '#'; length 0 when
// there is none. The first, not the longest, as the regular expression it
// replaced matched.
func firstMaskRun(v string) (start, n int) {
	for i := 0; i < len(v); {
		c := v[i]
		need, width := 0, 1
		switch {
		case c == '*':
			need = 3
		case c == '#':
			need = 4
		case c == 'x' || c == 'X':
			need = 6
		case c == 0xe2 && strings.HasPrefix(v[i:], "•"): // • is E2 80 A2
			need, width = 3, len("•")
		default:
			i++
			continue
		}
		j, n := i, 0
		for j+width <= len(v) && v[j:j+width] == v[i:i+width] {
			j += width
			n++
		}
		if n >= need {
			return i, j - i
		}
		i = j
	}
	return 0, 0
}

var redactedWords = []string{"redacted", "sanitized", "filtered", "masked", "hidden", "scrubbed", "removed", "obfuscated"}

func startsWithRedactedWord(v string) bool {
	switch v[0] | 0x20 { // the words' first letters, any case
	case 'r', 's', 'f', 'm', 'h', 'o':
	default:
		return false
	}
	for _, w := range redactedWords {
		if len(v) >= len(w) && strings.EqualFold(v[:len(w)], w) {
			return true
		}
	}
	return false
}

// Placeholders: what shows up when a template or an unset variable is sent in
// place of a credential. Compared case-insensitively.
var placeholderWords = map[string]bool{
	"undefined": true, "null": true, "nil": true, "none": true, "nan": true,
	"[object object]": true, "changeme": true, "change_me": true, "change-me": true,
	"token": true, "apikey": true, "api_key": true, "api-key": true, "secret": true,
	"password": true, "your_token": true, "your-token": true, "yourtoken": true,
	"your_api_key": true, "your-api-key": true, "yourapikey": true,
	"your_access_token": true, "your-access-token": true, "youraccesstoken": true,
	"your_key": true, "your_secret": true, "access_token": true, "accesstoken": true,
	"bearer_token": true, "insert_token_here": true, "todo": true, "tbd": true,
	"false": true, "true": true, "0": true,
}

var (
	rePlaceholderTemplate = regexp.MustCompile(`^(\$\{[^}]*\}|\$\([^)]*\)|\$[A-Za-z_][A-Za-z0-9_]*|%[A-Za-z_][A-Za-z0-9_]*%|\{\{[^}]*\}\}|\{[A-Za-z_][A-Za-z0-9_]*\}|<[A-Za-z_][A-Za-z0-9_ -]*>|\[[A-Za-z_][A-Za-z0-9_ -]*\]|:[A-Za-z_][A-Za-z0-9_]*)$`)
	rePlaceholderYour     = regexp.MustCompile(`(?i)^(your|my|insert|enter|put|paste)[_ -]?[a-z_ -]*(token|key|secret|password|credential)s?([_ -]?here)?$`)
)

// IsPlaceholder reports whether v is a template or unset-variable value sent
// in place of a credential: undefined, null, ${TOKEN}, $TOKEN, %TOKEN%,
// {{token}}, <token>, YOUR_ACCESS_TOKEN, changeme.
func IsPlaceholder(v string) bool {
	v = strings.TrimSpace(v)
	if v == "" || len(v) > 64 {
		return false
	}
	if isPlaceholderWord(v) {
		return true
	}
	// cheap necessary conditions before each regexp (see IsRedactionMarker)
	switch v[0] {
	case '$', '%', '{', '<', '[', ':':
		if rePlaceholderTemplate.MatchString(v) {
			if bareVariable(v) && !nameLike(v) {
				return false // $ecretPassw0rd: a password that starts with $
			}
			return !IsRedactionMarker(v)
		}
	}
	switch v[0] | 0x20 {
	case 'y', 'm', 'i', 'e', 'p':
		return rePlaceholderYour.MatchString(v)
	}
	return false
}

// maxPlaceholderWord is the length of the longest placeholder word.
const maxPlaceholderWord = 17

func isPlaceholderWord(v string) bool {
	if len(v) > maxPlaceholderWord {
		return false
	}
	var buf [maxPlaceholderWord]byte
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c >= 0x80 {
			return placeholderWords[strings.ToLower(v)] // Unicode case folding
		}
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return placeholderWords[string(buf[:len(v)])]
}

// bareVariable is the $NAME or :NAME shape, which a credential can have by
// chance (a password starting with $); ${…}, {{…}}, %…% and <…> are template
// syntax no credential is written in.
func bareVariable(v string) bool {
	return len(v) > 1 && (v[0] == ':' || v[0] == '$' && v[1] != '{' && v[1] != '(')
}

// nameLike reports text that reads as a variable's name, the way people
// write them. Split at anything but letters and digits (template punctuation,
// _ - .), every part must be a word: UPPER or lower case letters, or
// camelCase with at most four humps and no one-letter hump, optionally
// ending in up to four digits (API_KEY_V2, oauth2_token, $token2,
// TOKEN_2024, userAccessTokenValue), or up to four digits alone. A digit
// between letters ($Pa55word, $ecretPassw0rd, $ABCD1234EF), a run of
// one-letter humps ($aBcDeFgHiJ) or any non-ASCII text is not a name.
func nameLike[S ~string | ~[]byte](v S) bool {
	start := 0
	for i := 0; i <= len(v); i++ {
		if i < len(v) {
			c := v[i]
			if c >= 0x80 {
				return false
			}
			if isLetter(c) || c >= '0' && c <= '9' {
				continue
			}
		}
		if i > start && !nameWord(v[start:i]) {
			return false
		}
		start = i + 1
	}
	return true
}

// nameWord is one part of nameLike: letters, then at most four digits.
func nameWord[S ~string | ~[]byte](w S) bool {
	n := len(w)
	for n > 0 && w[n-1] >= '0' && w[n-1] <= '9' {
		n--
	}
	if len(w)-n > 4 {
		return false
	}
	humps, seg := 0, 0
	for i := 0; i < n; i++ {
		c := w[i]
		if !isLetter(c) {
			return false // a digit between letters
		}
		if c >= 'A' && c <= 'Z' && i > 0 && w[i-1] >= 'a' && w[i-1] <= 'z' {
			if seg < 2 {
				return false // aBcD…: one-letter humps
			}
			humps, seg = humps+1, 0
		}
		seg++
	}
	return humps <= 4 && (humps == 0 || seg >= 2)
}

// plainPlaceholder reports a placeholder whose text may be shown: a listed
// word, or one that reads as a name (nameLike). Any other may be a
// credential that merely has a template's shape (${9f8e7d6c…}).
func plainPlaceholder(v string) bool {
	v = strings.TrimSpace(v)
	return isPlaceholderWord(v) || nameLike(v)
}
