package rules

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/authtriage/authtriage/parsers"
)

func TestRetryStorm(t *testing.T) {
	const tok = "Authorization: Bearer 9f8e7d6c5b4a39281706f5e4"
	try := func(path string, st int, at time.Duration, hdr ...string) hop {
		if hdr == nil {
			hdr = []string{tok}
		}
		return hop{method: "GET", url: "https://api.example.com" + path, req: hdr, status: st, at: t0.Add(at)}
	}
	var six []hop
	for i := 0; i < 6; i++ {
		six = append(six, try("/v1/orders/8812", 401, time.Duration(i)*time.Second))
	}
	tests := []struct {
		name      string
		cfg       func(*Config)
		hops      []hop
		storms    [][]int // occurrences per storm, in report order
		attempts  []string
		unchanged bool
	}{
		{name: "six identical refusals (demo #20–25)", hops: six, storms: [][]int{{0, 1, 2, 3, 4, 5}}, attempts: []string{"6"}},
		{name: "ids differ, route is the same", hops: []hop{try("/v1/orders/1", 401, 0), try("/v1/orders/2", 401, time.Second), try("/v1/orders/3", 401, 2*time.Second), try("/v1/orders/4", 401, 3*time.Second), try("/v1/orders/5", 401, 4*time.Second)},
			storms: [][]int{{0, 1, 2, 3, 4}}, attempts: []string{"5"}},
		{name: "below the threshold", hops: six[:4]},
		{name: "threshold raised", cfg: func(c *Config) { c.RetryThreshold = 7 }, hops: six},
		{name: "window shortened", cfg: func(c *Config) { c.RetryWindow = 2 * time.Second }, hops: six},
		{name: "a success ends the storm; a new one starts", hops: append(append(append([]hop{}, six[:5]...), try("/v1/orders/8812", 200, 5*time.Second)),
			try("/v1/orders/8812", 401, 6*time.Second), try("/v1/orders/8812", 401, 7*time.Second), try("/v1/orders/8812", 401, 8*time.Second), try("/v1/orders/8812", 401, 9*time.Second), try("/v1/orders/8812", 401, 10*time.Second)),
			storms: [][]int{{0, 1, 2, 3, 4}, {6, 7, 8, 9, 10}}, attempts: []string{"5", "5"}},
		{name: "another credential each time", hops: []hop{try("/x", 401, 0, "Authorization: Bearer a1b2c3d4e5f6a7b8c9d0"), try("/x", 401, time.Second, "Authorization: Bearer b1b2c3d4e5f6a7b8c9d0"),
			try("/x", 401, 2*time.Second, "Authorization: Bearer c1b2c3d4e5f6a7b8c9d0"), try("/x", 401, 3*time.Second, "Authorization: Bearer d1b2c3d4e5f6a7b8c9d0"), try("/x", 401, 4*time.Second, "Authorization: Bearer e1b2c3d4e5f6a7b8c9d0")}},
		{name: "no timestamps: not judged", hops: func() []hop {
			var hs []hop
			for i := 0; i < 6; i++ {
				h := try("/v1/orders/8812", 401, 0)
				h.src = curlSrc("t.txt", 10*i+1)
				hs = append(hs, h)
			}
			return hs
		}()},
		{name: "access log without headers or client identity: many clients look alike", hops: func() []hop {
			var hs []hop
			for i := 0; i < 6; i++ {
				h := try("/v1/orders/8812", 401, time.Duration(i)*time.Second)
				h.req, h.partial = nil, parsers.NoRequestHeaders
				hs = append(hs, h)
			}
			return hs
		}()},
		{name: "access log: one client by address", hops: func() []hop {
			var hs []hop
			for i := 0; i < 6; i++ {
				h := try("/v1/orders/8812", 401, time.Duration(i)*time.Second)
				h.req, h.partial, h.extras = nil, parsers.NoRequestHeaders, map[string]string{"client_ip": "203.0.113.7"}
				hs = append(hs, h)
			}
			h := try("/v1/orders/8812", 401, 6*time.Second)
			h.req, h.partial, h.extras = nil, parsers.NoRequestHeaders, map[string]string{"client_ip": "198.51.100.9"}
			return append(hs, h)
		}(), storms: [][]int{{0, 1, 2, 3, 4, 5}}, attempts: []string{"6"}},
		{name: "redacted credentials cannot be compared: the client decides", hops: func() []hop {
			var hs []hop
			for i := 0; i < 5; i++ {
				h := try("/v1/me", 401, time.Duration(i)*time.Second, "Authorization: REDACTED", "User-Agent: app/"+itoa(i))
				hs = append(hs, h)
			}
			return hs
		}()},
		{name: "a slow trickle over ten minutes", hops: []hop{try("/x", 401, 0), try("/x", 401, 150*time.Second), try("/x", 401, 300*time.Second), try("/x", 401, 450*time.Second), try("/x", 401, 600*time.Second)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			if tt.cfg != nil {
				tt.cfg(&cfg)
			}
			recs := records(tt.hops...)
			if tt.name == "no timestamps: not judged" {
				for _, r := range recs {
					r.Exchange.Start, r.Exchange.Response.Date = time.Time{}, time.Time{}
				}
			}
			fs := runCfg(t, cfg, newRetryStorm(), recs...)
			// Group as the engine does: by place; the Update carries
			// the final message.
			byPlace := map[string][]int{}
			final := map[string]Finding{}
			var places []string
			for _, f := range fs {
				if f.Update {
					final[f.Place] = f
					continue
				}
				if _, ok := byPlace[f.Place]; !ok {
					places = append(places, f.Place)
				}
				byPlace[f.Place] = append(byPlace[f.Place], f.Location.Entry)
			}
			if len(places) != len(tt.storms) {
				t.Fatalf("%d storms, want %d: %+v", len(places), len(tt.storms), fs)
			}
			for i, p := range places {
				got := byPlace[p]
				slices.Sort(got)
				if !sameInts(got, tt.storms[i]) {
					t.Errorf("storm %d: occurrences %v, want %v", i, got, tt.storms[i])
				}
				u, ok := final[p]
				if !ok {
					t.Fatalf("storm %d has no final revision", i)
				}
				if u.Evidence[0].Value != tt.attempts[i] || !strings.Contains(u.Message, "refused "+tt.attempts[i]+" times") {
					t.Errorf("final message %q, evidence %v", u.Message, u.Evidence)
				}
			}
		})
	}
}

// TestRetryStormBounded runs many distinct failing requests: the state keeps
// at most maxStormKeys identities.
func TestRetryStormBounded(t *testing.T) {
	r := newRetryStorm().(*retryStorm)
	var hops []hop
	for i := 0; i < 3*maxStormKeys; i++ {
		hops = append(hops, hop{method: "GET", url: "https://api.example.com/x", req: []string{"Authorization: Bearer tok" + itoa(i) + "a1b2c3d4e5f6a7b8"}, status: 401, at: t0.Add(time.Duration(i) * time.Millisecond)})
	}
	cfg := DefaultConfig()
	sink := &collect{}
	facts := NewFacts(cfg.Env)
	ctx := NewContext(&cfg, r.Meta(), sink, facts)
	for _, rec := range records(hops...) {
		facts.Reset(rec)
		r.Check(ctx, rec)
	}
	if r.keys.Len() > maxStormKeys {
		t.Fatalf("%d identities kept", r.keys.Len())
	}
}
