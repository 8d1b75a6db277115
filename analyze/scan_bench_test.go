package analyze

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/authtriage/authtriage/rules"
)

// BenchmarkScan runs the scan engine over a generated 32 MB JSON access log
// (one planted credential in 250 lines, and one in every line for "dense")
// and reports, besides MB/s, its speed relative to two baselines measured
// in the same run on the same file: decoding every line with encoding/json
// to test status == 401 (what `jq 'select(.status==401)'` does; x-json) and
// counting "Bearer " with bytes.Count (what `rg -c Bearer` does, the
// ceiling; x-count). testdata/bench/bench.sh measures the binary against
// jq, rg and cat on the 200 MB log.
func BenchmarkScan(b *testing.B) {
	for _, c := range []struct {
		name  string
		every int
	}{{"planted", 250}, {"dense", 1}} {
		b.Run(c.name, func(b *testing.B) {
			path, data := benchLog(b, c.every)
			jsonTime := bestOf(3, func() { decodeStatuses(data) })
			countTime := bestOf(5, func() { bytes.Count(data, []byte("Bearer ")) })
			o := Options{Config: rules.DefaultConfig(), Now: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)}
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			b.ResetTimer()
			t0 := time.Now()
			for b.Loop() {
				res, err := Scan(context.Background(), []string{path}, o)
				if err != nil || len(res.Findings) == 0 {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			per := time.Since(t0) / time.Duration(b.N)
			b.ReportMetric(float64(jsonTime)/float64(per), "x-json")
			b.ReportMetric(float64(countTime)/float64(per), "x-count")
		})
	}
}

// benchLog writes the generated 32 MB JSON access log of the log
// benchmarks, a credential planted on one line in every, and returns its
// path and content.
func benchLog(b *testing.B, every int) (string, []byte) {
	path := filepath.Join(b.TempDir(), "access.jsonl")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if _, _, err := writeScanLog(f, 32<<20, every, 42); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	return path, data
}

// decodeStatuses is the jq baseline of the log benchmarks: every line
// decoded with encoding/json to read its status.
func decodeStatuses(data []byte) (n401 int) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var v struct {
		Status int `json:"status"`
	}
	for sc.Scan() {
		v.Status = 0
		json.Unmarshal(sc.Bytes(), &v)
		if v.Status == 401 {
			n401++
		}
	}
	return n401
}

func bestOf(n int, fn func()) time.Duration {
	best := time.Duration(1 << 62)
	for i := 0; i < n; i++ {
		t0 := time.Now()
		fn()
		best = min(best, time.Since(t0))
	}
	return best
}

// BenchmarkScanHAR scans a generated 20 MB HAR structurally (the HAR of
// BenchmarkAnalyzeHAR); x-analyze is its speed relative to analyze on the
// same file in the same run.
func BenchmarkScanHAR(b *testing.B) {
	path, size := benchHAR(b)
	o := Options{Config: rules.DefaultConfig(), Now: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)}
	analyzeTime := bestOf(2, func() {
		if _, err := Run(context.Background(), []string{path}, o); err != nil {
			b.Fatal(err)
		}
	})
	b.SetBytes(size)
	b.ResetTimer()
	t0 := time.Now()
	for b.Loop() {
		res, err := Scan(context.Background(), []string{path}, o)
		if err != nil || len(res.Findings) == 0 {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(analyzeTime)/float64(time.Since(t0)/time.Duration(b.N)), "x-analyze")
}
