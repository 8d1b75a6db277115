package secrets

import (
	"strings"
)

// knownSchemes are authentication schemes seen in the IANA registry and in
// the wild (research/domain.md Part 1). Keys are lower case.
var knownSchemes = map[string]string{
	"bearer": "Bearer", "basic": "Basic", "digest": "Digest", "token": "Token",
	"ssws": "SSWS", "dpop": "DPoP", "negotiate": "Negotiate", "ntlm": "NTLM",
	"aws4-hmac-sha256": "AWS4-HMAC-SHA256", "hoba": "HOBA", "mutual": "Mutual",
	"oauth": "OAuth", "apikey": "ApiKey", "api-key": "Api-Key", "api_key": "api_key",
	"key": "Key", "jwt": "JWT", "mac": "MAC", "hawk": "Hawk", "client-id": "Client-ID",
	"geniekey": "GenieKey", "splunk": "Splunk", "sharedaccesssignature": "SharedAccessSignature",
	"zoho-oauthtoken": "Zoho-oauthtoken", "klaviyo-api-key": "Klaviyo-API-Key",
	"privatetoken": "PrivateToken", "gssapi": "GSSAPI", "scram-sha-256": "SCRAM-SHA-256",
	"vapid": "vapid", "concealed": "Concealed", "hmac": "HMAC", "signature": "Signature",
	"sso-key": "sso-key", "bot": "Bot", "discogs": "Discogs", "otoken": "OToken",
}

// CanonicalScheme returns the registered spelling of a known scheme and
// whether it is known.
func CanonicalScheme(word string) (string, bool) {
	s, ok := knownSchemes[strings.ToLower(word)]
	return s, ok
}

// Authorization is an Authorization (or Proxy-Authorization) header value
// split into scheme words and the credential after them.
type Authorization struct {
	// Schemes are the scheme words in order, as sent ("Bearer", "Bearer"
	// for a doubled scheme). Empty when the value has no scheme.
	Schemes []string
	// SchemeColon is true when a scheme was written with a colon
	// ("Bearer: x"), a common copy-paste mistake.
	SchemeColon bool
	// Credential is what follows the scheme words (or the whole value when
	// there is no scheme), exactly as sent, quotes and whitespace included.
	Credential Secret
	// Parts holds each credential when several were joined by a comma
	// ("Bearer a, Bearer b", as browsers merge duplicate headers).
	Parts []Authorization
}

// Scheme is the first scheme word, or "".
func (a Authorization) Scheme() string {
	if len(a.Schemes) == 0 {
		return ""
	}
	return a.Schemes[0]
}

// isSchemeWord reports whether w can be shown as a scheme: a known scheme,
// or a short word of letters (and - or _) that does not look like a key.
// Anything else is treated as part of the credential and never shown.
func isSchemeWord(w string) bool {
	w = strings.TrimSuffix(w, ":")
	if _, ok := CanonicalScheme(w); ok {
		return true
	}
	if len(w) < 2 || len(w) > 20 {
		return false
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || (i > 0 && (c == '-' || c == '_'))) {
			return false
		}
	}
	k, _ := Classify(w)
	return k == KindOpaque && !looksRandom(w)
}

// looksRandom is a cheap test for "this word is a key, not a scheme name": it
// mixes letters and digits, or upper and lower case in the middle.
func looksRandom(w string) bool {
	var digits, upper int
	for i := 1; i < len(w); i++ {
		c := w[i]
		if c >= '0' && c <= '9' {
			digits++
		} else if c >= 'A' && c <= 'Z' {
			upper++
		}
	}
	return digits >= 2 || (upper >= 3 && upper < len(w)-1)
}

// ParseAuthorization splits a header value into scheme words and credential.
// It does not judge the value; rules do.
func ParseAuthorization(v string) Authorization {
	if parts := splitJoined(v); len(parts) > 1 {
		ps := make([]Authorization, len(parts))
		for i, p := range parts {
			ps[i] = parseOne(p)
		}
		a := ps[0] // the first value speaks for the field
		a.Parts = ps
		return a
	}
	return parseOne(v)
}

func parseOne(v string) Authorization {
	var a Authorization
	rest := strings.TrimLeft(v, " \t")
	for len(a.Schemes) < 3 {
		word, after, hasSpace := cutSpace(rest)
		if !hasSpace && !strings.HasSuffix(word, ":") {
			// A lone word is a scheme only when it is a known one
			// ("Bearer" with nothing after it).
			if _, known := CanonicalScheme(word); known {
				a.Schemes = append(a.Schemes, word)
				rest = ""
			}
			break
		}
		if !isSchemeWord(word) {
			break
		}
		// An unknown word counts as a scheme only when a credential
		// follows it: "abcXYZ " alone is a key with a trailing space.
		if _, known := CanonicalScheme(strings.TrimSuffix(word, ":")); !known && strings.TrimSpace(after) == "" {
			break
		}
		// After the first scheme, only a known scheme counts as another
		// (Bearer Bearer x); any other word is the credential.
		if len(a.Schemes) > 0 {
			if _, known := CanonicalScheme(strings.TrimSuffix(word, ":")); !known {
				break
			}
		}
		if strings.HasSuffix(word, ":") {
			a.SchemeColon = true
		}
		a.Schemes = append(a.Schemes, strings.TrimSuffix(word, ":"))
		rest = strings.TrimLeft(after, " \t")
	}
	cred := trimCredential(rest)
	if rest == "" {
		a.Credential = Secret{&secretData{shape: shapeValue, kind: KindEmpty}}
	} else if cred == "" {
		// Only quotes or blanks after the scheme (an unset variable
		// inside quotes): an empty credential, kept as sent.
		a.Credential = Secret{&secretData{raw: rest, shape: shapeValue, kind: KindEmpty, fp: FingerprintOf(rest)}}
	} else {
		a.Credential = New(cred)
		if a.Credential.Reveal() != rest {
			// Keep exactly what was sent: quotes and stray whitespace are
			// evidence for malformed-authorization. Kind and prefix come
			// from the cleaned value so the display still says "jwt eyJ".
			d := *a.Credential.d
			d.raw, d.fp = rest, FingerprintOf(rest)
			a.Credential = Secret{&d}
		}
		if strings.EqualFold(a.Scheme(), "basic") && a.Credential.d.kind == KindOpaque {
			a.Credential.d.kind = KindBasic
		}
	}
	return a
}

// trimCredential strips quotes and whitespace that wrap a credential, to
// classify it.
func trimCredential(s string) string {
	s = strings.TrimSpace(s)
	s = strings.Trim(s, `"'`)
	return strings.TrimSpace(s)
}

func cutSpace(s string) (word, rest string, ok bool) {
	i := strings.IndexAny(s, " \t")
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+1:], true
}

// splitJoined splits "Bearer a, Bearer b" at commas followed by a known
// scheme word. A comma inside Digest parameters is not followed by a scheme.
func splitJoined(v string) []string {
	var parts []string
	start := 0
	for i := 0; i < len(v); i++ {
		if v[i] != ',' {
			continue
		}
		word, _, _ := cutSpace(strings.TrimLeft(v[i+1:], " \t"))
		if _, known := CanonicalScheme(strings.TrimSuffix(word, ":")); known {
			parts = append(parts, v[start:i])
			start = i + 1
		}
	}
	if parts == nil {
		return nil
	}
	return append(parts, v[start:])
}

// display renders the header with scheme words kept and credentials redacted.
func (a *Authorization) display() string {
	if len(a.Parts) > 1 {
		out := make([]string, len(a.Parts))
		for i := range a.Parts {
			out[i] = a.Parts[i].display()
		}
		return strings.Join(out, ", ")
	}
	var b strings.Builder
	for i, s := range a.Schemes {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s)
		if a.SchemeColon && i == 0 {
			b.WriteByte(':')
		}
	}
	if b.Len() > 0 {
		b.WriteByte(' ')
	}
	b.WriteString(a.Credential.String())
	return b.String()
}
