package rules

import (
	"strings"
	"testing"
	"time"
)

const (
	jwtRedirect = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwic3ViIjoidXNlci0xMjM0IiwiYXVkIjoiaHR0cHM6Ly9hcGkuZXhhbXBsZS5jb20iLCJzY29wZSI6InJlYWQ6dXNlcnMiLCJpYXQiOjE3MDAwMDAwMDAsImV4cCI6NDEwMjQ0NDgwMH0.xXRRAoHsdR7qzZUUxL1Du5wezMtn0xvRkaOtxToMx4w"
	basicAlice  = "YWxpY2U6czNjcjN0LXBhc3M=" // alice:s3cr3t-pass
)

func TestCredentialsDroppedOnRedirect(t *testing.T) {
	bearer := "Authorization: Bearer " + jwtRedirect
	tests := []struct {
		name    string
		hops    []hop
		fires   []int // anchors
		related []int // of the first finding
	}{
		{
			name: "cross-origin 307, next hop refused without credentials",
			hops: []hop{
				{method: "GET", url: "https://api.example.com/v1/files/f1", req: []string{bearer}, status: 307, resp: []string{"Location: https://files.example.net/v1/files/f1"}},
				{method: "GET", url: "https://files.example.net/v1/files/f1", status: 401, resp: []string{`WWW-Authenticate: Bearer realm="files"`}},
			},
			fires: []int{1}, related: []int{0},
		},
		{
			name: "unrelated requests between the hops",
			hops: []hop{
				{method: "GET", url: "https://api.example.com/v1/files/f1", req: []string{bearer}, status: 302, resp: []string{"Location: https://files.example.net/v1/files/f1"}},
				{method: "GET", url: "https://app.example.com/static/app.js", status: 200},
				{method: "OPTIONS", url: "https://api.example.com/v1/files/f1", req: []string{"Access-Control-Request-Method: GET"}, status: 204},
				{method: "GET", url: "https://files.example.net/v1/files/f1", status: 403},
			},
			fires: []int{3}, related: []int{0},
		},
		{
			name: "a chain: the hop that dropped the header redirects again",
			hops: []hop{
				{method: "GET", url: "https://api.example.com/dl", req: []string{bearer}, status: 302, resp: []string{"Location: https://cdn.example.net/dl"}},
				{method: "GET", url: "https://cdn.example.net/dl", status: 302, resp: []string{"Location: /dl/v2?x=1"}},
				{method: "GET", url: "https://cdn.example.net/dl/v2?x=1", status: 401},
			},
			fires: []int{2}, related: []int{0, 1},
		},
		{
			name: "another port is another origin",
			hops: []hop{
				{method: "GET", url: "https://api.example.com/v1/me", req: []string{bearer}, status: 308, resp: []string{"Location: https://api.example.com:8443/v1/me"}},
				{method: "GET", url: "https://api.example.com:8443/v1/me", status: 401},
			},
			fires: []int{1}, related: []int{0},
		},
		{
			name: "an API key header and a cookie are dropped too",
			hops: []hop{
				{method: "GET", url: "https://api.example.com/v1/me", req: []string{"X-API-Key: 9f8e7d6c5b4a39281706f5e4", "Cookie: sid=7f3a9c0e5b1d4f2a8c6e"}, status: 301, resp: []string{"Location: https://www.example.org/v1/me"}},
				{method: "GET", url: "https://www.example.org/v1/me", status: 401},
			},
			fires: []int{1}, related: []int{0},
		},
		{
			name: "same-origin redirect (trailing slash)",
			hops: []hop{
				{method: "GET", url: "https://api.example.com/v1/me", req: []string{bearer}, status: 308, resp: []string{"Location: /v1/me/"}},
				{method: "GET", url: "https://api.example.com/v1/me/", status: 401},
			},
		},
		{
			name: "credential re-sent on the next hop",
			hops: []hop{
				{method: "GET", url: "https://api.example.com/v1/me", req: []string{bearer}, status: 302, resp: []string{"Location: https://auth.example.com/v1/me"}},
				{method: "GET", url: "https://auth.example.com/v1/me", req: []string{bearer}, status: 401},
			},
		},
		{
			name: "next hop succeeds",
			hops: []hop{
				{method: "GET", url: "https://api.example.com/v1/me", req: []string{bearer}, status: 302, resp: []string{"Location: https://auth.example.com/v1/me"}},
				{method: "GET", url: "https://auth.example.com/v1/me", status: 200},
			},
		},
		{
			name: "the redirecting hop carried no credential",
			hops: []hop{
				{method: "GET", url: "https://api.example.com/v1/me", status: 302, resp: []string{"Location: https://auth.example.com/v1/me"}},
				{method: "GET", url: "https://auth.example.com/v1/me", status: 401},
			},
		},
		{
			name: "the same URL requested on its own minutes later",
			hops: []hop{
				{method: "GET", url: "https://api.example.com/v1/me", req: []string{bearer}, status: 302, resp: []string{"Location: https://auth.example.com/v1/me"}, at: t0},
				{method: "GET", url: "https://auth.example.com/v1/me", status: 401, at: t0.Add(5 * time.Minute)},
			},
		},
		{
			name: "a token only in the query is carried by the URL, not stripped",
			hops: []hop{
				{method: "GET", url: "https://api.example.com/v1/me?access_token=9f8e7d6c5b4a39281706f5e4", status: 302, resp: []string{"Location: https://auth.example.com/v1/me"}},
				{method: "GET", url: "https://auth.example.com/v1/me", status: 401},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := run(t, newCredentialsDropped(), records(tt.hops...)...)
			if got := firedOn(fs); !sameInts(got, tt.fires) {
				t.Fatalf("fired on %v, want %v; %+v", got, tt.fires, fs)
			}
			if len(fs) > 0 && !sameInts(relatedOf(fs[0]), tt.related) {
				t.Errorf("related %v, want %v", relatedOf(fs[0]), tt.related)
			}
			noRawSecrets(t, fs, jwtRedirect, "9f8e7d6c5b4a39281706f5e4", "7f3a9c0e5b1d4f2a8c6e")
		})
	}
}

// TestCredentialsDroppedCurlTranscripts replays, exchange by exchange, the
// real curl -L transcripts of the corpus (../shared/corpus/curl): what the
// curl reader will produce from them.
func TestCredentialsDroppedCurlTranscripts(t *testing.T) {
	// h1-redirect-L-basic-dropped_curl7.txt: curl 7.88.1 -L -u alice:…
	// over plain HTTP; the 302 goes to another host and curl drops the
	// Basic credential.
	f7 := "h1-redirect-L-basic-dropped_curl7.txt"
	h7 := []hop{
		{src: curlSrc(f7, 10), method: "GET", url: "http://api.example.com/old/me-http", req: []string{"Host: api.example.com", "Authorization: Basic " + basicAlice, "User-Agent: curl/7.88.1", "Accept: */*"},
			status: 302, resp: []string{"Location: http://auth.example.com/v1/me", "X-Request-Id: req-381655", "Date: Mon, 30 Nov 2026 06:39:22 GMT", "Content-Length: 0"}},
		{src: curlSrc(f7, 27), method: "GET", url: "http://auth.example.com/v1/me", req: []string{"Host: auth.example.com", "User-Agent: curl/7.88.1", "Accept: */*"},
			status: 401, resp: []string{"Content-Type: application/json", `Www-Authenticate: Bearer realm="api.example.com"`, "Date: Mon, 30 Nov 2026 06:39:22 GMT"},
			rbody: `{"error":"unauthorized","message":"Missing Authorization header"}`},
	}
	// h2-redirect-L-cross-host-drops-auth_curl8.txt: curl 8.14.1 -L -H
	// "Authorization: Bearer <jwt>" over HTTP/2.
	f8 := "h2-redirect-L-cross-host-drops-auth_curl8.txt"
	h8 := []hop{
		{src: curlSrc(f8, 22), method: "GET", url: "https://api.example.com/old/me", req: []string{"Host: api.example.com", "User-Agent: curl/8.14.1", "Accept: */*", "Authorization: Bearer " + jwtRedirect},
			status: 302, resp: []string{"location: https://auth.example.com/v1/me", "x-request-id: req-42783", "date: Mon, 30 Nov 2026 06:39:22 GMT"}},
		{src: curlSrc(f8, 60), method: "GET", url: "https://auth.example.com/v1/me", req: []string{"Host: auth.example.com", "User-Agent: curl/8.14.1", "Accept: */*"},
			status: 401, resp: []string{"content-type: application/json", `www-authenticate: Bearer realm="api.example.com"`, "date: Mon, 30 Nov 2026 06:39:22 GMT"}},
	}
	// h2-redirect-location-trusted_curl8.txt: --location-trusted re-sends
	// the header, so nothing is dropped.
	ft := "h2-redirect-location-trusted_curl8.txt"
	ht := []hop{
		{src: curlSrc(ft, 22), method: "GET", url: "https://api.example.com/old/me", req: []string{"Authorization: Bearer " + jwtRedirect}, status: 302, resp: []string{"location: https://auth.example.com/v1/me"}},
		{src: curlSrc(ft, 60), method: "GET", url: "https://auth.example.com/v1/me", req: []string{"Authorization: Bearer " + jwtRedirect}, status: 200},
	}
	for _, tt := range []struct {
		name  string
		hops  []hop
		fires []int
	}{{f7, h7, []int{27}}, {f8, h8, []int{60}}, {ft, ht, nil}} {
		t.Run(tt.name, func(t *testing.T) {
			for i := range tt.hops {
				tt.hops[i].at = t0.Add(time.Duration(i) * 10 * time.Millisecond)
			}
			fs := run(t, newCredentialsDropped(), records(tt.hops...)...)
			if got := firedOn(fs); !sameInts(got, tt.fires) {
				t.Fatalf("fired on lines %v, want %v", got, tt.fires)
			}
			for _, f := range fs {
				if !sameInts(relatedOf(f), []int{tt.hops[0].src.Line}) || !strings.Contains(f.Message, "line "+itoa(tt.hops[0].src.Line)) {
					t.Errorf("related %v, message %q", relatedOf(f), f.Message)
				}
			}
			noRawSecrets(t, fs, jwtRedirect, basicAlice, "s3cr3t-pass")
		})
	}
}

func TestCredentialsDroppedBounded(t *testing.T) {
	r := newCredentialsDropped().(*credentialsDropped)
	var hops []hop
	for i := 0; i < 3*maxRedirects; i++ {
		hops = append(hops, hop{method: "GET", url: "https://api.example.com/r/" + itoa(i), req: []string{"Authorization: Bearer 9f8e7d6c5b4a39281706f5e4"},
			status: 302, resp: []string{"Location: https://other.example.net/r/" + itoa(i)}})
	}
	run(t, r, records(hops...)...)
	if n := r.pending.Len(); n > maxRedirects {
		t.Fatalf("%d pending redirects kept, cap %d", n, maxRedirects)
	}
}
