package main

import (
	"fmt"
	"io"
	"path/filepath"
	"sync"
	"time"
)

// progress draws one line on stderr (a terminal) while large inputs are
// read. Small inputs finish before the first update and draw nothing.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	last  time.Time
	drawn bool
}

func newProgress(w io.Writer) *progress { return &progress{w: w} }

func (p *progress) update(path string, read, size int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if time.Since(p.last) < 200*time.Millisecond {
		return
	}
	p.last = time.Now()
	p.drawn = true
	if size > 0 {
		pct := float64(read) * 100 / float64(size)
		if pct > 100 {
			pct = 100
		}
		fmt.Fprintf(p.w, "\r\x1b[Kreading %s: %5.1f%% of %s", filepath.Base(path), pct, mib(size))
		return
	}
	fmt.Fprintf(p.w, "\r\x1b[Kreading %s: %s", filepath.Base(path), mib(read))
}

func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }
