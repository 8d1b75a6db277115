package rules

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestClientAuthenticationFailed(t *testing.T) {
	basic := func(id, secret string) string {
		return "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(id+":"+secret))
	}
	form := "Content-Type: application/x-www-form-urlencoded"
	invalidClient := []string{`WWW-Authenticate: Basic realm="oauth"`, "Content-Type: application/json"}
	tests := []struct {
		name   string
		h      hop
		fires  bool
		says   []string
		conf   Confidence
		hidden []string
	}{
		{"wrong secret via Basic", hop{method: "POST", url: "https://auth.example.com/oauth/token", req: []string{basic("billing-worker", "cs_old0Secret0Rotated"), form}, body: "grant_type=client_credentials",
			status: 401, resp: invalidClient, rbody: `{"error":"invalid_client","error_description":"Client authentication failed"}`},
			true, []string{"(invalid_client)", "client_secret_basic"}, ConfidenceUnset, []string{"cs_old0Secret0Rotated", "billing-worker"}},
		{"raw + in the secret (not form-urlencoded)", hop{method: "POST", url: "https://login.example.com/oauth2/token", req: []string{basic("app-1", "ab+cd/ef="), form}, body: "grant_type=client_credentials",
			status: 401, resp: invalidClient},
			true, []string{"not form-urlencoded", "'+'", "'/'", "'='", "'+' becomes a space"}, ConfidenceUnset, []string{"ab+cd"}},
		{"raw : and $ only: harmless for a decoding server", hop{method: "POST", url: "https://login.example.com/oauth2/token", req: []string{basic("app-1", "abc:d$ef"), form}, body: "grant_type=client_credentials",
			status: 401, resp: invalidClient},
			true, []string{"':'", "'$'", "compliant server still decodes"}, MediumConfidence, []string{"abc:d$ef"}},
		{"encoded secret (%2B) at a server that may not decode", hop{method: "POST", url: "https://login.example.com/oauth2/token", req: []string{basic("app-1", "ab%2Bcd"), form}, body: "grant_type=client_credentials",
			status: 401, resp: invalidClient},
			true, []string{"%XX escapes"}, MediumConfidence, []string{"ab%2Bcd"}},
		{"secret in the body", hop{method: "POST", url: "https://auth.example.com/oauth/token", req: []string{form}, body: "grant_type=client_credentials&client_id=worker&client_secret=cs_5b1d4f2a8c6e7f3a9c0e",
			status: 400, resp: []string{"Content-Type: application/json"}, rbody: `{"error":"invalid_client"}`},
			true, []string{"client_secret_post"}, ConfidenceUnset, []string{"cs_5b1d4f2a8c6e7f3a9c0e"}},
		{"public client, unknown client_id (browser invalid-client.har)", hop{method: "POST", url: "https://auth.example.com/oauth/token", req: []string{form},
			body:   "grant_type=authorization_code&code=ac_EXAMPLE4f7c2a9e1b6d3058&code_verifier=cv_EXAMPLEqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq&client_id=spa-web-prod&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback",
			status: 401, resp: invalidClient, rbody: `{"error":"invalid_client","error_description":"Unknown client"}`},
			true, []string{"only its client_id"}, ConfidenceUnset, []string{"cv_EXAMPLEqqq"}},
		{"bare 401 at a token endpoint", hop{method: "POST", url: "https://auth.example.com/connect/token", req: []string{basic("a", "b"), form}, body: "grant_type=client_credentials", status: 401}, true, []string{"client_secret_basic"}, ConfidenceUnset, nil},
		{"a user's login refused at an API's /token", hop{method: "POST", url: "https://api.example.com/v1/token", req: []string{"Content-Type: application/json"}, body: `{"username":"alice","password":"hunter22"}`, status: 401}, false, nil, ConfidenceUnset, nil},
		{"invalid_grant is another rule", hop{method: "POST", url: "https://auth.example.com/oauth/token", req: []string{form}, body: "grant_type=refresh_token&refresh_token=rt_0123456789abcdef",
			status: 400, resp: []string{"Content-Type: application/json"}, rbody: `{"error":"invalid_grant"}`}, false, nil, ConfidenceUnset, nil},
		{"success", hop{method: "POST", url: "https://auth.example.com/oauth/token", req: []string{basic("a", "b"), form}, body: "grant_type=client_credentials", status: 200}, false, nil, ConfidenceUnset, nil},
		{"API call with Basic", hop{method: "GET", url: "https://api.example.com/v1/me", req: []string{basic("a", "b")}, status: 401, resp: []string{`WWW-Authenticate: Basic realm="api"`}}, false, nil, ConfidenceUnset, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := run(t, clientAuthFailed{}, records(tt.h)...)
			if (len(fs) > 0) != tt.fires {
				t.Fatalf("fires=%v, want %v: %+v", len(fs) > 0, tt.fires, fs)
			}
			for _, f := range fs {
				for _, s := range tt.says {
					if !strings.Contains(f.Message, s) {
						t.Errorf("message lacks %q: %s", s, f.Message)
					}
				}
				if f.Confidence != tt.conf {
					t.Errorf("confidence %v, want %v", f.Confidence, tt.conf)
				}
			}
			noRawSecrets(t, fs, tt.hidden...)
		})
	}
}
