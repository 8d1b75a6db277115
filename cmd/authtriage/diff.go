package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/authtriage/authtriage/analyze"
	"github.com/authtriage/authtriage/parsers"
	"github.com/authtriage/authtriage/report"
	"github.com/authtriage/authtriage/secrets"
)

func newDiffCmd(s Streams) *cobra.Command {
	var (
		format, output, inputFormat string
		envConfig                   string
		maxLine, maxBody            int
		quiet                       bool
	)
	cmd := &cobra.Command{
		Use:   "diff [flags] GOOD BAD",
		Short: "Show what differs in authentication between a working and a failing capture",
		Long: `Compares a capture where requests work (GOOD: from Postman, curl, another machine) with one where
they fail (BAD: from the app). Both may be any input kind: HAR, curl -v transcript, access log.
Requests are paired by method and route template (the same host preferred); for each pair where
one side succeeded and the other got 401 or 403, the table shows what differs in authentication:
the scheme, the credential (same one or not, by fingerprint), the token's claims (iss, aud,
scope, and exp judged against each request's own time), the host's environment, credential
headers present or absent, cookies, Origin and HTTP version. Credentials appear only in display
form (kind, prefix, length, fingerprint).`,
		Example: `  authtriage diff postman.har app.har
  authtriage diff --format markdown works.txt fails.txt > diff.md`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 2 {
				return usagef("diff needs two inputs: GOOD BAD (a file, or - for stdin)")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if format == "" {
				format = "table"
			}
			if format != "table" && format != "markdown" && format != "md" {
				return usagef("--format: diff writes table or markdown, not %q", format)
			}
			o := analyze.DiffOptions{Stdin: s.In, Parser: parsers.Options{MaxLine: maxLine, MaxBody: maxBody}}
			var err error
			if o.InputFormat, err = parseInputFormat(inputFormat); err != nil {
				return err
			}
			if err := checkMaxLine(maxLine); err != nil {
				return err
			}
			if envConfig != "" {
				cfg, err := loadEnvConfig(envConfig)
				if err != nil {
					return usageError{err}
				}
				o.Env = secrets.NewEnvResolver(cfg)
			}
			if args[0] == "-" && args[1] == "-" {
				return usagef("only one of GOOD and BAD can be - (stdin)")
			}
			if !quiet {
				o.OnError = func(e analyze.Error) { fmt.Fprintln(s.Err, "authtriage: "+e.Message) }
			}
			res, err := analyze.Diff(cmd.Context(), args[0], args[1], o)
			if err != nil {
				return err
			}
			var failed []string
			for _, in := range []analyze.DiffInput{res.Good, res.Bad} {
				if in.Failed != "" {
					failed = append(failed, in.Failed)
				}
				if !quiet && in.Skipped > 0 {
					fmt.Fprintf(s.Err, "authtriage: %s: %d exchange(s) beyond the limit not compared\n", in.Path, in.Skipped)
				}
			}
			if len(failed) > 0 {
				for _, f := range failed[:len(failed)-1] {
					fmt.Fprintln(s.Err, "authtriage: "+f)
				}
				return exitError{exitInput, failed[len(failed)-1]}
			}
			ro := report.Options{Terminal: s.OutTTY && output == "", Width: s.Width}
			return writeOutput(s.Out, output, func(w io.Writer) error { return report.WriteDiff(w, format, res, ro) })
		},
	}
	f := cmd.Flags()
	f.StringVar(&format, "format", "", "output format: table or markdown (default: table)")
	f.StringVarP(&output, "output", "o", "", "write the comparison to `FILE` (written to a temporary file, then renamed)")
	f.StringVar(&inputFormat, "input-format", "auto", "input format of both inputs: auto, har, curl, jsonl, clf or text")
	f.StringVar(&envConfig, "env-config", "", "declare your own production/sandbox hosts and key patterns: a YAML or JSON `FILE` (as analyze)")
	f.IntVar(&maxLine, "max-line", parsers.DefaultOptions.MaxLine, "longest line read, in `BYTES`")
	f.IntVar(&maxBody, "max-body", parsers.DefaultOptions.MaxBody, "largest body decoded, in `BYTES`")
	f.BoolVarP(&quiet, "quiet", "q", false, "print nothing on stderr but fatal errors")
	return cmd
}
