package analyze

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Deterministic generators of large inputs for benchmarks and the scale
// figures quoted in the README. They are test helpers so that they build with
// the project and never ship in the binary:
//
//	go test ./analyze -run TestGenerateInputs -gen-dir /tmp/bench -gen-har-mb 100
//	go test ./analyze -run TestGenerateInputs -gen-dir /tmp/bench -gen-har-mb 0 -gen-log-mb 200
var (
	genDir   = flag.String("gen-dir", "", "write generated benchmark inputs into this folder")
	genHARMB = flag.Int("gen-har-mb", 100, "size of the generated HAR in MB (0: none)")
	genLogMB = flag.Int("gen-log-mb", 0, "size of the generated JSON access log with planted credentials in MB (0: none)")
)

func TestGenerateInputs(t *testing.T) {
	if *genDir == "" {
		t.Skip("set -gen-dir to generate benchmark inputs")
	}
	if err := os.MkdirAll(*genDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if *genHARMB > 0 {
		path := filepath.Join(*genDir, fmt.Sprintf("bench-%dmb.har", *genHARMB))
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		n, err := writeHAR(f, int64(*genHARMB)<<20, 1)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s: %d entries", path, n)
	}
	if *genLogMB > 0 {
		// 200 MB as the research measured it (200,000,000 bytes), one
		// credential about every 250 lines; the truth goes beside it.
		path := filepath.Join(*genDir, fmt.Sprintf("bench-%dmb.jsonl", *genLogMB))
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		plants, lines, err := writeScanLog(f, int64(*genLogMB)*1_000_000, 250, 42)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		tf, err := os.Create(path + ".plants.tsv")
		if err != nil {
			t.Fatal(err)
		}
		if err := writePlants(tf, plants); err != nil {
			t.Fatal(err)
		}
		if err := tf.Close(); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s: %d lines, %d planted credentials", path, lines, len(plants))
	}
}

// writeHAR writes a Chrome-shaped HAR of about size bytes: API calls with
// bearer JWTs, some 401s (expired, missing, doubled Bearer), static assets
// with base64 bodies, and JSON responses. It returns the number of entries.
func writeHAR(w io.Writer, size int64, seed int64) (int, error) {
	bw := bufio.NewWriterSize(w, 1<<20)
	cw := &countWriter{w: bw}
	rng := rand.New(rand.NewSource(seed))
	fmt.Fprint(cw, `{"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},"pages":[],"entries":[`)
	start := time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)
	body := make([]byte, 3000)
	const b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	n := 0
	for ; cw.n < size-4096; n++ {
		if n > 0 {
			fmt.Fprint(cw, ",")
		}
		at := start.Add(time.Duration(n) * 150 * time.Millisecond)
		id := rng.Intn(100000)
		status, auth, www := 200, "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwiZXhwIjo0MTAyNDQ0ODAwfQ.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl", ""
		switch r := rng.Intn(100); {
		case r < 3:
			status, auth, www = 401, "", `{"name":"www-authenticate","value":"Bearer realm=\"api\""}`
		case r < 6:
			status, auth = 401, "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjE3MDAwMDAwMDB9.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl"
			www = `{"name":"www-authenticate","value":"Bearer error=\"invalid_token\", error_description=\"The access token expired\""}`
		case r < 7:
			status, auth = 401, "Bearer Bearer abcdef0123456789abcdef"
		}
		for i := range body {
			body[i] = b64[rng.Intn(64)]
		}
		authHeader := ""
		if auth != "" {
			authHeader = fmt.Sprintf(`,{"name":"authorization","value":%q}`, auth)
		}
		respHeaders := `{"name":"content-type","value":"application/json"},{"name":"date","value":"` + at.Format(time.RFC1123) + `"}`
		if www != "" {
			respHeaders += "," + www
		}
		fmt.Fprintf(cw, `
    {"startedDateTime":%q,"time":%.3f,"request":{"method":"GET","url":"https://api.example.com/v1/users/%d/orders?page=%d","httpVersion":"http/2.0","headers":[{"name":":authority","value":"api.example.com"},{"name":":method","value":"GET"},{"name":":path","value":"/v1/users/%d/orders"},{"name":"accept","value":"application/json"},{"name":"user-agent","value":"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36"}%s],"queryString":[{"name":"page","value":"%d"}],"cookies":[],"headersSize":-1,"bodySize":0},"response":{"status":%d,"statusText":"","httpVersion":"http/2.0","headers":[%s],"cookies":[],"content":{"size":%d,"mimeType":"application/octet-stream","text":"%s","encoding":"base64"},"redirectURL":"","headersSize":-1,"bodySize":-1,"_transferSize":%d},"cache":{},"timings":{"blocked":0.5,"dns":-1,"connect":-1,"send":0.1,"wait":%.3f,"receive":0.2,"ssl":-1},"_resourceType":"fetch","_priority":"High"}`,
			at.Format("2006-01-02T15:04:05.000Z"), 10+rng.Float64()*90, id, n%7, id, authHeader, n%7, status, respHeaders, len(body), body, len(body)+300, 5+rng.Float64()*50)
	}
	fmt.Fprint(cw, "\n]}}\n")
	return n, bw.Flush()
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
