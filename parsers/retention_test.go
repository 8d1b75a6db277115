package parsers

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/authtriage/authtriage/secrets"
)

// TestLogRecordsDoNotPinLines: what a rule or a statistic keeps of a log
// record (method, host, path, header values) must not keep the whole line
// alive, nor may a credential in a Referer or a URL. Each line here carries 4 KB that nothing keeps; holding the kept
// fields of 5,000 records must cost far less than the 20 MB of lines.
func TestLogRecordsDoNotPinLines(t *testing.T) {
	pad := strings.Repeat("x", 4096)
	const n = 5000
	for _, c := range []struct {
		name string
		line func(i int) string
		open func(io.Reader) (Reader, error)
	}{
		{"jsonl", func(i int) string {
			return fmt.Sprintf(`{"time":"2026-11-30T10:00:00Z","method":"GET","host":"api%d.example.com","uri":"https://bob:pw%d@api.example.com/v1/items/%d","status":401,"http_user_agent":"client/%d","http_referer":"https://app.example.com/cb?access_token=tok%dabcdefabcdef","content_type":"application/x-www-form-urlencoded","request_body":"grant_type=password&password=pw%d-secretvalue","padding":"%s"}`+"\n", i%7, i, i, i%3, i, i, pad)
		}, func(r io.Reader) (Reader, error) { return NewJSONLReader(r, "access.jsonl", Options{}) }},
		{"clf", func(i int) string {
			return fmt.Sprintf(`203.0.113.9 - - [30/Nov/2026:10:00:00 +0000] "GET /v1/items/%d HTTP/1.1" 401 12 "https://app.example.com/cb?access_token=tok%dabcdefabcdef" "client/%s"`+"\n", i, i, pad)
		}, func(r io.Reader) (Reader, error) { return NewCLFReader(r, "access.log", Options{}) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			var b strings.Builder
			for i := range n {
				b.WriteString(c.line(i))
			}
			input := b.String()
			rd, err := c.open(strings.NewReader(input))
			if err != nil {
				t.Fatal(err)
			}
			var kept []string
			var keptSecrets []secrets.Secret
			var before runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			for {
				rec, err := rd.Next()
				if err == io.EOF {
					break
				}
				if err != nil || rec.Exchange == nil {
					t.Fatalf("record %v: %v", rec, err)
				}
				rq := rec.Exchange.Request
				kept = append(kept, rq.Method, rq.URL.Host, rq.URL.Path, rq.Proto)
				for _, h := range rq.Headers {
					if h.Sensitive() {
						keptSecrets = append(keptSecrets, h.Secret)
					} else if c.name == "jsonl" {
						kept = append(kept, h.Name, h.Value)
					}
				}
				if !rq.URL.Password.IsZero() {
					keptSecrets = append(keptSecrets, rq.URL.Password)
				}
				for _, p := range rq.Body.Fields {
					if p.Sensitive() {
						keptSecrets = append(keptSecrets, p.Secret)
					}
				}
			}
			if len(kept) < 4*n || len(keptSecrets) < n || c.name == "jsonl" && len(keptSecrets) < 3*n {
				t.Fatalf("kept %d strings and %d secrets from %d lines", len(kept), len(keptSecrets), n)
			}
			var after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&after)
			grown := int64(after.HeapAlloc) - int64(before.HeapAlloc)
			if limit := int64(n * 4096 / 4); grown > limit {
				t.Errorf("holding a few fields of %d records grew the heap by %d bytes (limit %d): they pin their lines", n, grown, limit)
			}
			runtime.KeepAlive(kept)
			runtime.KeepAlive(keptSecrets)
			runtime.KeepAlive(input) // counted in both readings
		})
	}
}

// TestTextRecordsOwnTheirText: a text record keeps its line after the
// reader has moved on (analyze reads ahead of the rules).
func TestTextRecordsOwnTheirText(t *testing.T) {
	rd, err := NewTextReader(strings.NewReader("token=ghp_abcdefghijklmnopqrstuvwxyz0123456789\nhello world\n"), "app.log", Options{})
	if err != nil {
		t.Fatal(err)
	}
	var recs []*Record
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec)
	}
	if len(recs) != 2 || string(recs[0].Text) != "token=ghp_abcdefghijklmnopqrstuvwxyz0123456789" || string(recs[1].Text) != "hello world" {
		for _, r := range recs {
			t.Logf("%q", r.Text)
		}
		t.Fatalf("%d records, texts overwritten or lost", len(recs))
	}
}

// TestSafeExtra: an extra keeps identifiers and never a credential.
func TestSafeExtra(t *testing.T) {
	for v, want := range map[string]string{
		"EXPIRED_TOKEN":                                  "EXPIRED_TOKEN",
		"5f8c1c3e-0d7a-4f7b-9a51-0c2f8e1d9b11":           "5f8c1c3e-0d7a-4f7b-9a51-0c2f8e1d9b11",
		"jwt_authn_access_denied{Jwt_is_expired}":        "jwt_authn_access_denied{Jwt_is_expired}",
		"https://bob:hunter2pass@internal.example.com/x": "",
		"svc:Zx9kQ2mP7vL4":                               "",
		"sk_live_51HabcdEFGHijklMNOPqrst":                "",
	} {
		if got := safeExtra(v); got != want {
			t.Errorf("safeExtra(%q) = %q, want %q", v, got, want)
		}
	}
}
