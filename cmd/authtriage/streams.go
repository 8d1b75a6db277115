package main

import (
	"io"
	"os"

	"golang.org/x/term"
)

// Streams is where the CLI reads and writes, and what the terminal looks
// like. Tests use buffers and can pretend to be a terminal.
type Streams struct {
	In     io.Reader
	Out    io.Writer
	Err    io.Writer
	OutTTY bool
	ErrTTY bool
	// Width of the terminal in columns (0 when unknown).
	Width int
}

// SystemStreams are the process's stdin, stdout and stderr.
func SystemStreams() Streams {
	s := Streams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}
	s.OutTTY = term.IsTerminal(int(os.Stdout.Fd()))
	s.ErrTTY = term.IsTerminal(int(os.Stderr.Fd()))
	if s.OutTTY {
		if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil {
			s.Width = w
		}
	}
	return s
}
