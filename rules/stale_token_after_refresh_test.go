package rules

import (
	"strings"
	"testing"
)

func tokenResponse(access, refresh string) string {
	s := `{"access_token":"` + access + `","token_type":"Bearer","expires_in":3600`
	if refresh != "" {
		s += `,"refresh_token":"` + refresh + `"`
	}
	return s + "}"
}

func TestStaleTokenAfterRefresh(t *testing.T) {
	const (
		atOld = "at_old_7f3a9c0e5b1d4f2a8c6e"
		atNew = "at_new_0e5b1d4f2a8c6e7f3a9c"
		rt1   = "rt_one_5b1d4f2a8c6e7f3a9c0e"
		rt2   = "rt_two_8c6e7f3a9c0e5b1d4f2a"
	)
	form := "Content-Type: application/x-www-form-urlencoded"
	jsonCT := "Content-Type: application/json"
	login := hop{method: "POST", url: "https://auth.example.com/oauth/token", req: []string{form},
		body: "grant_type=authorization_code&code=ac_1&client_id=web", status: 200, resp: []string{jsonCT}, rbody: tokenResponse(atOld, rt1)}
	refresh := hop{method: "POST", url: "https://auth.example.com/oauth/token", req: []string{form},
		body: "grant_type=refresh_token&refresh_token=" + rt1 + "&client_id=web", status: 200, resp: []string{jsonCT}, rbody: tokenResponse(atNew, rt2)}
	// A form-encoded token response (GitHub's classic OAuth answer).
	refreshForm := refresh
	refreshForm.resp = []string{"Content-Type: application/x-www-form-urlencoded"}
	refreshForm.rbody = "access_token=" + atNew + "&token_type=bearer&refresh_token=" + rt2
	call := func(tok string, st int) hop {
		return hop{method: "GET", url: "https://api.example.com/v1/orders", req: []string{"Authorization: Bearer " + tok}, status: st}
	}
	tests := []struct {
		name    string
		hops    []hop
		fires   []int
		related []int
	}{
		{"old token after a refresh", []hop{login, call(atOld, 200), refresh, call(atOld, 401), call(atNew, 200)}, []int{3}, []int{2, 0}},
		{"form-encoded token response", []hop{login, refreshForm, call(atOld, 401)}, []int{2}, []int{1, 0}},
		{"an app's own refresh route", []hop{login,
			{method: "POST", url: "https://app.example.com/api/auth/refresh", req: []string{jsonCT}, body: `{"refresh_token":"` + rt1 + `"}`, status: 200, resp: []string{jsonCT}, rbody: tokenResponse(atNew, rt2)},
			call(atOld, 401)}, []int{2}, []int{1, 0}},
		{"new token refused for another reason", []hop{login, refresh, call(atNew, 401)}, nil, nil},
		{"old token refused before the refresh", []hop{login, call(atOld, 401), refresh}, nil, nil},
		{"old token still accepted", []hop{login, refresh, call(atOld, 200)}, nil, nil},
		{"old token refused with 403", []hop{login, refresh, call(atOld, 403)}, nil, nil},
		{"another client's token is not replaced", []hop{login,
			{method: "POST", url: "https://auth.example.com/oauth/token", req: []string{form}, body: "grant_type=client_credentials&client_id=worker&client_secret=cs_0e5b1d4f2a8c6e7f3a9c", status: 200, resp: []string{jsonCT}, rbody: tokenResponse(atNew, "")},
			call(atOld, 401)}, nil, nil},
		{"a token from before the capture, replaced by a refresh of the same issuer", []hop{
			call(jwtRedirect, 200),
			{method: "POST", url: "https://auth.example.com/oauth/token", req: []string{form}, body: "grant_type=refresh_token&refresh_token=" + rt1, status: 200, resp: []string{jsonCT}, rbody: tokenResponse(jwtRedirectNew, "")},
			call(jwtRedirect, 401)}, []int{2}, []int{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := run(t, newStaleToken(), records(tt.hops...)...)
			if got := firedOn(fs); !sameInts(got, tt.fires) {
				t.Fatalf("fired on %v, want %v; %+v", got, tt.fires, fs)
			}
			if len(fs) > 0 && !sameInts(relatedOf(fs[0]), tt.related) {
				t.Errorf("related %v, want %v", relatedOf(fs[0]), tt.related)
			}
			for _, f := range fs {
				if !strings.Contains(f.Message, "replaced at entry") {
					t.Errorf("message %q", f.Message)
				}
			}
			noRawSecrets(t, fs, atOld, atNew, rt1, rt2, jwtRedirect)
		})
	}
}

// jwtRedirectNew is another JWT of the issuer of jwtRedirect
// (https://auth.example.com/, sub user-1234).
const jwtRedirectNew = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwic3ViIjoidXNlci0xMjM0IiwianRpIjoibmV3In0.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl"

func TestStaleTokenBounded(t *testing.T) {
	r := newStaleToken().(*staleToken)
	var hops []hop
	for i := 0; i < 3*maxTokens; i++ {
		hops = append(hops, hop{method: "POST", url: "https://auth.example.com/oauth/token", req: []string{"Content-Type: application/x-www-form-urlencoded"},
			body: "grant_type=client_credentials&client_id=c" + itoa(i%7), status: 200, resp: []string{"Content-Type: application/json"},
			rbody: tokenResponse("at_"+itoa(i)+"_7f3a9c0e5b1d4f2a8c6e", "rt_"+itoa(i)+"_5b1d4f2a8c6e7f3a9c0e")})
	}
	run(t, r, records(hops...)...)
	if r.superseded.Len() > maxTokens || r.byRefresh.Len() > maxTokens || r.sessions.Len() > maxTokens {
		t.Fatalf("unbounded: %d %d %d", r.superseded.Len(), r.byRefresh.Len(), r.sessions.Len())
	}
}
