package parsers

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/tidwall/gjson"
)

// genNginxLog writes n lines shaped like corpus nginx-access.json
// (log_format escape=json with credential headers), deterministically:
// a fixed seed, so every run measures the same bytes. About a third of the
// requests carry a Bearer JWT from a pool of 64 clients, one in twenty a
// token in the query, one in five fails with 401 or 403.
func genNginxLog(n int) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	tokens := make([]string, 64)
	for i := range tokens {
		tokens[i] = syntheticJWT("bench"+strconv.Itoa(i), 1796020000+i)
	}
	paths := []string{"/v1/me", "/v1/users/%d", "/v1/orders/%d/items", "/v2/items", "/oauth/token", "/v1/admin/users"}
	agents := []string{"curl/8.14.1", "okhttp/4.12.0", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"}
	start := time.Date(2026, 11, 30, 6, 40, 0, 0, time.UTC)
	var b bytes.Buffer
	for i := 0; i < n; i++ {
		t := start.Add(time.Duration(i) * 7 * time.Millisecond)
		path := paths[rng.IntN(len(paths))]
		if bytes.Contains([]byte(path), []byte("%d")) {
			path = fmt.Sprintf(path, rng.IntN(100000))
		}
		args := ""
		if rng.IntN(20) == 0 {
			args = "access_token=" + tokens[rng.IntN(len(tokens))] + "&page=" + strconv.Itoa(rng.IntN(9))
		}
		uri := path
		if args != "" {
			uri += "?" + args
		}
		status := 200
		switch r := rng.IntN(10); {
		case r == 0:
			status = 401
		case r == 1:
			status = 403
		}
		auth := ""
		if rng.IntN(3) == 0 {
			auth = "Bearer " + tokens[rng.IntN(len(tokens))]
		}
		method := "GET"
		if rng.IntN(5) == 0 {
			method = "POST"
		}
		fmt.Fprintf(&b, `{"time_local":"%s","time_iso8601":"%s","msec":"%d.%03d","remote_addr":"203.0.113.%d","remote_user":"","request":"%s %s HTTP/1.1","request_method":"%s","scheme":"https","host":"api.example.com","request_uri":"%s","uri":"%s","args":"%s","server_protocol":"HTTP/1.1","status":%d,"body_bytes_sent":%d,"request_time":0.%03d,"http_referer":"","http_user_agent":"%s","http_authorization":"%s","http_cookie":"","http_x_api_key":"","request_body":"","upstream_addr":"10.0.2.5:8080","upstream_status":"%d","upstream_response_time":"0.%03d","sent_http_www_authenticate":"%s","request_id":"%016x%016x"}`+"\n",
			t.Format("02/Jan/2006:15:04:05 -0700"), t.Format(time.RFC3339), t.Unix(), t.Nanosecond()/1e6, rng.IntN(255),
			method, uri, method, uri, path, args, status, rng.IntN(5000), rng.IntN(999), agents[rng.IntN(len(agents))], auth,
			status, rng.IntN(999), map[bool]string{true: `Bearer error=\"invalid_token\"`, false: ""}[status == 401], rng.Uint64(), rng.Uint64())
	}
	return b.Bytes()
}

// genCombinedLog writes n nginx "combined" lines, deterministically.
func genCombinedLog(n int) []byte {
	rng := rand.New(rand.NewPCG(3, 4))
	tokens := make([]string, 64)
	for i := range tokens {
		tokens[i] = syntheticJWT("bench"+strconv.Itoa(i), 1796020000+i)
	}
	start := time.Date(2026, 11, 30, 6, 40, 0, 0, time.UTC)
	var b bytes.Buffer
	for i := 0; i < n; i++ {
		t := start.Add(time.Duration(i) * 7 * time.Millisecond)
		q := ""
		if rng.IntN(20) == 0 {
			q = "?access_token=" + tokens[rng.IntN(len(tokens))]
		}
		fmt.Fprintf(&b, "203.0.113.%d - - [%s] \"GET /v1/users/%d%s HTTP/1.1\" %d %d \"-\" \"curl/8.14.1\"\n",
			rng.IntN(255), t.Format("02/Jan/2006:15:04:05 -0700"), rng.IntN(100000), q, []int{200, 200, 200, 401, 403}[rng.IntN(5)], rng.IntN(5000))
	}
	return b.Bytes()
}

func benchReader(b *testing.B, data []byte, open func(io.Reader) (Reader, error)) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r, err := open(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			rec, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			if rec.Exchange != nil {
				n++
			}
		}
		if n == 0 {
			b.Fatal("no exchanges")
		}
	}
}

var benchNginx = genNginxLog(10000)

// BenchmarkJSONLReader: records and exchanges from an nginx-like JSON log.
// Compare with BenchmarkJSONLBaselineValid (line split + gjson validation,
// the floor of any correct JSON-lines reader) and BenchmarkLineScan.
func BenchmarkJSONLReader(b *testing.B) {
	benchReader(b, benchNginx, func(r io.Reader) (Reader, error) { return NewJSONLReader(r, "bench.jsonl", Options{}) })
}

func BenchmarkJSONLBaselineValid(b *testing.B) {
	b.SetBytes(int64(len(benchNginx)))
	for b.Loop() {
		sc := NewLineScanner(bytes.NewReader(benchNginx), "bench", 0)
		for {
			line, _, _, err := sc.Next()
			if err != nil {
				break
			}
			if !gjson.ValidBytes(line) {
				b.Fatal("invalid")
			}
		}
	}
}

func BenchmarkLineScan(b *testing.B) {
	b.SetBytes(int64(len(benchNginx)))
	for b.Loop() {
		sc := NewLineScanner(bytes.NewReader(benchNginx), "bench", 0)
		for {
			if _, _, _, err := sc.Next(); err != nil {
				break
			}
		}
	}
}

func BenchmarkCLFReader(b *testing.B) {
	data := genCombinedLog(20000)
	benchReader(b, data, func(r io.Reader) (Reader, error) { return NewCLFReader(r, "bench.log", Options{}) })
}

// The generator is deterministic and its output is what the readers expect.
func TestBenchGenerators(t *testing.T) {
	if !bytes.Equal(genNginxLog(50), genNginxLog(50)) {
		t.Fatal("genNginxLog is not deterministic")
	}
	res := readString(t, FormatJSONL, string(genNginxLog(200)), Options{})
	if res.schema != "nginx" || len(res.exchanges()) != 200 || len(res.errs) != 0 {
		t.Errorf("nginx: schema %q, %d exchanges, errors %v", res.schema, len(res.exchanges()), res.errs)
	}
	res = readString(t, FormatCLF, string(genCombinedLog(200)), Options{})
	if res.schema != "combined" || len(res.exchanges()) != 200 || len(res.errs) != 0 {
		t.Errorf("combined: schema %q, %d exchanges, errors %v", res.schema, len(res.exchanges()), res.errs)
	}
}
