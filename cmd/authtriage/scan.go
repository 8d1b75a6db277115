package main

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/authtriage/authtriage/analyze"
)

func newScanCmd(s Streams) *cobra.Command {
	var c commonFlags
	var ignore []string
	cmd := &cobra.Command{
		Use:   "scan [flags] PATH...",
		Short: "Find credentials leaked into logs, captures and any text file (for CI)",
		Long: `Reads logs (JSON lines, Common/Combined Log Format, application logs), curl transcripts, HAR
files and any other text file, and reports every credential they hold in clear text: Authorization
values of any scheme, session cookies, API-key headers, token-named query and body fields, passwords
in URLs, and known formats (JWT, GitHub, Stripe, AWS, Slack, Google, OpenAI, Anthropic, …). Findings
show where (file:line:column, or the HAR entry and JSON pointer), the detector, provider and
environment, a JWT's issuer and expiry, the redacted value and a fingerprint — never the secret.

Exit 1 when a finding at or above --fail-on (default low) remains after --baseline and --ignore,
3 when an input could not be read (a gate must not pass on files it never read), 2 on usage errors.
PATH is a file, a folder (read recursively) or - for stdin; .gz files are decompressed.`,
		Example: `  authtriage scan logs/
  authtriage scan --format sarif -o scan.sarif logs/ captures/
  authtriage scan --format json logs/ > baseline.json       # accept what is there today
  authtriage scan --baseline baseline.json logs/            # fail only on new leaks
  authtriage scan --ignore .authtriageignore --fail-on medium logs/`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("scan needs at least one PATH (a file, a folder, or - for stdin)")
			}
			o, err := c.options(s)
			if err != nil {
				return err
			}
			if c.since != "" || c.until != "" {
				return usagef("--since/--until select exchanges by time for analyze; scan reads every line")
			}
			if len(c.enable) > 0 && !slices.Contains(c.enable, analyze.LeakedSecret) || slices.Contains(c.disable, analyze.LeakedSecret) {
				return usagef("scan reports %s findings only: it cannot be disabled", analyze.LeakedSecret)
			}
			if o.Now, err = parseTimeFlag("--now", c.now); err != nil {
				return err
			}
			for _, path := range ignore {
				if err := loadIgnore(path, &o); err != nil {
					return usageError{err}
				}
			}
			return runReport(cmd, s, &c, o, args, analyze.Scan)
		},
	}
	c.register(cmd.Flags(), "low")
	cmd.Flags().StringArrayVar(&ignore, "ignore", nil, "hide findings whose fingerprints `FILE` lists (one per line, # comments); repeatable")
	return cmd
}

// loadIgnore reads an ignore file: one fingerprint per line, blank lines
// and # comments (whole-line or trailing) ignored. A 32-hex entry is a
// finding fingerprint (the report's "fingerprint": one credential in one
// place of one file); a 12-hex entry is a credential fingerprint (what a
// display form shows after '#': that credential everywhere).
func loadIgnore(path string, o *analyze.Options) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("--ignore: %w", err)
	}
	defer f.Close()
	if o.Baseline == nil {
		o.Baseline = map[string]bool{}
	}
	if o.IgnoreCredentials == nil {
		o.IgnoreCredentials = map[string]bool{}
	}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		line = strings.ToLower(strings.TrimSpace(line))
		if line == "" {
			continue
		}
		switch {
		case len(line) == 32 && isHex(line):
			o.Baseline[line] = true
		case len(line) == 12 && isHex(line):
			o.IgnoreCredentials[line] = true
		default:
			return fmt.Errorf("--ignore %s:%d: want a finding fingerprint (32 hex characters) or a credential fingerprint (12), optionally followed by a # comment", path, n)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("--ignore %s: %w", path, err)
	}
	return nil
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
