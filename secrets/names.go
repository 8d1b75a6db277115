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
func IsCredentialHeader(name string) bool {
	n := strings.ToLower(name)
	if v, ok := credentialHeaders[n]; ok {
		return v
	}
	return isCredentialName(n)
}

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
}

// IsCredentialParam reports whether a query, form or JSON field name holds a
// credential.
func IsCredentialParam(name string) bool {
	n := strings.ToLower(name)
	if v, ok := credentialParams[n]; ok {
		return v
	}
	return isCredentialName(n)
}

// isCredentialName matches compound names: any of these parts, after
// splitting on - _ . and camelCase, makes a name a credential name.
// nameSeparators normalises - and . to _ in names.
var nameSeparators = strings.NewReplacer("-", "_", ".", "_")

func isCredentialName(n string) bool {
	n = nameSeparators.Replace(n)
	for _, suffix := range []string{"api_key", "apikey", "access_token", "accesstoken", "auth_token",
		"secret_key", "client_secret", "private_key", "password", "passwd", "_secret", "_token",
		"refresh_token", "id_token", "session_token", "sessionid", "session_id"} {
		if strings.HasSuffix(n, suffix) {
			// Anti-forgery and pagination tokens are not credentials.
			for _, not := range []string{"csrf", "xsrf", "page", "next", "continuation", "cursor", "sync", "push", "device", "notification", "verification", "captcha"} {
				if strings.Contains(n, not) {
					return false
				}
			}
			return true
		}
	}
	return false
}
