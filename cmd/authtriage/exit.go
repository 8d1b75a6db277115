package main

import (
	"errors"
	"fmt"
	"os"
)

// Exit codes (DESIGN.md): the highest applicable wins, in the order
// 2 > 3 > 1 > 0.
const (
	exitOK       = 0
	exitFindings = 1
	exitUsage    = 2
	exitInput    = 3
	// exitInterrupted follows the shell convention for SIGINT.
	exitInterrupted = 130
)

// usageError is a bad flag, format, rule ID or config: exit 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// exitError carries an exit code decided by a command (inputs unreadable,
// findings above --fail-on) after its output was written.
type exitError struct {
	code int
	msg  string
}

func (e exitError) Error() string { return e.msg }

// exitCode maps an error to the process exit code, in one place.
func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	var ue usageError
	if errors.As(err, &ue) {
		return exitUsage
	}
	var ee exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return exitInput
}

// unwrapPath keeps "no such file or directory" without the path an
// *os.PathError repeats: the message names the path once, its own way.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
