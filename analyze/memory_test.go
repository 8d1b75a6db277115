package analyze

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/authtriage/authtriage/rules"
)

// peakHeap runs fn while sampling the live heap, and returns the peak.
func peakHeap(fn func()) uint64 {
	runtime.GC()
	var peak uint64
	var mu sync.Mutex
	done := make(chan struct{})
	go func() {
		var ms runtime.MemStats
		for {
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
			runtime.ReadMemStats(&ms)
			mu.Lock()
			peak = max(peak, ms.HeapInuse)
			mu.Unlock()
		}
	}()
	fn()
	close(done)
	mu.Lock()
	defer mu.Unlock()
	return peak
}

// TestFlatMemory: analysing a HAR four times larger must not need
// noticeably more memory — the reader streams entries and every piece of
// state is bounded (per endpoint, per credential, capped occurrences).
func TestFlatMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 100 MB of input")
	}
	dir := t.TempDir()
	var peaks []uint64
	for _, mb := range []int64{20, 80} {
		path := filepath.Join(dir, "in.har")
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := writeHAR(f, mb<<20, 1); err != nil {
			t.Fatal(err)
		}
		f.Close()
		p := peakHeap(func() {
			res, err := Run(context.Background(), []string{path}, Options{Config: rules.DefaultConfig()})
			if err != nil || res.Summary.Exchanges == 0 {
				t.Fatal(err)
			}
		})
		t.Logf("%d MB HAR: peak heap %.1f MB", mb, float64(p)/(1<<20))
		peaks = append(peaks, p)
	}
	if peaks[1] > peaks[0]*3/2+8<<20 {
		t.Fatalf("memory grows with the input: %d MB then %d MB", peaks[0]>>20, peaks[1]>>20)
	}
}
