// Command authtriage explains why API requests fail authentication, finds
// credentials leaked into logs and captures, and makes captures safe to
// share. See README.md.
package main

import (
	"os"
	"runtime/debug"
)

// softMemoryLimit keeps the garbage collector from letting the heap grow to
// twice the live data: the tool's live state is bounded (tens of MB), so
// peak RSS stays under 100 MB on any input size. GOMEMLIMIT overrides it.
const softMemoryLimit = 64 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(softMemoryLimit)
	}
	os.Exit(Main(os.Args[1:], SystemStreams()))
}
