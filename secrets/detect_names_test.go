package secrets

import "testing"

func TestCredentialNames(t *testing.T) {
	params := map[string]bool{
		"access_token": true, "accessToken": true, "refreshToken": true, "oktaApiToken": true, "client-secret": true,
		"AWS_SECRET_ACCESS_KEY": true, "SecretAccessKey": true, "SessionToken": true, "_authToken": true,
		"jwtsecret": true, "user_auth": true, "credentials": true, "X-Api-Key": true, "sessionId": true,
		"page_token": false, "nextPageToken": false, "csrf_token": false, "publicToken": false, "public_key": false,
		"token_type": false, "request_id": false, "trace_id": false, "duration": false, "passwordLabel": false,
		"kms_key_id": false, "bucket_key": false, "X-CSRF-Token": false, "": false,
	}
	for name, want := range params {
		if got := IsCredentialParam(name); got != want {
			t.Errorf("IsCredentialParam(%q) = %v, want %v", name, got, want)
		}
	}
	headers := map[string]bool{"X-Api-Key": true, "x-auth-token": true, "Private-Token": true, "X-Goog-Api-Key": true,
		"x-my-service-token": true, "X-CSRF-Token": false, "X-Request-Id": false, "Content-Type": false}
	for name, want := range headers {
		if got := IsCredentialHeader(name); got != want {
			t.Errorf("IsCredentialHeader(%q) = %v, want %v", name, got, want)
		}
	}
	// classifyName sees header names with the prefixes logs put before them
	for name, want := range map[string]nameClass{
		"Authorization": nameAuthorization, "http_authorization": nameAuthorization, "request_Authorization": nameAuthorization,
		"req.headers.authorization": nameAuthorization, "Proxy-Authorization": nameAuthorization, "x_authorization": nameAuthorization,
		"Cookie": nameCookie, "http_cookie": nameCookie, "cOokiE": nameCookie, "sent_http_set_cookie": nameSetCookie,
		"Set-Cookie": nameSetCookie, "X-Forwarded-Cookie": nameNone, "www-authenticate": nameNone,
		"x-api-key": nameHeader, "access_token": nameParam, "refreshToken": nameParam, "user_id": nameNone,
	} {
		if got := classifyName([]byte(name)).class; got != want {
			t.Errorf("classifyName(%q) = %d, want %d", name, got, want)
		}
	}
	// every credential name passes the one-lookup prefilter
	for name, want := range params {
		if want && !maybeCredentialName([]byte(name)) {
			t.Errorf("maybeCredentialName(%q) rejects a credential name", name)
		}
	}
}
