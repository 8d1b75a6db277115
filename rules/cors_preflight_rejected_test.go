package rules

import (
	"strings"
	"testing"
	"time"

	"github.com/authtriage/authtriage/parsers"
)

func TestCORSPreflightRejected(t *testing.T) {
	preflight := func(st int) hop {
		return hop{method: "OPTIONS", url: "https://api.example.com/v2/exports?format=csv",
			req:    []string{"Origin: https://app.example.com", "Access-Control-Request-Method: GET", "Access-Control-Request-Headers: authorization"},
			status: st, resp: []string{`WWW-Authenticate: Bearer realm="api"`}}
	}
	blocked := hop{method: "GET", url: "https://api.example.com/v2/exports?format=csv", req: []string{"Authorization: Bearer 9f8e7d6c5b4a39281706f5e4"},
		extras: map[string]string{"_error": "net::ERR_FAILED"}}
	sent := blocked
	sent.status, sent.extras = 200, nil
	tests := []struct {
		name    string
		hops    []hop
		fires   []int
		related []int
		says    string
	}{
		{"blocked request recorded before the preflight (DevTools order)", []hop{blocked, preflight(401)}, []int{1}, []int{0}, "recorded at entry 0 without a response (net::ERR_FAILED)"},
		{"blocked request recorded after the preflight", []hop{preflight(401), blocked}, []int{0}, []int{1}, "recorded at entry 1 without a response"},
		{"real request absent (a proxy capture)", []hop{preflight(403), {method: "GET", url: "https://api.example.com/v1/me", status: 200}}, []int{0}, nil, "does not appear in the capture"},
		{"a request to the same URL went through", []hop{sent, preflight(401)}, []int{1}, []int{0}, "with status 200"},
		{"preflight allowed", []hop{preflight(204), sent}, nil, nil, ""},
		{"OPTIONS without Access-Control-Request-Method", []hop{{method: "OPTIONS", url: "https://api.example.com/v1/me", status: 401}}, nil, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := run(t, newCORSPreflight(), records(tt.hops...)...)
			if got := firedOn(fs); !sameInts(got, tt.fires) {
				t.Fatalf("fired on %v, want %v; %+v", got, tt.fires, fs)
			}
			if len(fs) == 0 {
				return
			}
			if !sameInts(relatedOf(fs[0]), tt.related) {
				t.Errorf("related %v, want %v", relatedOf(fs[0]), tt.related)
			}
			if !strings.Contains(fs[0].Message, tt.says) {
				t.Errorf("message %q lacks %q", fs[0].Message, tt.says)
			}
		})
	}
}

// The real request arrives more than a minute after a refused preflight:
// it is another call, and the preflight is reported as having none.
func TestCORSPreflightWindow(t *testing.T) {
	p := hop{method: "OPTIONS", url: "https://api.example.com/v2/x", req: []string{"Access-Control-Request-Method: POST"}, status: 401, at: t0}
	later := hop{method: "POST", url: "https://api.example.com/v2/x", status: 200, at: t0.Add(3 * time.Minute)}
	fs := run(t, newCORSPreflight(), records(p, later)...)
	if len(fs) != 1 || !strings.Contains(fs[0].Message, "does not appear") || fs[0].Location.Entry != 0 {
		t.Fatalf("%+v", fs)
	}
}

// An access log records no request headers: an OPTIONS refused there is
// taken as a preflight, with medium confidence.
func TestCORSPreflightAccessLog(t *testing.T) {
	h := hop{src: parsers.Source{File: "access.log", Format: parsers.FormatCLF, Entry: -1, Line: 3}, method: "OPTIONS", url: "https://api.example.com/v2/x", status: 401, partial: parsers.NoRequestHeaders}
	fs := run(t, newCORSPreflight(), records(h)...)
	if len(fs) != 1 || fs[0].Confidence != MediumConfidence {
		t.Fatalf("%+v", fs)
	}
}
