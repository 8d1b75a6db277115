package parsers

import (
	"reflect"
	"testing"
)

func TestParseChallenges(t *testing.T) {
	type ch = Challenge
	type pp = ChallengeParam
	tests := []struct {
		in   string
		want []Challenge
	}{
		{`Bearer realm="api"`, []ch{{Scheme: "Bearer", Params: []pp{{"realm", "api"}}}}},
		{`Bearer realm="api.example.com", error="invalid_token", error_description="The access token expired"`,
			[]ch{{Scheme: "Bearer", Params: []pp{{"realm", "api.example.com"}, {"error", "invalid_token"}, {"error_description", "The access token expired"}}}}},
		{`Basic realm="simple", Bearer realm="a, b", error=invalid_token`,
			[]ch{{Scheme: "Basic", Params: []pp{{"realm", "simple"}}}, {Scheme: "Bearer", Params: []pp{{"realm", "a, b"}, {"error", "invalid_token"}}}}},
		{`Bearer, DPoP algs="ES256 PS256"`, []ch{{Scheme: "Bearer"}, {Scheme: "DPoP", Params: []pp{{"algs", "ES256 PS256"}}}}},
		{`Negotiate a87421000492aa874209af8bc028`, []ch{{Scheme: "Negotiate", Token68: "a87421000492aa874209af8bc028"}}},
		{`Newauth abc==, Basic realm=x`, []ch{{Scheme: "Newauth", Token68: "abc=="}, {Scheme: "Basic", Params: []pp{{"realm", "x"}}}}},
		{`Bearer error="insufficient_scope", scope="read:users write:users"`,
			[]ch{{Scheme: "Bearer", Params: []pp{{"error", "insufficient_scope"}, {"scope", "read:users write:users"}}}}},
		{`Digest realm="x", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093"`,
			[]ch{{Scheme: "Digest", Params: []pp{{"realm", "x"}, {"qop", "auth,auth-int"}, {"nonce", "dcd98b7102dd2f0e8b11d0f600bfb0c093"}}}}},
		{`Bearer realm="a \"quoted\" word"`, []ch{{Scheme: "Bearer", Params: []pp{{"realm", `a "quoted" word`}}}}},
		{``, nil},
		{`, ,`, nil},
	}
	for _, tt := range tests {
		got := ParseChallenges(tt.in)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseChallenges(%q)\n got %+v\nwant %+v", tt.in, got, tt.want)
		}
	}
}

func TestChallengesSeveralFields(t *testing.T) {
	hs := Headers{NewHeader("www-authenticate", `Basic realm="x"`), NewHeader("WWW-Authenticate", `Bearer error="invalid_token"`)}
	got := Challenges(hs, false)
	if len(got) != 2 || got[0].Scheme != "Basic" || got[1].Scheme != "Bearer" {
		t.Fatalf("got %+v", got)
	}
	if v, ok := got[1].Param("ERROR"); !ok || v != "invalid_token" {
		t.Fatalf("param lookup: %q %v", v, ok)
	}
}

func FuzzParseChallenges(f *testing.F) {
	for _, s := range []string{`Bearer realm="api", error="invalid_token"`, `Basic realm="a", Bearer`, `Negotiate abc==`, `"`, `,=,`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range ParseChallenges(s) {
			if c.Scheme == "" {
				t.Fatalf("empty scheme from %q", s)
			}
		}
	})
}
