package rules

import (
	"encoding/base64"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/authtriage/authtriage/parsers"
	"github.com/authtriage/authtriage/secrets"
)

type malformedAuthorization struct{}

var malformedAuthorizationMeta = &Meta{
	ID:    "malformed-authorization",
	Title: "The Authorization header is malformed",
	Doc: `The Authorization value does not have the shape ` + "`<scheme> <credential>`" + ` that servers parse:

- no scheme (a bare token), or a scheme with nothing after it (an empty credential, an empty header);
- quotes around the token (` + "`Bearer \"eyJ…\"`" + `: docker ` + "`--env-file`" + ` and compose keep quotes);
- whitespace, CR or LF inside or after the token (a token read from a file with its trailing newline);
- other bytes that are illegal in a Bearer token (RFC 6750 §2.1 token68: letters, digits and ` + "`-._~+/`" + ` then ` + "`=`" + ` padding);
- a colon after the scheme (` + "`Bearer: eyJ…`" + `);
- Basic credentials that are not base64 of ` + "`user:password`" + `.

**How it is detected.** The header is split into scheme words and credential and each condition is checked.
Values another tool redacted (` + "`REDACTED`" + `, ` + "`<redacted:…>`" + `) and placeholders are left to other rules.`,
	Fix:        `Build the header as "Authorization: Bearer <token>" with exactly one space, no quotes and no whitespace or newline in the token (trim the value you read from a file or an environment variable); for Basic, base64-encode "user:password".`,
	Severity:   High,
	Confidence: HighConfidence,
	Explains:   true,
	ClientSide: true,
	Examples: []Example{
		{Name: "no scheme", Fires: true, HTTP: `GET https://api.example.com/v1/me
Authorization: 9f8e7d6c5b4a39281706f5e4d3c2b1a0

401
WWW-Authenticate: Bearer realm="api"
`},
		{Name: "quoted token", Fires: true, HTTP: `GET https://api.example.com/v1/me
Authorization: Bearer "9f8e7d6c5b4a39281706f5e4d3c2b1a0"

401
`},
		{Name: "trailing carriage return", Fires: true, HTTP: `GET https://api.example.com/v1/me
Authorization: Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0\r

401
`},
		{Name: "empty credential", Fires: true, HTTP: `GET https://api.example.com/v1/me
Authorization: Bearer

401
`},
		{Name: "colon after the scheme", Fires: true, HTTP: `GET https://api.example.com/v1/me
Authorization: Bearer: 9f8e7d6c5b4a39281706f5e4d3c2b1a0

401
`},
		{Name: "Basic that is not user:password", Fires: true, HTTP: `GET https://api.example.com/v1/me
Authorization: Basic dXNlcm5hbWVvbmx5

401
`},
		{Name: "well formed", HTTP: `GET https://api.example.com/v1/me
Authorization: Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0

401
`},
		{Name: "Digest parameters are quoted by design", HTTP: `GET https://api.example.com/v1/me
Authorization: Digest username="ann", realm="api", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/v1/me", response="6629fae49393a05397450978507c4ef1"

401
WWW-Authenticate: Digest realm="api", nonce="x"
`},
		{Name: "well formed Basic", HTTP: `GET https://api.example.com/v1/me
Authorization: Basic dXNlcjpwYXNz

401
`},
		{Name: "redacted upstream", HTTP: `GET https://api.example.com/v1/me
Authorization: token REDACTED_3b1f0c2a

401
`},
	},
}

func (malformedAuthorization) Meta() *Meta { return malformedAuthorizationMeta }

func (malformedAuthorization) Check(c *Context, rec *parsers.Record) {
	if !failedStatus(rec.Exchange) {
		return
	}
	for _, cred := range c.Facts().Credentials() {
		if cred.Auth == nil {
			continue
		}
		problems := authorizationProblems(cred)
		if len(problems) == 0 {
			continue
		}
		c.Report(Finding{
			Message:    describe(rec.Exchange) + ": the " + cred.Name + " header is malformed: " + strings.Join(problems, "; ") + ".",
			Evidence:   append([]Evidence{credEvidence(cred)}, c.challengeEvidence(rec.Exchange)...),
			Credential: cred.Token.Fingerprint(),
		})
		return
	}
}

// authorizationProblems lists what is wrong with an Authorization value.
func authorizationProblems(cred Credential) []string {
	a := cred.Auth
	tok := a.Credential
	raw := tok.Reveal()
	// authtriage sanitize replaces the token by a marker and keeps what is
	// around it (scheme, quotes, blanks): judge that, with the marker
	// standing for a well-formed token. Other redactions say nothing.
	sanitized := strings.Contains(raw, "<redacted:")
	if sanitized {
		raw = reMarker.ReplaceAllStringFunc(raw, func(m string) string {
			if _, ok := secrets.ParseMarker(m); ok {
				return "x"
			}
			return m
		})
	}
	switch tok.Kind() {
	case secrets.KindPlaceholder:
		return nil
	case secrets.KindRedacted:
		if !sanitized {
			return nil
		}
	}
	var out []string
	if len(a.Schemes) == 0 {
		if tok.Empty() {
			return []string{"the header is empty"}
		}
		out = append(out, "it has no scheme (expected \"Bearer <token>\" or another scheme before the credential)")
	}
	if a.SchemeColon {
		out = append(out, "a colon follows the scheme (\""+a.Scheme()+":\")")
	}
	if len(a.Schemes) > 0 && strings.Trim(raw, "\"' \t\r\n") == "" {
		return append(out, "the credential after \""+a.Scheme()+"\" is empty")
	}
	trimmed := strings.TrimSpace(raw)
	if strings.ContainsAny(raw, "\r\n") {
		out = append(out, "the credential contains a CR or LF (a token read with its trailing newline)")
	} else if trimmed != raw {
		out = append(out, "the credential has leading or trailing whitespace")
	}
	scheme, _ := secrets.CanonicalScheme(a.Scheme())
	// Quotes are part of the syntax of parameter schemes (Digest
	// username="…", AWS4-HMAC-SHA256 Credential=…); only a token-style
	// credential must not hold them.
	if strings.ContainsAny(trimmed, `"'`) && !hasAuthParams(trimmed) {
		out = append(out, "the credential is wrapped in quotes")
	}
	switch scheme {
	case "Bearer", "DPoP":
		if bad := token68Problem(strings.Trim(trimmed, `"'`)); bad != "" && len(a.Parts) < 2 {
			out = append(out, bad)
		}
	case "Basic":
		if sanitized {
			// the marker's kind says whether it was user:password
			if m, ok := secrets.ParseMarker(strings.Trim(strings.TrimSpace(tok.Reveal()), `"'`)); !ok || m.Kind != string(secrets.KindBasic) {
				out = append(out, "the Basic credential is not base64 of \"user:password\" (as the sanitized value's kind says)")
			}
		} else if p := basicProblem(strings.Trim(trimmed, `"'`)); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// reAuthParam matches the start of an auth-param list: name=value.
var reAuthParam = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]*\s*=\s*("|[^\s=])`)

// hasAuthParams reports a credential written as auth-params (Digest,
// AWS4-HMAC-SHA256, Signature), where quoted values are the syntax.
func hasAuthParams(cred string) bool { return reAuthParam.MatchString(cred) }

// reMarker finds sanitize's markers inside a credential.
var reMarker = regexp.MustCompile(`<redacted:[^<>]*>`)

// token68Problem reports bytes a Bearer token may not hold (RFC 6750 §2.1).
func token68Problem(t string) string {
	body := strings.TrimRight(t, "=")
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~+/", c) >= 0 {
			continue
		}
		switch {
		case c == ' ' || c == '\t':
			return "the token contains whitespace"
		case c == ',':
			return "" // several credentials: multiple-credentials
		case c >= 0x80 || !utf8.ValidString(t):
			return "the token contains non-ASCII bytes"
		}
		return "the token contains a character that is not allowed in a Bearer token (" + printable(c) + ")"
	}
	return ""
}

func printable(c byte) string {
	if c < 0x20 || c == 0x7f {
		return "a control character"
	}
	return "'" + string(c) + "'"
}

// basicProblem checks that a Basic credential is base64 of user:password.
func basicProblem(t string) string {
	dec, err := base64.StdEncoding.DecodeString(t)
	if err != nil {
		if _, err2 := base64.RawStdEncoding.DecodeString(t); err2 == nil {
			return "the Basic credential lacks its base64 padding"
		}
		return "the Basic credential is not base64 (it must be base64 of \"user:password\")"
	}
	if !strings.Contains(string(dec), ":") {
		return "the Basic credential decodes to a value without a colon (it must be base64 of \"user:password\")"
	}
	return ""
}
