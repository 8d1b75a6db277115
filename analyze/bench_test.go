package analyze

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/authtriage/authtriage/rules"
)

// BenchmarkAnalyzeHAR runs the whole engine (reader, every rule, grouping,
// statistics) over a generated 20 MB HAR. Compare with `cat` or
// `jq '.log.entries|length'` on the same file (testdata/bench/bench.sh).
func BenchmarkAnalyzeHAR(b *testing.B) {
	path, size := benchHAR(b)
	b.SetBytes(size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := Run(context.Background(), []string{path}, Options{Config: rules.DefaultConfig()})
		if err != nil || len(res.Findings) == 0 {
			b.Fatal(err, len(res.Findings))
		}
	}
}

// benchHAR writes the generated 20 MB HAR of the HAR benchmarks.
func benchHAR(b *testing.B) (path string, size int64) {
	path = filepath.Join(b.TempDir(), "bench.har")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := writeHAR(f, 20<<20, 1); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	return path, st.Size()
}

// BenchmarkAnalyzeLog runs the whole engine over a generated 32 MB JSON
// access log (the scan benchmark's, one planted credential in 250 lines)
// and reports, besides MB/s, its speed relative to decoding every line with
// encoding/json to test status == 401 in the same run (x-json; what
// `jq -c 'select(.status==401)'` does). testdata/bench/bench.sh measures the
// binary against jq and rg on the 200 MB log.
func BenchmarkAnalyzeLog(b *testing.B) {
	path, data := benchLog(b, 250)
	jsonTime := bestOf(3, func() { decodeStatuses(data) })
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	t0 := time.Now()
	for b.Loop() {
		res, err := Run(context.Background(), []string{path}, Options{Config: rules.DefaultConfig()})
		if err != nil || len(res.Findings) == 0 {
			b.Fatal(err, len(res.Findings))
		}
	}
	b.StopTimer()
	per := time.Since(t0) / time.Duration(b.N)
	b.ReportMetric(float64(jsonTime)/float64(per), "x-json")
}
