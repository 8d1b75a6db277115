package rules

import (
	"fmt"
	"testing"
	"time"

	"github.com/authtriage/authtriage/parsers"
)

// benchRecords is a session as an access log and a HAR show it: mostly
// successful API calls that carry the same JWT, some refusals, a token
// refresh now and then, and text lines that repeat the token (a debug log).
func benchRecords() []*parsers.Record {
	const jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwic3ViIjoidXNlci0xMjM0IiwiYXVkIjoiaHR0cHM6Ly9hcGkuZXhhbXBsZS5jb20iLCJzY29wZSI6InJlYWQ6dXNlcnMiLCJpYXQiOjE3OTYwMTQ4MDAsImV4cCI6MTc5NjAxODQwMH0.tfjTLUFs-Guhy_zz-X7OyW1m3NvzEU68-CuRwwKXEhM"
	var out []*parsers.Record
	for i := 0; i < 1000; i++ {
		at := t0.Add(time.Duration(i) * time.Second)
		src := harSrc(i)
		switch {
		case i%10 == 9:
			line := fmt.Sprintf(`{"ts":"%s","level":"debug","msg":"calling api","user":"u-%d","token":"%s"}`, at.Format(time.RFC3339), i, jwt)
			out = append(out, &parsers.Record{Source: parsers.Source{File: "app.log", Format: parsers.FormatJSONL, Entry: -1, Line: i + 1}, Text: []byte(line)})
		case i%10 == 7:
			out = append(out, hop{src: src, method: "GET", url: fmt.Sprintf("https://api.example.com/v1/orders/%d", i), req: []string{"Authorization: Bearer " + jwt, "User-Agent: app/1.0"},
				status: 401, resp: []string{`WWW-Authenticate: Bearer error="invalid_token", error_description="The access token expired"`}, at: at}.record())
		case i%100 == 50:
			out = append(out, hop{src: src, method: "POST", url: "https://auth.example.com/oauth/token", req: []string{"Content-Type: application/x-www-form-urlencoded"},
				body: "grant_type=refresh_token&refresh_token=rt_one_5b1d4f2a8c6e7f3a9c0e&client_id=web", status: 200,
				resp: []string{"Content-Type: application/json"}, rbody: tokenResponse(jwt, "rt_two_8c6e7f3a9c0e5b1d4f2a"), at: at}.record())
		default:
			out = append(out, hop{src: src, method: "GET", url: fmt.Sprintf("https://api.example.com/v1/orders/%d?page=2", i), req: []string{"Authorization: Bearer " + jwt, "Accept: application/json", "User-Agent: app/1.0"},
				status: 200, resp: []string{"Content-Type: application/json"}, rbody: `{"id":42,"status":"paid"}`, at: at}.record())
		}
	}
	return out
}

// BenchmarkRules runs every rule over each record the way the engine does
// (one Facts per input, reset per record). Compare with BenchmarkFactsOnly,
// the cost of the facts every record needs anyway.
func BenchmarkRules(b *testing.B) {
	recs := benchRecords()
	cfg := DefaultConfig()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sink := &collect{}
		facts := NewFacts(cfg.Env)
		rs := All()
		ctxs := make([]*Context, len(rs))
		for j, r := range rs {
			ctxs[j] = NewContext(&cfg, r.Meta(), sink, facts)
		}
		for _, rec := range recs {
			facts.Reset(rec)
			for j, r := range rs {
				r.Check(ctxs[j], rec)
			}
			sink.fs = sink.fs[:0]
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(recs)), "ns/record")
}

// BenchmarkFactsOnly is the baseline: the facts the engine derives for
// every record (credentials, endpoint) without any rule.
func BenchmarkFactsOnly(b *testing.B) {
	recs := benchRecords()
	cfg := DefaultConfig()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		facts := NewFacts(cfg.Env)
		for _, rec := range recs {
			facts.Reset(rec)
			facts.Credentials()
			if rec.Exchange != nil {
				facts.Endpoint()
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(recs)), "ns/record")
}
