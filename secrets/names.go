package secrets

import "strings"

// credentialHeaders are header names whose values are credentials.
var credentialHeaders = map[string]bool{
	"authorization": true, "proxy-authorization": true, "cookie": true, "set-cookie": true,
	"x-api-key": true, "api-key": true, "apikey": true, "x-apikey": true, "x-auth-token": true,
	"x-access-token": true, "x-amz-security-token": true, "x-goog-api-key": true,
	"x-csrf-jwt": true, "x-session-token": true, "x-refresh-token": true, "x-id-token": true,
	"private-token": true, "x-private-token": true, "x-gitlab-token": true, "x-shopify-access-token": true,
	"x-vault-token": true, "x-consul-token": true, "x-functions-key": true, "ocp-apim-subscription-key": true,
	"x-dpop": true, "dpop": true, "x-client-secret": true, "x-secret": true, "x-token": true,
	"x-csrf-token": false, "x-xsrf-token": false, // anti-CSRF values are not credentials
}

// IsCredentialHeader reports whether a header (any case) carries a
// credential: the well-known names, plus names built from api-key, token,
// secret, session or password parts (x-my-api-key, x-service-token).
func IsCredentialHeader(name string) bool { return credentialNamed(credentialHeaders, name) }

// IsAuthorizationHeader is Authorization or Proxy-Authorization, whose values
// are scheme + credential.
func IsAuthorizationHeader(name string) bool {
	return strings.EqualFold(name, "authorization") || strings.EqualFold(name, "proxy-authorization")
}

// IsCookieHeader is Cookie or Set-Cookie.
func IsCookieHeader(name string) bool {
	return strings.EqualFold(name, "cookie") || strings.EqualFold(name, "set-cookie")
}

// credentialParams are query, form and JSON field names that hold
// credentials (RFC 6750 access_token, OAuth client_secret, common API keys).
var credentialParams = map[string]bool{
	"access_token": true, "accesstoken": true, "token": true, "id_token": true, "refresh_token": true,
	"api_key": true, "apikey": true, "api-key": true, "key": true, "client_secret": true,
	"clientsecret": true, "password": true, "passwd": true, "pwd": true, "secret": true,
	"auth": true, "auth_token": true, "authtoken": true, "session": true, "sessionid": true,
	"session_id": true, "sid": true, "jwt": true, "bearer": true, "private_token": true,
	"subscription-key": true, "x-api-key": true, "code_verifier": true, "assertion": true,
	"client_assertion": true, "authorization": true, "sig": true, "signature": true,
	"x-amz-signature": true, "x-amz-security-token": true, "x-goog-signature": true,
	"hapikey": true, "app_secret": true, "appsecret": true, "private_key": true,
	"access_key": true, "secret_key": true, "aws_secret_access_key": true, "oauth_token": true,
	"ticket": false, "state": false, "code": false, "nonce": false, "csrf": false,
	"csrf_token": false, "csrftoken": false, "xsrf_token": false, "_csrf": false,
	"authenticity_token": false, "token_type": false, "grant_type": false,
	"expires_in": false, "scope": false, "keyword": false, "keys": false,
	"token_type_hint": false, "response_type": false, "page_token": false, "pagetoken": false,
	"next_token": false, "continuation_token": false, "sessionstate": false,
	"credentials": true, "credential": true, "_auth": true, "_password": true,
}

// IsCredentialParam reports whether a query, form or JSON field name holds a
// credential.
func IsCredentialParam(name string) bool { return credentialNamed(credentialParams, name) }

// credentialNamed looks a name up in a table of exact names (true: a
// credential, false: known not to be one), then tries the compound rules.
func credentialNamed(table map[string]bool, name string) bool {
	var buf [maxNameLen]byte
	lower, ok := lowerName(buf[:0], name)
	if !ok {
		return false
	}
	if v, ok := table[string(lower)]; ok {
		return v
	}
	var nb [2 * maxNameLen]byte
	return isCredentialName(normalizeName(nb[:0], name)) || isCredentialName(plainName(nb[:0], lower))
}

// maxNameLen bounds the names considered at all: no header, parameter or
// JSON field that holds a credential has a longer name, and the bound keeps
// the detectors' name tests free of allocation.
const maxNameLen = 96

// normalizeName appends name lower-cased, with - and . read as _ and a _
// inserted where camelCase starts a new part (oktaApiToken → okta_api_token).
func normalizeName[S ~string | ~[]byte](dst []byte, name S) []byte {
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'A' && c <= 'Z':
			if i > 0 && (name[i-1] >= 'a' && name[i-1] <= 'z' || name[i-1] >= '0' && name[i-1] <= '9') {
				dst = append(dst, '_')
			}
			c += 'a' - 'A'
		case c == '-' || c == '.':
			c = '_'
		}
		dst = append(dst, c)
	}
	return dst
}

// plainName appends the lower-case name with - and . read as _.
func plainName(dst, lower []byte) []byte {
	for _, c := range lower {
		if c == '-' || c == '.' {
			c = '_'
		}
		dst = append(dst, c)
	}
	return dst
}

// lowerName appends the ASCII-lower-cased name to dst; ok is false when the
// name is empty or longer than maxNameLen.
func lowerName[S ~string | ~[]byte](dst []byte, name S) ([]byte, bool) {
	if len(name) == 0 || len(name) > maxNameLen {
		return dst, false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst, true
}

// credentialSuffixes: any of these parts, after - and . are read as _, makes
// a name a credential name.
var credentialSuffixes = []string{"api_key", "apikey", "access_token", "accesstoken", "auth_token",
	"secret_key", "client_secret", "private_key", "password", "passwd", "_secret", "_token",
	"refresh_token", "id_token", "session_token", "sessionid", "session_id",
	"authtoken", "sessiontoken", "secretaccesskey", "secret_access_key", "secret", "_auth"}

// notCredentialParts mark anti-forgery, pagination and device tokens, which
// are not credentials.
var notCredentialParts = []string{"csrf", "xsrf", "page", "next", "continuation", "cursor", "sync", "push", "device", "notification", "verification", "captcha", "public"}

// isCredentialName matches compound names: any of credentialSuffixes makes
// a name a credential name. n is normalized (normalizeName).
func isCredentialName(n []byte) bool {
	for _, suffix := range credentialSuffixes {
		if hasSuffix(n, suffix) {
			for _, not := range notCredentialParts {
				if contains(n, not) {
					return false
				}
			}
			return true
		}
	}
	return false
}

func hasSuffix(b []byte, s string) bool {
	return len(b) >= len(s) && string(b[len(b)-len(s):]) == s
}

func contains(b []byte, s string) bool {
	for i := 0; i+len(s) <= len(b); i++ {
		if string(b[i:i+len(s)]) == s {
			return true
		}
	}
	return false
}
