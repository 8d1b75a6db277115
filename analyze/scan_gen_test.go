package analyze

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

// A deterministic generator of JSON access logs (Caddy-shaped lines full of
// high-entropy values that are not credentials: request and trace ids,
// UUIDs, ETags, digests, asset hashes, session hints) with credentials of
// every kind scan must find planted the way they end up in logs. It feeds
// the recall test and the benchmark (testdata/bench/bench.sh):
//
//	go test ./analyze -run TestGenerateInputs -gen-dir /tmp/bench -gen-log-mb 200

// scanPlant is one planted credential: where it is and what it is.
type scanPlant struct {
	Line, Column int // 1-based; Column is the byte column of the value
	Kind         string
	secret       string
}

type scanGen struct {
	r *rand.Rand
}

func newScanGen(seed uint64) *scanGen {
	return &scanGen{rand.New(rand.NewPCG(seed, 0x2545f4914f6cdd1d))}
}

const (
	genHex   = "0123456789abcdef"
	genB62   = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	genB64u  = genB62 + "-_"
	genB32   = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	genLower = "abcdefghijklmnopqrstuvwxyz0123456789"
)

func (g *scanGen) str(alpha string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alpha[g.r.IntN(len(alpha))]
	}
	return string(b)
}

func (g *scanGen) pick(s ...string) string { return s[g.r.IntN(len(s))] }

func (g *scanGen) uuid() string {
	h := g.str(genHex, 32)
	return h[:8] + "-" + h[8:12] + "-4" + h[13:16] + "-" + g.pick("8", "9", "a", "b") + h[17:20] + "-" + h[20:]
}

var (
	scanGenPaths = []string{"/v1/users/%d", "/v1/orders/%d/items", "/api/v2/accounts/%s/invoices", "/static/app.%s.js",
		"/static/vendor.%s.css", "/v1/reports/%s/export", "/healthz", "/v1/search", "/graphql", "/assets/img/logo.%s.png"}
	scanGenAgents = []string{"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/146.0.0.0 Safari/537.36",
		"okhttp/4.12.0", "curl/8.14.1", "Go-http-client/2.0", "python-requests/2.32.3", "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X)"}
)

func (g *scanGen) path() string {
	p := g.pick(scanGenPaths...)
	switch {
	case strings.Contains(p, "%d"):
		p = fmt.Sprintf(p, g.r.IntN(1_000_000))
	case strings.Contains(p, "%s"):
		p = fmt.Sprintf(p, g.pick(g.str(genHex, 16), g.uuid(), g.str(genHex, 8)))
	}
	if g.r.IntN(3) == 0 {
		p += fmt.Sprintf("?limit=%d&page=%d&sort=%s&q=%s", 10+g.r.IntN(90), g.r.IntN(20), g.pick("name", "created_at", "-updated"), g.str("abcdefghijklmnop", 6))
	}
	return p
}

// clean is one access-log line that holds no credential.
func (g *scanGen) clean() string {
	status := g.pick("200", "200", "200", "201", "204", "304", "401", "403", "404", "500")
	return fmt.Sprintf(`{"level":"info","ts":1796020849.%06d,"logger":"http.log.access","msg":"handled request","request":{"remote_ip":"10.%d.%d.%d","remote_port":"%d","proto":"HTTP/2.0","method":"%s","host":"api.example.com","uri":"%s","headers":{"User-Agent":["%s"],"Accept":["application/json"],"X-Request-Id":["%s"],"Traceparent":["00-%s-%s-01"],"Accept-Encoding":["gzip, br"]}},"bytes_read":%d,"user_id":"usr_%s","duration":0.%06d,"size":%d,"status":%s,"resp_headers":{"Etag":["W/\"%s-%s\""],"Content-Type":["application/json; charset=utf-8"],"X-Request-Id":["%s"],"Digest":["sha-256=%s"],"Cache-Control":["private, max-age=0"]},"image":"registry.example.com/api@sha256:%s","trace_id":"%s","span_id":"%s","session_hint":"%s"}`,
		g.r.IntN(1_000_000), g.r.IntN(256), g.r.IntN(256), g.r.IntN(256), 1024+g.r.IntN(60000),
		g.pick("GET", "GET", "POST", "PUT", "DELETE"), g.path(), g.pick(scanGenAgents...), g.uuid(),
		g.str(genHex, 32), g.str(genHex, 16), g.r.IntN(4096), g.str(genB62, 14), g.r.IntN(1_000_000),
		g.r.IntN(100_000), status, g.str(genHex, 4), g.str(genB64u, 27), g.str("0123456789ABCDEFGHJKMNPQRSTVWXYZ", 26),
		base64.StdEncoding.EncodeToString([]byte(g.str(genB62, 32))),
		g.str(genHex, 64), g.str(genHex, 32), g.str(genHex, 16), g.pick("warm", "cold", "none"))
}

func (g *scanGen) jwt(header string) string {
	enc := base64.RawURLEncoding.EncodeToString
	claims := fmt.Sprintf(`{"iss":"https://auth.example.com/","sub":"user-%d","aud":"https://api.example.com","exp":%d,"iat":1796010000,"jti":"%s"}`,
		g.r.IntN(100000), 1796000000+g.r.IntN(90000000), g.str(genB62, 16))
	return enc([]byte(header)) + "." + enc([]byte(claims)) + "." + g.str(genB64u, 43+g.r.IntN(44))
}

func (g *scanGen) github(prefix string) string {
	body := []byte(g.str(genB62, 30) + "000000")
	sum := crc32.ChecksumIEEE(body[:30])
	for k := 35; k >= 30; k-- {
		body[k] = genB62[sum%62]
		sum /= 62
	}
	return prefix + string(body)
}

// header inserts a request header (JSON array form, as Caddy logs it).
func header(line, name, value string) string {
	v, _ := json.Marshal(value)
	return strings.Replace(line, `"headers":{`, `"headers":{"`+name+`":[`+string(v)+`],`, 1)
}

// query puts a query string (parameters before and after) in the uri.
func (g *scanGen) query(line, params string) string {
	return strings.Replace(line, `"uri":"`, `"uri":"/v1/`+g.pick("me", "charges", "geo", "maps/api/js", "bucket/obj")+`?`+params+`&x=`, 1)
}

// field adds a top-level field.
func field(line, name, value string) string {
	v, _ := json.Marshal(value)
	return strings.Replace(line, `"bytes_read":`, `"`+name+`":`+string(v)+`,"bytes_read":`, 1)
}

// scanKinds plants one credential each: the list (opaque Bearer,
// Basic, JWTs in headers and mid-query, api_key= mid-query, Stripe keys in
// headers and query, GitHub, AWS, Slack tokens, URL passwords, JSON body
// fields) and every provider format the detectors know.
var scanKinds = []struct {
	name  string
	plant func(g *scanGen, line string) (string, string)
}{
	{"jwt-hs256-bearer", func(g *scanGen, l string) (string, string) {
		s := g.jwt(`{"alg":"HS256","typ":"JWT"}`)
		return header(l, "Authorization", "Bearer "+s), s
	}},
	{"jwt-rs256-kid-bearer", func(g *scanGen, l string) (string, string) {
		s := g.jwt(`{"alg":"RS256","typ":"JWT","kid":"` + g.str(genB64u, 22) + `"}`)
		return header(l, "Authorization", "Bearer "+s), s
	}},
	{"jwt-es256-atjwt-bearer", func(g *scanGen, l string) (string, string) {
		s := g.jwt(`{"alg":"ES256","typ":"at+jwt"}`)
		return header(l, "Authorization", "Bearer "+s), s
	}},
	{"jwe-bearer", func(g *scanGen, l string) (string, string) {
		h := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RSA-OAEP-256","enc":"A256GCM"}`))
		s := h + "." + g.str(genB64u, 342) + "." + g.str(genB64u, 16) + "." + g.str(genB64u, 120) + "." + g.str(genB64u, 22)
		return header(l, "Authorization", "Bearer "+s), s
	}},
	{"opaque-bearer", func(g *scanGen, l string) (string, string) {
		s := g.str(genB64u, 43)
		return header(l, "Authorization", "Bearer "+s), s
	}},
	{"basic", func(g *scanGen, l string) (string, string) {
		s := base64.StdEncoding.EncodeToString([]byte(g.pick("deploy", "admin", "svc-billing") + ":" + g.str(genB62, 14)))
		return header(l, "Authorization", "Basic "+s), s
	}},
	{"jwt-mid-query", func(g *scanGen, l string) (string, string) {
		s := g.jwt(`{"alg":"HS256","typ":"JWT"}`)
		return g.query(l, "access_token="+s+"&format=json"), s
	}},
	{"jwt-end-of-uri", func(g *scanGen, l string) (string, string) {
		s := g.jwt(`{"alg":"HS512"}`)
		return strings.Replace(l, `"uri":"`, `"uri":"/v1/export?format=csv&id_token=`+s, 1), s
	}},
	{"api-key-mid-query-hex", func(g *scanGen, l string) (string, string) {
		s := g.str(genHex, 32)
		return g.query(l, "api_key="+s+"&address=1600+Amphitheatre"), s
	}},
	{"api-key-mid-query-alnum", func(g *scanGen, l string) (string, string) {
		s := g.str(genB62, 40)
		return g.query(l, "lang=en&apikey="+s+"&units=metric"), s
	}},
	{"stripe-live-bearer", func(g *scanGen, l string) (string, string) {
		s := "sk_live_" + g.str(genB62, 24+g.r.IntN(75))
		return header(l, "Authorization", "Bearer "+s), s
	}},
	{"stripe-test-query", func(g *scanGen, l string) (string, string) {
		s := "sk_test_" + g.str(genB62, 24)
		return g.query(l, "key="+s+"&limit=10"), s
	}},
	{"stripe-live-x-api-key", func(g *scanGen, l string) (string, string) {
		s := "sk_live_" + g.str(genB62, 24)
		return header(l, "X-Api-Key", s), s
	}},
	{"stripe-restricted-field", func(g *scanGen, l string) (string, string) {
		s := "rk_live_" + g.str(genB62, 24)
		return field(l, "stripe_key", s), s
	}},
	{"github-pat-token", func(g *scanGen, l string) (string, string) {
		s := g.github("ghp_")
		return header(l, "Authorization", "token "+s), s
	}},
	{"github-oauth-query", func(g *scanGen, l string) (string, string) {
		s := g.github("gho_")
		return g.query(l, "access_token="+s), s
	}},
	{"github-fine-grained", func(g *scanGen, l string) (string, string) {
		s := "github_pat_" + g.str(genB62, 22) + "_" + g.str(genB62, 59)
		return header(l, "Authorization", "Bearer "+s), s
	}},
	{"aws-akia-query", func(g *scanGen, l string) (string, string) {
		s := "AKIA" + g.str(genB32, 16)
		return g.query(l, "AWSAccessKeyId="+s+"&Expires=1796000000"), s
	}},
	{"aws-asia-credential", func(g *scanGen, l string) (string, string) {
		s := "ASIA" + g.str(genB32, 16)
		return g.query(l, "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential="+s+"%2F20261130%2Fus-east-1%2Fs3%2Faws4_request"), s
	}},
	{"slack-bot-bearer", func(g *scanGen, l string) (string, string) {
		s := "xoxb-" + g.str("0123456789", 12) + "-" + g.str("0123456789", 13) + "-" + g.str(genB62, 24)
		return header(l, "Authorization", "Bearer "+s), s
	}},
	{"slack-user-field", func(g *scanGen, l string) (string, string) {
		s := "xoxp-" + g.str("0123456789", 12) + "-" + g.str("0123456789", 12) + "-" + g.str("0123456789", 13) + "-" + g.str(genHex, 32)
		return field(l, "slack_token", s), s
	}},
	{"url-password-referer", func(g *scanGen, l string) (string, string) {
		s := g.str(genB62, 16)
		return header(l, "Referer", "https://deploy:"+s+"@ci.example.com/job/"+fmt.Sprint(g.r.IntN(999))), s
	}},
	{"x-api-key-opaque", func(g *scanGen, l string) (string, string) {
		s := g.str(genB62, 40)
		return header(l, "X-Api-Key", s), s
	}},
	{"session-cookie", func(g *scanGen, l string) (string, string) {
		s := g.str(genB64u, 32)
		return header(l, "Cookie", "theme=dark; session="+s+"; _ga=GA1.2.1234.5678"), s
	}},
	{"json-body-client-secret", func(g *scanGen, l string) (string, string) {
		s := g.str(genB62, 20)
		return field(l, "request_body", `{"client_id":"web","client_secret":"`+s+`"}`), s
	}},
	{"json-body-password", func(g *scanGen, l string) (string, string) {
		s := g.str(genB62, 12) + "!" + g.str(genB62, 3)
		return field(l, "request_body", `{"username":"ann","password":"`+s+`"}`), s
	}},
	{"form-body-refresh-token", func(g *scanGen, l string) (string, string) {
		s := "rt_" + g.str(genB62, 32)
		return field(l, "request_body", "grant_type=refresh_token&refresh_token="+s+"&client_id=web"), s
	}},
	{"gitlab-private-token", func(g *scanGen, l string) (string, string) {
		s := "glpat-" + g.str(genB64u, 20)
		return header(l, "Private-Token", s), s
	}},
	{"google-api-key-query", func(g *scanGen, l string) (string, string) {
		s := "AIza" + g.str(genB64u, 32) + "Ab1"
		return g.query(l, "key="+s+"&callback=init"), s
	}},
	{"openai-project-key", func(g *scanGen, l string) (string, string) {
		s := "sk-proj-" + g.str(genB62, 20) + "T3BlbkFJ" + g.str(genB62, 20)
		return header(l, "Authorization", "Bearer "+s), s
	}},
	{"anthropic-key", func(g *scanGen, l string) (string, string) {
		s := "sk-ant-api03-" + g.str(genB64u, 93) + "AA"
		return header(l, "X-Api-Key", s), s
	}},
	{"sendgrid-key", func(g *scanGen, l string) (string, string) {
		s := "SG." + g.str(genB64u, 22) + "." + g.str(genB64u, 43)
		return header(l, "Authorization", "Bearer "+s), s
	}},
	{"shopify-token", func(g *scanGen, l string) (string, string) {
		s := "shpat_" + g.str(genHex, 32)
		return header(l, "X-Shopify-Access-Token", s), s
	}},
	{"square-token", func(g *scanGen, l string) (string, string) {
		s := "sq0atp-" + g.str(genB64u, 22)
		return header(l, "Authorization", "Bearer "+s), s
	}},
	{"okta-ssws", func(g *scanGen, l string) (string, string) {
		s := "00" + g.str(genB64u, 40)
		return header(l, "Authorization", "SSWS "+s), s
	}},
	{"paddle-live-key", func(g *scanGen, l string) (string, string) {
		s := "pdl_live_apikey_" + g.str(genLower, 26) + "_" + g.str(genB62, 22)
		return header(l, "Authorization", "Bearer "+s), s
	}},
	{"razorpay-key-query", func(g *scanGen, l string) (string, string) {
		s := "rzp_live_" + g.str(genB62, 14)
		return g.query(l, "key_id="+s), s
	}},
	{"plaid-access-token", func(g *scanGen, l string) (string, string) {
		s := "access-production-" + g.uuid()
		return field(l, "request_body", `{"access_token":"`+s+`","count":100}`), s
	}},
	{"braintree-token", func(g *scanGen, l string) (string, string) {
		s := "access_token$production$" + g.str("abcdefghijklmnopqrstuvwxyz0123456789", 16) + "$" + g.str(genHex, 32)
		return field(l, "gateway_token", s), s
	}},
	{"twilio-key", func(g *scanGen, l string) (string, string) {
		s := "SK" + g.str(genHex, 32)
		l = strings.Replace(l, `"logger":"http.log.access"`, `"logger":"twilio.client"`, 1)
		return field(l, "api_key_sid", s), s
	}},
	{"pem-private-key", func(g *scanGen, l string) (string, string) {
		s := "-----BEGIN RSA PRIVATE KEY-----"
		body := s + `\n` + g.str(genB62+"+/", 64) + `\n` + g.str(genB62+"+/", 64) + `\n-----END RSA PRIVATE KEY-----`
		l = strings.Replace(l, `"bytes_read":`, `"tls_key":"`+body+`","bytes_read":`, 1)
		return l, body
	}},
}

// planted returns a line with one credential of a random kind.
func (g *scanGen) planted() (line string, p scanPlant) {
	k := scanKinds[g.r.IntN(len(scanKinds))]
	line, secret := k.plant(g, g.clean())
	col := strings.Index(line, secret)
	if col < 0 || strings.Count(line, secret) != 1 {
		panic("generator: " + k.name + " secret not in its line exactly once")
	}
	return line, scanPlant{Column: col + 1, Kind: k.name, secret: secret}
}

// writeScanLog writes about size bytes of lines, one in every `every` with a
// planted credential (0: none), and returns the plants and the line count.
func writeScanLog(w io.Writer, size int64, every int, seed uint64) ([]scanPlant, int, error) {
	bw := bufio.NewWriterSize(w, 1<<20)
	g := newScanGen(seed)
	var plants []scanPlant
	var n int64
	lines := 0
	for n < size {
		lines++
		var line string
		if every > 0 && lines%every == 0 {
			var p scanPlant
			line, p = g.planted()
			p.Line = lines
			plants = append(plants, p)
		} else {
			line = g.clean()
		}
		k, err := bw.WriteString(line)
		if err != nil {
			return nil, 0, err
		}
		bw.WriteByte('\n')
		n += int64(k) + 1
	}
	return plants, lines, bw.Flush()
}

// writePlants writes the truth of a generated log: line, column and kind of
// each plant, tab-separated (no secret values).
func writePlants(w io.Writer, plants []scanPlant) error {
	var b bytes.Buffer
	for _, p := range plants {
		fmt.Fprintf(&b, "%d\t%d\t%s\n", p.Line, p.Column, p.Kind)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// TestBenchRecall reads a scan's JSON report of a generated log and its
// truth file and prints the recall, the findings on clean lines and the
// findings at wrong columns (testdata/bench/bench.sh):
//
//	go test ./analyze -run TestBenchRecall -bench-report report.json -bench-truth bench-200mb.jsonl.plants.tsv
var (
	benchReport = flag.String("bench-report", "", "JSON report of `authtriage scan` on a generated log")
	benchTruth  = flag.String("bench-truth", "", "the generated log's .plants.tsv")
)

func TestBenchRecall(t *testing.T) {
	if *benchReport == "" || *benchTruth == "" {
		t.Skip("set -bench-report and -bench-truth")
	}
	rb, err := os.ReadFile(*benchReport)
	if err != nil {
		t.Fatal(err)
	}
	var rep Result
	if err := json.Unmarshal(rb, &rep); err != nil {
		t.Fatal(err)
	}
	tb, err := os.ReadFile(*benchTruth)
	if err != nil {
		t.Fatal(err)
	}
	type lc struct{ line, col int }
	want := map[lc]string{}
	plantedLines := map[int]bool{}
	for _, l := range strings.Split(strings.TrimSpace(string(tb)), "\n") {
		var p lc
		var kind string
		if _, err := fmt.Sscanf(l, "%d\t%d\t%s", &p.line, &p.col, &kind); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		want[p] = kind
		plantedLines[p.line] = true
	}
	got := map[lc]bool{}
	cleanLine, extra := 0, 0
	for _, f := range rep.Findings {
		if f.OccurrencesTruncated {
			t.Fatalf("occurrences truncated (%s): recall cannot be judged", f.Message)
		}
		for _, o := range f.Occurrences {
			p := lc{o.Line, o.Column}
			got[p] = true
			switch {
			case !plantedLines[o.Line]:
				cleanLine++
			case want[p] == "":
				extra++
			}
		}
	}
	missed := map[string]int{}
	found := 0
	for p, kind := range want {
		if got[p] {
			found++
		} else {
			missed[kind]++
		}
	}
	fmt.Printf("recall %d/%d = %.2f%%; findings on clean lines: %d; other findings on planted lines: %d; missed by kind: %v\n",
		found, len(want), 100*float64(found)/float64(len(want)), cleanLine, extra, missed)
	if float64(found) < 0.99*float64(len(want)) || cleanLine > 0 {
		t.Fail()
	}
}
