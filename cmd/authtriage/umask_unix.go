//go:build unix

package main

import (
	"io/fs"
	"syscall"
)

// newFileMode is the mode a new -o file gets: 0666 less the umask, as a
// file created by the shell's > would. The umask can only be read by
// setting it, so it is set back at once (before any other goroutine creates
// a file: the report is written last).
func newFileMode() fs.FileMode {
	m := syscall.Umask(0o022)
	syscall.Umask(m)
	return fs.FileMode(0o666 &^ m)
}
