package rules

import (
	"strings"
	"testing"
	"time"
)

func TestRefreshTokenRejected(t *testing.T) {
	const (
		rt1 = "rt_one_5b1d4f2a8c6e7f3a9c0e"
		rt2 = "rt_two_8c6e7f3a9c0e5b1d4f2a"
	)
	form := "Content-Type: application/x-www-form-urlencoded"
	jsonCT := "Content-Type: application/json"
	refresh := func(rt string, ok bool, at time.Time) hop {
		h := hop{method: "POST", url: "https://auth.example.com/oauth/token", req: []string{form}, body: "grant_type=refresh_token&refresh_token=" + rt + "&client_id=web", at: at, resp: []string{jsonCT}}
		if ok {
			h.status, h.rbody = 200, tokenResponse("at_new_0e5b1d4f2a8c6e7f3a9c", rt2)
		} else {
			h.status, h.rbody = 400, `{"error":"invalid_grant","error_description":"The refresh token is invalid or has already been used"}`
		}
		return h
	}
	login := hop{method: "POST", url: "https://auth.example.com/oauth/token", req: []string{form}, body: "grant_type=authorization_code&code=ac_1&client_id=web",
		status: 200, resp: []string{jsonCT}, rbody: tokenResponse("at_old_7f3a9c0e5b1d4f2a8c6e", rt1), at: t0}
	tests := []struct {
		name    string
		hops    []hop
		fires   []int
		related []int
		says    string
	}{
		{"reuse of a rotated refresh token (demo #16, #18)", []hop{login, refresh(rt1, true, t0.Add(80*time.Second)), refresh(rt1, false, t0.Add(90*time.Second))}, []int{2}, []int{1}, "returned a new one (rotation)"},
		{"two refreshes racing", []hop{login, refresh(rt1, true, t0.Add(time.Minute)), refresh(rt1, false, t0.Add(time.Minute+300*time.Millisecond))}, []int{2}, []int{1}, "raced"},
		{"issued in the capture, then refused", []hop{login, refresh(rt1, false, t0.Add(time.Hour))}, []int{1}, []int{0}, "issued at entry 0"},
		{"from before the capture (browser invalid-grant.har)", []hop{refresh("rt_EXAMPLErevoked0000000000000000000", false, t0)}, []int{0}, nil, "comes from before this capture"},
		{"refused twice", []hop{refresh(rt1, false, t0), refresh(rt1, false, t0.Add(10*time.Second))}, []int{0, 1}, nil, ""},
		{"refresh accepted", []hop{login, refresh(rt1, true, t0.Add(time.Minute))}, nil, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := run(t, newRefreshRejected(), records(tt.hops...)...)
			if got := firedOn(fs); !sameInts(got, tt.fires) {
				t.Fatalf("fired on %v, want %v; %+v", got, tt.fires, fs)
			}
			if len(fs) > 0 && !sameInts(relatedOf(fs[0]), tt.related) {
				t.Errorf("related %v, want %v", relatedOf(fs[0]), tt.related)
			}
			if len(fs) > 0 && !strings.Contains(fs[0].Message, tt.says) {
				t.Errorf("message %q lacks %q", fs[0].Message, tt.says)
			}
			noRawSecrets(t, fs, rt1, rt2)
		})
	}
}
