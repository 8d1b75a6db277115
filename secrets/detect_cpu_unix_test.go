//go:build unix

package secrets

import (
	"syscall"
	"time"
)

// cpuTime is the process's user+system CPU time; benchmarks report
// throughput per CPU second too, which stays meaningful on a loaded machine
// where wall time does not.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
