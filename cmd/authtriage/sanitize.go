package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/authtriage/authtriage/parsers"
	"github.com/authtriage/authtriage/sanitize"
)

func newSanitizeCmd(s Streams) *cobra.Command {
	var (
		output      string
		dryRun      bool
		dropClaims  []string
		inputFormat string
		maxLine     int
		quiet       bool
	)
	cmd := &cobra.Command{
		Use:   "sanitize [flags] IN",
		Short: "Write a shareable copy of a capture with every credential replaced",
		Long: `Writes a copy of a HAR file, curl transcript or log in which every credential is replaced by its
sanitized form <redacted:KIND:PREFIX:LEN:FP> — its kind, public prefix, length and fingerprint — so
the copy can be shared and still analyzed. A JWT keeps its header and payload (expiry, issuer,
audience and scope stay readable) and loses its signature. Everything else stays as it was: a HAR
stays a valid HAR with every entry, a transcript or log keeps its lines. IN is a file or - for
stdin; the copy goes to stdout, or to -o FILE (written to a temporary file, then renamed).`,
		Example: `  authtriage sanitize customer.har -o customer.sanitized.har
  authtriage sanitize --dry-run customer.har
  authtriage sanitize --drop-claims email,name,preferred_username transcript.txt > shareable.txt`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("sanitize needs exactly one input (a file, or - for stdin)")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			in := args[0]
			o := sanitize.Options{DropClaims: dropClaims, MaxLine: maxLine}
			var err error
			if o.Format, err = parseInputFormat(inputFormat); err != nil {
				return err
			}
			if err := checkMaxLine(maxLine); err != nil {
				return err
			}
			for _, c := range dropClaims {
				if strings.TrimSpace(c) == "" {
					return usagef("--drop-claims: empty claim name")
				}
			}
			if dryRun && output != "" {
				return usagef("--dry-run writes nothing: drop -o %s", output)
			}
			if output != "" && in != "-" && samePath(in, output) {
				return usagef("-o %s is the input: write the copy somewhere else", output)
			}
			if !quiet {
				o.OnWarning = func(w string) { fmt.Fprintln(s.Err, "authtriage: "+w) }
			}
			var src io.Reader = s.In
			name := "-"
			if in != "-" {
				f, err := os.Open(in)
				if err != nil {
					return exitError{exitInput, fmt.Sprintf("%s: %v", in, unwrapPath(err))}
				}
				defer f.Close()
				src, name = f, in
			}
			ctx := cmd.Context()
			o.Context = ctx
			if dryRun {
				return dryRunSanitize(ctx, s, src, name, o, quiet)
			}
			var st sanitize.Stats
			err = writeOutput(s.Out, output, func(w io.Writer) error {
				var err error
				bw := bufio.NewWriterSize(w, 64<<10)
				st, err = sanitize.Sanitize(src, bw, name, o)
				if ctx.Err() != nil {
					return ctx.Err()
				}
				if err != nil {
					return exitError{exitInput, err.Error()}
				}
				return bw.Flush()
			})
			if err != nil {
				return err
			}
			if !quiet {
				dest := "stdout"
				if output != "" {
					dest = output
				}
				fmt.Fprintf(s.Err, "authtriage: %s: %s; %d value(s) replaced, written to %s\n", name, sanitizeSummary(st), st.Replaced, dest)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&output, "output", "o", "", "write the copy to `FILE` (via a temporary file and a rename) instead of stdout")
	f.BoolVar(&dryRun, "dry-run", false, "list what would be replaced (redacted), write nothing")
	f.StringSliceVar(&dropClaims, "drop-claims", nil, "remove these `CLAIMS` from every JWT payload (which is then re-encoded), e.g. email,name")
	f.StringVar(&inputFormat, "input-format", "auto", "input format: auto, har, curl, jsonl, clf or text")
	f.IntVar(&maxLine, "max-line", parsers.DefaultOptions.MaxLine, "longest line kept in a text input, in `BYTES` (a longer one is left out, with a note)")
	f.BoolVarP(&quiet, "quiet", "q", false, "print nothing on stderr but fatal errors")
	return cmd
}

// dryRunSanitize lists the replacements, tab-separated, on stdout: where,
// the kind and the redacted display form. Nothing is written.
func dryRunSanitize(ctx context.Context, s Streams, src io.Reader, name string, o sanitize.Options, quiet bool) error {
	bw := bufio.NewWriter(s.Out)
	fmt.Fprintln(bw, "entry\tline\tfield\tkind\tdetector\tvalue")
	clean := strings.NewReplacer("\t", " ", "\n", " ", "\r", " ")
	o.OnReplace = func(r sanitize.Replacement) {
		entry, line := "-", "-"
		if r.Entry >= 0 {
			entry = strconv.Itoa(r.Entry)
		}
		if r.Line > 0 {
			line = strconv.Itoa(r.Line)
		}
		det := r.Detector
		if det == "" {
			det = "-"
		}
		fmt.Fprintf(bw, "%s\t%s\t%s\t%s\t%s\t%s\n", entry, line, clean.Replace(r.Field), r.Kind, det, clean.Replace(r.Display))
	}
	st, err := sanitize.Sanitize(src, io.Discard, name, o)
	if ferr := bw.Flush(); err == nil && ferr != nil {
		return ferr
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil {
		return exitError{exitInput, err.Error()}
	}
	if !quiet {
		fmt.Fprintf(s.Err, "authtriage: %s: %s; %d value(s) would be replaced (dry run: nothing written)\n", name, sanitizeSummary(st), st.Replaced)
	}
	return nil
}

func sanitizeSummary(st sanitize.Stats) string {
	if st.Format == parsers.FormatHAR {
		s := fmt.Sprintf("HAR, %d entries", st.Entries)
		if st.Truncated {
			s += " (truncated input)"
		}
		return s
	}
	return fmt.Sprintf("%s, %d lines", st.Format, st.Lines)
}

// samePath reports whether two paths name the same file.
func samePath(a, b string) bool {
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	if err1 == nil && err2 == nil {
		return os.SameFile(sa, sb)
	}
	aa, _ := filepath.Abs(a)
	bb, _ := filepath.Abs(b)
	return aa == bb
}
