package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/authtriage/authtriage/analyze"
	"github.com/authtriage/authtriage/report"
	"github.com/authtriage/authtriage/rules"
)

func newAnalyzeCmd(s Streams) *cobra.Command {
	var c commonFlags
	cmd := &cobra.Command{
		Use:   "analyze [flags] PATH...",
		Short: "Diagnose why requests failed authentication (HAR, curl -v, access logs)",
		Long: `Reads HAR files, curl -v / --trace-ascii transcripts and access logs (JSON lines, Common and
Combined Log Format) and reports, entry by entry, why requests were refused with 401, 403 or 400,
with the evidence (secrets redacted), the cause and the fix. PATH is a file, a folder (read
recursively) or - for stdin; .gz files are decompressed.`,
		Example: `  authtriage analyze customer.har
  authtriage analyze --format markdown customer.har > report.md
  authtriage analyze --format json transcript.txt | jq .findings`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("analyze needs at least one PATH (a file, a folder, or - for stdin)")
			}
			o, err := c.options(s)
			if err != nil {
				return err
			}
			if c.now != "" {
				return usagef("--now is for scan; analyze judges token times against each request's own time")
			}
			return runReport(cmd, s, &c, o, args, analyze.Run)
		},
	}
	c.register(cmd.Flags(), "none")
	cmd.Flags().MarkHidden("now") // scan's; refused above with the reason
	return cmd
}

// engine is analyze.Run or analyze.Scan.
type engine func(context.Context, []string, analyze.Options) (*analyze.Result, error)

// runReport runs an engine, writes the report and decides the exit code.
func runReport(cmd *cobra.Command, s Streams, c *commonFlags, o analyze.Options, args []string, run engine) error {
	if !c.quiet {
		o.OnError = func(e analyze.Error) { fmt.Fprintln(s.Err, "authtriage: "+e.Message) }
		if s.ErrTTY {
			p := newProgress(s.Err)
			o.Progress = p.update
			defer p.done()
		}
	}
	// the format is checked before a large input is read, not after
	w, err := report.New(c.format, report.Options{Terminal: s.OutTTY && c.output == "", Width: s.Width})
	if err != nil {
		return usageError{err}
	}
	res, err := run(cmd.Context(), args, o)
	if err != nil {
		return err
	}
	if err := writeOutput(s.Out, c.output, func(out io.Writer) error { return w.Write(out, res) }); err != nil {
		return err
	}
	return decideExit(res, c)
}

// decideExit applies the exit-code policy: 3 when an input yielded nothing
// (or any error under --strict), else 1 for findings at or above --fail-on.
func decideExit(res *analyze.Result, c *commonFlags) error {
	if n := res.FailedInputs(); n > 0 {
		return exitError{exitInput, fmt.Sprintf("%d input(s) yielded nothing", n)}
	}
	if c.strict && res.ErrorCount > 0 {
		return exitError{exitInput, fmt.Sprintf("%d input error(s) and --strict is set", res.ErrorCount)}
	}
	threshold, _ := rules.ParseSeverity(c.failOn)
	if len(res.Findings) > 0 && res.MaxSeverity() >= threshold {
		return exitError{exitFindings, ""}
	}
	return nil
}

// writeOutput writes to stdout, or to a temporary file beside path that is
// renamed over it only when complete, so an interrupted run never replaces a
// good report with half of one. The new file gets the old one's mode, or
// the umask's for a new file. Three kinds of path are written in place:
// stdout itself under another name (-o /dev/stdout, whatever stdout is
// redirected to, even with >>), a path that is not a regular file (-o
// /dev/null, a named pipe: renaming over it would replace the device or the
// pipe with a file), and any other path under /dev or /proc (/dev/fd/3),
// which names an open file, not a place for a new one. A symbolic link stays
// a link: the file it points to is replaced.
func writeOutput(stdout io.Writer, path string, write func(io.Writer) error) error {
	if path == "" || path == "-" {
		return write(stdout)
	}
	st, err := os.Stat(path)
	if err == nil && sameAsStdout(stdout, st) {
		return write(stdout)
	}
	if err == nil && (!st.Mode().IsRegular() || underDevOrProc(path)) {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
		if err != nil {
			return fmt.Errorf("-o %s: %w", path, unwrapPath(err))
		}
		if err := write(f); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("-o %s: %w", path, unwrapPath(err))
		}
		return nil
	}
	mode := newFileMode()
	if err == nil {
		mode = st.Mode().Perm()
	}
	target := path
	if t, err := filepath.EvalSymlinks(path); err == nil {
		target = t
	}
	tmp, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".tmp-*")
	if err != nil {
		return fmt.Errorf("-o %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(mode); err != nil { // CreateTemp makes it 0600
		tmp.Close()
		return fmt.Errorf("-o %s: %w", path, err)
	}
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("-o %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), target); err != nil {
		return fmt.Errorf("-o %s: %w", path, err)
	}
	return nil
}

// sameAsStdout reports whether st is the file stdout writes to.
func sameAsStdout(stdout io.Writer, st os.FileInfo) bool {
	f, ok := stdout.(*os.File)
	if !ok {
		return false
	}
	so, err := f.Stat()
	return err == nil && os.SameFile(st, so)
}

// underDevOrProc reports a path in /dev or /proc as written (made absolute).
func underDevOrProc(path string) bool {
	abs, err := filepath.Abs(path)
	if err != nil {
		return false
	}
	for _, dir := range []string{"/dev/", "/proc/"} {
		if strings.HasPrefix(abs, dir) {
			return true
		}
	}
	return false
}
