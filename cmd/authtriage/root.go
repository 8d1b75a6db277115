package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// version is set by -ldflags "-X main.version=..."; otherwise the module
// version from the build info.
var version = ""

func toolVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// interruptGrace is how long Ctrl-C waits for the command to stop by itself.
const interruptGrace = 2 * time.Second

// Main runs the CLI and returns the exit code. It is the only place errors
// become exit codes.
func Main(args []string, s Streams) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	root := newRootCmd(s)
	root.SetArgs(args)
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		// Ctrl-C. The command stops at its next context check; a read
		// that waits for input that never comes (analyze - on an idle
		// terminal or pipe) would not, so it gets a grace period. No
		// report is being written then: that happens after the input.
		select {
		case err = <-done:
		case <-time.After(interruptGrace):
			err = context.Canceled
		}
	}
	if err == nil {
		return exitOK
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(s.Err, "authtriage: interrupted")
		return exitInterrupted
	}
	code := exitCode(err)
	if msg := err.Error(); msg != "" {
		fmt.Fprintln(s.Err, "authtriage: "+msg)
	}
	if code == exitUsage {
		fmt.Fprintln(s.Err, "Run 'authtriage --help' for usage.")
	}
	return code
}

func newRootCmd(s Streams) *cobra.Command {
	root := &cobra.Command{
		Use:   "authtriage",
		Short: "Explain why API requests fail authentication",
		Long: `authtriage reads the evidence you already have — a HAR file, a curl -v transcript, an access
log — and explains, entry by entry, why the server answered 401, 403 or 400, and what to do about it.
It also finds credentials leaked into logs and makes captures safe to share. Nothing leaves your
machine, and no secret is ever printed in full.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       toolVersion(),
	}
	root.SetOut(s.Out)
	root.SetErr(s.Err)
	root.SetIn(s.In)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.SetVersionTemplate("authtriage {{.Version}}\n")
	root.AddCommand(
		newAnalyzeCmd(s),
		newDiffCmd(s),
		newRulesCmd(s),
		newSanitizeCmd(s),
		newScanCmd(s),
		newVersionCmd(s),
	)
	// Unknown subcommands and stray arguments are usage errors too.
	root.Args = func(_ *cobra.Command, args []string) error {
		if len(args) > 0 {
			return usagef("unknown command %q", strings.Join(args, " "))
		}
		return nil
	}
	root.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
	return root
}

func newVersionCmd(s Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  noArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprintln(s.Out, "authtriage", toolVersion())
			return err
		},
	}
}

func noArgs(_ *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected argument %q", args[0])
	}
	return nil
}
