package rules

import "testing"

// TestSanitizedForms: what `authtriage sanitize` writes must be judged as
// the original was (DESIGN.md, Secrets): a marker is neither malformed nor a
// placeholder, what it keeps around the token (quotes, a doubled scheme, the
// JWT's header and payload) still counts, and an unsigned JWT stays
// unsigned while a signed one is not called unsigned.
func TestSanitizedForms(t *testing.T) {
	const (
		fp = "3f9a1c02b7d4"
		// {"iss":"https://auth.example.com/","exp":1796014800}
		expiredHP = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwiZXhwIjoxNzk2MDE0ODAwfQ."
	)
	tests := []struct {
		rule, name, http string
		fires            bool
	}{
		{"malformed-authorization", "sanitized token", "GET https://api.example.com/v1/me\nAuthorization: Bearer <redacted:opaque::32:" + fp + ">\n\n401\n", false},
		{"malformed-authorization", "sanitized JWT", "GET https://api.example.com/v1/me\nAuthorization: Bearer " + expiredHP + "<redacted:sig::43:" + fp + ">\n\n401\n", false},
		{"malformed-authorization", "sanitized token in quotes", "GET https://api.example.com/v1/me\nAuthorization: Bearer \"<redacted:opaque::32:" + fp + ">\"\n\n401\n", true},
		{"malformed-authorization", "sanitized token without a scheme", "GET https://api.example.com/v1/me\nAuthorization: <redacted:opaque::32:" + fp + ">\n\n401\n", true},
		{"malformed-authorization", "sanitized token with a CR", "GET https://api.example.com/v1/me\nAuthorization: Bearer <redacted:opaque::32:" + fp + ">\\r\n\n401\n", true},
		{"malformed-authorization", "sanitized non-ASCII token", "GET https://api.example.com/v1/me\nAuthorization: Bearer <redacted:opaque::1:" + fp + ">ö<redacted:opaque::4:" + fp + ">\n\n401\n", true},
		{"malformed-authorization", "sanitized Basic user:password", "GET https://api.example.com/v1/me\nAuthorization: Basic <redacted:basic::12:" + fp + ">\n\n401\n", false},
		{"malformed-authorization", "sanitized Basic that was not user:password", "GET https://api.example.com/v1/me\nAuthorization: Basic <redacted:opaque::16:" + fp + ">\n\n401\n", true},
		{"malformed-authorization", "another tool's redaction", "GET https://api.example.com/v1/me\nAuthorization: REDACTED\n\n401\n", false},
		{"placeholder-credential", "sanitized token", "GET https://api.example.com/v1/me\nAuthorization: Bearer <redacted:opaque::32:" + fp + ">\n\n401\n", false},
		{"placeholder-credential", "sanitized API key", "GET https://api.example.com/v1/me\nX-API-Key: <redacted:opaque::32:" + fp + ">\n\n401\n", false},
		{"bearer-twice", "sanitized Bearer Bearer", "GET https://api.example.com/v1/me\nAuthorization: Bearer Bearer <redacted:opaque::32:" + fp + ">\n\n401\n", true},
		{"expired-token", "sanitized expired JWT", "GET https://api.example.com/v1/me\nAuthorization: Bearer " + expiredHP + "<redacted:sig::43:" + fp + ">\n\n401\nWWW-Authenticate: Bearer error=\"invalid_token\", error_description=\"The access token expired\"\n", true},
		{"unsigned-jwt", "sanitized signed JWT", "GET https://api.example.com/v1/me\nAuthorization: Bearer " + expiredHP + "<redacted:sig::43:" + fp + ">\n\n200\n", false},
		{"unsigned-jwt", "sanitized unsigned JWT", "GET https://api.example.com/v1/me\nAuthorization: Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.<redacted:sig::0:" + fp + ">\n\n200\n", true},
		{"token-in-query", "sanitized query token, refused", "GET https://api.example.com/v1/me?access_token=<redacted:opaque::24:" + fp + ">\n\n401\n", true},
		{"token-in-query", "sanitized query JWT, accepted", "GET https://api.example.com/v1/data?jwt=" + expiredHP + "<redacted:sig::43:" + fp + ">\n\n200\n", true},
		{"token-in-query", "another tool's redaction", "GET https://api.example.com/v1/me?access_token=REDACTED\n\n401\n", false},
		{"token-in-body", "sanitized body token", "POST https://api.example.com/v1/orders\nContent-Type: application/json\n--\n{\"access_token\":\"<redacted:opaque::24:" + fp + ">\",\"item\":42}\n\n401\n", true},
	}
	for _, tt := range tests {
		t.Run(tt.rule+"/"+tt.name, func(t *testing.T) {
			rec, err := ParseExample(tt.http)
			if err != nil {
				t.Fatal(err)
			}
			got := run(t, All()[indexOf(tt.rule)], rec)
			if tt.fires != (len(got) > 0) {
				t.Fatalf("fires=%v, want %v; findings: %+v", len(got) > 0, tt.fires, got)
			}
		})
	}
}
