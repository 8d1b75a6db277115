package secrets

import (
	"bytes"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"regexp"
	"testing"
	"time"
)

// logGen writes realistic JSON access-log lines (Caddy/nginx-like fields,
// high-entropy request ids, W3C trace ids, UUIDs, ETags, digests, hashed
// asset paths), deterministically from a seed.
type logGen struct {
	r *rand.Rand
}

func newLogGen(seed uint64) *logGen { return &logGen{rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))} }

const (
	hexDigits = "0123456789abcdef"
	b62Digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	b64url    = b62Digits + "-_"
)

func (g *logGen) str(alpha string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alpha[g.r.IntN(len(alpha))]
	}
	return string(b)
}

func (g *logGen) uuid() string {
	h := g.str(hexDigits, 32)
	return h[:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:]
}

func (g *logGen) pick(s ...string) string { return s[g.r.IntN(len(s))] }

var (
	genPaths = []string{"/v1/users/%d", "/v1/orders/%d/items", "/api/v2/accounts/%s/invoices", "/static/app.%s.js",
		"/static/vendor.%s.css", "/v1/reports/%s/export", "/healthz", "/v1/search", "/graphql", "/v1/users/%s/avatar.png"}
	genAgents = []string{"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/146.0.0.0 Safari/537.36",
		"okhttp/4.12.0", "curl/8.14.1", "Go-http-client/2.0", "python-requests/2.32.3", "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X)"}
)

func (g *logGen) path() string {
	p := g.pick(genPaths...)
	switch {
	case bytes.Contains([]byte(p), []byte("%d")):
		p = fmt.Sprintf(p, g.r.IntN(1_000_000))
	case bytes.Contains([]byte(p), []byte("%s")):
		p = fmt.Sprintf(p, g.pick(g.str(hexDigits, 12), g.uuid(), "eyJ"+g.str(b64url, 40)))
	}
	if g.r.IntN(3) == 0 {
		p += fmt.Sprintf("?limit=%d&page=%d&sort=%s&q=%s", 10+g.r.IntN(90), g.r.IntN(20), g.pick("name", "created_at", "-updated"), g.str("abcdefghijklmnop", 6))
	}
	return p
}

// clean is one access-log line without any credential.
func (g *logGen) clean() []byte {
	status := g.pick("200", "200", "200", "201", "204", "304", "401", "403", "404", "500")
	return fmt.Appendf(nil, `{"level":"info","ts":1796020849.%06d,"logger":"http.log.access","msg":"handled request","request":{"remote_ip":"10.%d.%d.%d","remote_port":"%d","proto":"HTTP/2.0","method":"%s","host":"api.example.com","uri":"%s","headers":{"User-Agent":["%s"],"Accept":["application/json"],"X-Request-Id":["%s"],"Traceparent":["00-%s-%s-01"],"Accept-Encoding":["gzip, br"]}},"bytes_read":%d,"user_id":"usr_%s","duration":0.%06d,"size":%d,"status":%s,"resp_headers":{"Etag":["W/\"%s-%s\""],"Content-Type":["application/json; charset=utf-8"],"X-Request-Id":["%s"],"Cache-Control":["private, max-age=0"]},"image":"registry.example.com/api@sha256:%s","trace_id":"%s","span_id":"%s","session_hint":"%s"}`,
		g.r.IntN(1_000_000), g.r.IntN(256), g.r.IntN(256), g.r.IntN(256), 1024+g.r.IntN(60000),
		g.pick("GET", "GET", "POST", "PUT", "DELETE"), g.path(), g.pick(genAgents...), g.uuid(),
		g.str(hexDigits, 32), g.str(hexDigits, 16), g.r.IntN(4096), g.str(b62Digits, 14), g.r.IntN(1_000_000),
		g.r.IntN(100_000), status, g.str(hexDigits, 4), g.str(b64url, 27), g.str("0123456789ABCDEFGHJKMNPQRSTVWXYZ", 26),
		g.str(hexDigits, 64), g.str(hexDigits, 32), g.str(hexDigits, 16), g.pick("warm", "cold", "none"))
}

// planted returns a line with one credential of one of 17 kinds, placed
// the way they end up in logs, and the credential itself.
func (g *logGen) planted() (line []byte, secret string) {
	base := g.clean()
	jwt := "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." + "eyJzdWIiOiJ1c2VyLTEiLCJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwiZXhwIjoxNzAwMDAzNjAwfQ." + g.str(b64url, 43)
	var insert string
	switch k := g.r.IntN(17); k {
	case 0:
		secret, insert = jwt, `"Authorization":["Bearer `+jwt+`"],`
	case 1:
		secret = g.str(b64url, 43)
		insert = `"Authorization":["Bearer ` + secret + `"],`
	case 2:
		secret = "ZGVwbG95OnMzY3IzdC1QYTU1"
		insert = `"Authorization":["Basic ` + secret + `"],`
	case 3:
		secret = jwt
		base = bytes.Replace(base, []byte(`"uri":"`), []byte(`"uri":"/v1/me?access_token=`+jwt+`&format=json&x=`), 1)
	case 4:
		secret = g.str(hexDigits, 32)
		base = bytes.Replace(base, []byte(`"uri":"`), []byte(`"uri":"/geo?api_key=`+secret+`&address=x&y=`), 1)
	case 5:
		secret = "sk_live_" + g.str(b62Digits, 24)
		insert = `"Authorization":["Bearer ` + secret + `"],`
	case 6:
		secret = "sk_test_" + g.str(b62Digits, 24)
		base = bytes.Replace(base, []byte(`"uri":"`), []byte(`"uri":"/v1/charges?key=`+secret+`&limit=10&z=`), 1)
	case 7:
		secret = "sk_live_" + g.str(b62Digits, 24)
		insert = `"X-Api-Key":["` + secret + `"],`
	case 8:
		secret = ghToken(g, "ghp_")
		insert = `"Authorization":["token ` + secret + `"],`
	case 9:
		secret = "AKIA" + g.str("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
		base = bytes.Replace(base, []byte(`"uri":"`), []byte(`"uri":"/bucket/obj?AWSAccessKeyId=`+secret+`&Expires=1700000000&q=`), 1)
	case 10:
		secret = "xoxb-" + g.str("0123456789", 12) + "-" + g.str("0123456789", 13) + "-" + g.str(b62Digits, 24)
		insert = `"Authorization":["Bearer ` + secret + `"],`
	case 11:
		secret = g.str(b62Digits, 16)
		base = bytes.Replace(base, []byte(`"remote_ip"`), []byte(`"referer":"https://deploy:`+secret+`@ci.example.com/job/1","remote_ip"`), 1)
	case 12:
		secret = g.str(b62Digits, 40)
		insert = `"X-Api-Key":["` + secret + `"],`
	case 13:
		secret = g.str(b64url, 32)
		insert = `"Cookie":["session=` + secret + `"],`
	case 14:
		secret = g.str(b62Digits, 20)
		base = bytes.Replace(base, []byte(`"size"`), []byte(`"request_body":"{\"client_secret\":\"`+secret+`\"}","size"`), 1)
	case 15:
		secret = "glpat-" + g.str(b64url, 20)
		insert = `"Private-Token":["` + secret + `"],`
	case 16:
		secret = "AIza" + g.str(b64url, 33) + "Ab"
		base = bytes.Replace(base, []byte(`"uri":"`), []byte(`"uri":"/maps/api/js?key=`+secret+`&callback=init&v=`), 1)
	}
	if insert != "" {
		base = bytes.Replace(base, []byte(`"headers":{`), []byte(`"headers":{`+insert), 1)
	}
	return base, secret
}

func ghToken(g *logGen, prefix string) string {
	body := []byte(g.str(b62Digits, 30) + "000000")
	for !githubChecksumOK(body) {
		sum := crc32IEEE(body[:30])
		for k := 35; k >= 30; k-- {
			body[k] = base62[sum%62]
			sum /= 62
		}
	}
	return prefix + string(body)
}

// corpus builds about size bytes of lines, one planted every `every` lines
// (0: none).
func benchLines(size, every int) (lines [][]byte, total int, planted []string) {
	g := newLogGen(42)
	for i := 0; total < size; i++ {
		var l []byte
		if every > 0 && i%every == every-1 {
			var s string
			l, s = g.planted()
			planted = append(planted, s)
		} else {
			l = g.clean()
		}
		lines = append(lines, l)
		total += len(l) + 1
	}
	return lines, total, planted
}

func TestGeneratorPlantedAllFound(t *testing.T) {
	g := newLogGen(7)
	for i := 0; i < 2000; i++ {
		line, secret := g.planted()
		ms := scanAll(string(line))
		checkInvariants(t, string(line), ms)
		found := false
		for _, m := range ms {
			found = found || m.Secret.Reveal() == secret
		}
		if !found || len(ms) != 1 {
			t.Fatalf("line %d: want exactly the planted secret, got %s\n%s", i, describe(ms), line)
		}
	}
	for i := 0; i < 5000; i++ {
		line := g.clean()
		if ms := scanAll(string(line)); len(ms) > 0 {
			t.Fatalf("clean line reported %s\n%s", describe(ms), line)
		}
	}
}

// benchScan scans about 8 MiB of generated lines per op and reports, besides
// MB/s: cpu-MB/s (bytes per CPU second of the process, robust on a shared
// machine) and x-bytes.Index, the time relative to one bytes.Index pass for
// "Bearer " over the same lines measured in the same run (what rg 'Bearer '
// does, ~5.8 GB/s on the research machine).
func benchScan(b *testing.B, every int) {
	lines, total, _ := benchLines(8<<20, every)
	base := time.Duration(1 << 62)
	n := 0
	for r := 0; r < 5; r++ {
		t0 := time.Now()
		for _, l := range lines {
			if bytes.Index(l, []byte("Bearer ")) >= 0 {
				n++
			}
		}
		base = min(base, time.Since(t0))
	}
	s := NewScanner()
	b.SetBytes(int64(total))
	b.ReportAllocs()
	b.ResetTimer()
	c0, w0 := cpuTime(), time.Now()
	for b.Loop() {
		for _, l := range lines {
			s.Scan(l, func(Match) { n++ })
		}
	}
	b.StopTimer()
	wall := time.Since(w0) / time.Duration(b.N)
	if cpu := cpuTime() - c0; cpu > 0 {
		b.ReportMetric(float64(total)*float64(b.N)/cpu.Seconds()/1e6, "cpu-MB/s")
	}
	b.ReportMetric(float64(wall)/float64(base), "x-bytes.Index")
	_ = n
}

func BenchmarkScanLine(b *testing.B) {
	b.Run("clean", func(b *testing.B) { benchScan(b, 0) })
	b.Run("planted", func(b *testing.B) { benchScan(b, 10) })
	b.Run("dense", func(b *testing.B) { benchScan(b, 1) })
	b.Run("baseline-bytes.Index", func(b *testing.B) {
		lines, total, _ := benchLines(8<<20, 10)
		b.SetBytes(int64(total))
		n := 0
		for b.Loop() {
			for _, l := range lines {
				if bytes.Index(l, []byte("Bearer ")) >= 0 {
					n++
				}
			}
		}
	})
	b.Run("baseline-regexp", func(b *testing.B) {
		lines, total, _ := benchLines(1<<20, 10)
		re := regexp.MustCompile(`(?i)(bearer|basic|token|api[_-]?key|secret|password)[=: "]+[A-Za-z0-9._~+/=-]{8,}|eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.|gh[pousr]_[A-Za-z0-9]{36}|sk_(live|test)_[A-Za-z0-9]+|AKIA[A-Z2-7]{16}`)
		b.SetBytes(int64(total))
		n := 0
		for b.Loop() {
			for _, l := range lines {
				if re.Match(l) {
					n++
				}
			}
		}
	})
}

func crc32IEEE(b []byte) uint32 { return crc32.ChecksumIEEE(b) }
