// Command authtriage explains why API requests fail authentication, finds
// credentials leaked into logs and captures, and makes captures safe to
// share. See README.md.
package main

import (
	"os"
)

func main() {
	os.Exit(Main(os.Args[1:], SystemStreams()))
}
