package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/authtriage/authtriage/analyze"
	"github.com/authtriage/authtriage/parsers"
	"github.com/authtriage/authtriage/report"
	"github.com/authtriage/authtriage/rules"
	"github.com/authtriage/authtriage/secrets"
)

// commonFlags are the flags every reading command shares (DESIGN.md, CLI
// contract).
type commonFlags struct {
	format      string
	output      string
	inputFormat string
	fields      []string
	enable      []string
	disable     []string
	failOn      string
	baseline    string
	color       string
	strict      bool
	quiet       bool
	leeway      time.Duration
	now         string
	since       string
	until       string
	include     []string
	exclude     []string
	maxLine     int
	maxBody     int
	maxDepth    int
	maxGz       int64
	maxRatio    int64
	maxFindings int
	envConfig   string
	retryN      int
	retryWindow time.Duration
}

func (c *commonFlags) register(fs *pflag.FlagSet, defaultFailOn string) {
	fs.StringVar(&c.format, "format", "", "report format: table, markdown, json or sarif (default: table)")
	fs.StringVarP(&c.output, "output", "o", "", "write the report to `FILE` (written to a temporary file, then renamed)")
	fs.StringVar(&c.inputFormat, "input-format", "auto", "input format: auto, har, curl, jsonl, clf or text")
	fs.StringArrayVar(&c.fields, "field", nil, "map a log field: `NAME=PATH` (gjson path), e.g. --field authorization=req.hdr.auth")
	fs.StringSliceVar(&c.enable, "enable", nil, "run only these rule `IDs` (comma-separated)")
	fs.StringSliceVar(&c.disable, "disable", nil, "do not run these rule `IDs` (comma-separated)")
	fs.StringVar(&c.failOn, "fail-on", defaultFailOn, "exit 1 when a finding is at or above `SEVERITY`: none, info, low, medium or high")
	fs.StringVar(&c.baseline, "baseline", "", "hide findings listed in an earlier JSON report `FILE`")
	fs.StringVar(&c.color, "color", "auto", "colour: auto, always or never (accepted for scripts; reports are plain text)")
	fs.BoolVar(&c.strict, "strict", false, "treat any input error as fatal (exit 3)")
	fs.BoolVarP(&c.quiet, "quiet", "q", false, "print nothing on stderr but fatal errors")
	fs.DurationVar(&c.leeway, "leeway", 60*time.Second, "clock skew tolerated when judging token times")
	fs.StringVar(&c.now, "now", "", "the current time as `RFC3339`, for \"is this credential still valid\" (default: the clock)")
	fs.StringVar(&c.since, "since", "", "ignore exchanges before `TIME` (RFC3339)")
	fs.StringVar(&c.until, "until", "", "ignore exchanges at or after `TIME` (RFC3339)")
	fs.StringSliceVar(&c.include, "include", nil, "in folders, read only files matching these `GLOBS`")
	fs.StringSliceVar(&c.exclude, "exclude", nil, "in folders, skip files matching these `GLOBS`")
	fs.IntVar(&c.maxLine, "max-line", parsers.DefaultOptions.MaxLine, "longest line read, in `BYTES` (longer lines are skipped with an error)")
	fs.IntVar(&c.maxBody, "max-body", parsers.DefaultOptions.MaxBody, "largest body decoded, in `BYTES`")
	fs.IntVar(&c.maxDepth, "max-depth", parsers.DefaultOptions.MaxDepth, "deepest JSON nesting walked in bodies")
	fs.Int64Var(&c.maxGz, "max-decompressed", parsers.DefaultOptions.MaxDecompressed, "largest size a .gz input may expand to, in `BYTES`")
	fs.Int64Var(&c.maxRatio, "max-ratio", parsers.DefaultOptions.MaxRatio, "largest expansion ratio of a .gz input (a gzip bomb stops with an error)")
	fs.IntVar(&c.maxFindings, "max-findings", analyze.DefaultMaxGroups, "distinct findings kept per rule and input; the rest fold into one (counts stay exact)")
	fs.StringVar(&c.envConfig, "env-config", "", "declare your own production/sandbox hosts and key patterns: a YAML or JSON `FILE` (see the README)")
	fs.IntVar(&c.retryN, "retry-threshold", 5, "retry-storm: `N` identical refused requests within --retry-window make a storm")
	fs.DurationVar(&c.retryWindow, "retry-window", 60*time.Second, "retry-storm: the `DURATION` within which --retry-threshold refusals make a storm")
}

// options validates the flags and builds engine options.
func (c *commonFlags) options(s Streams) (analyze.Options, error) {
	o := analyze.Options{Enable: c.enable, Disable: c.disable, Include: c.include, Exclude: c.exclude, ToolVersion: toolVersion(), Stdin: s.In}
	if _, err := rules.Select(c.enable, c.disable); err != nil {
		return o, usageError{err}
	}
	if c.format == "" {
		c.format = "table"
	}
	if _, err := report.New(c.format, report.Options{}); err != nil {
		return o, usageError{err}
	}
	switch c.color {
	case "auto", "always", "never":
	default:
		return o, usagef("--color: want auto, always or never, not %q", c.color)
	}
	if _, err := rules.ParseSeverity(c.failOn); err != nil {
		return o, usagef("--fail-on: %v", err)
	}
	var err error
	if o.InputFormat, err = parseInputFormat(c.inputFormat); err != nil {
		return o, err
	}
	if c.leeway < 0 {
		return o, usagef("--leeway must not be negative")
	}
	o.Config = rules.DefaultConfig()
	o.Config.Leeway = c.leeway
	if c.retryN < 2 || c.retryN > rules.MaxRetryThreshold {
		return o, usagef("--retry-threshold must be between 2 and %d", rules.MaxRetryThreshold)
	}
	if c.retryWindow <= 0 {
		return o, usagef("--retry-window must be positive")
	}
	o.Config.RetryThreshold, o.Config.RetryWindow = c.retryN, c.retryWindow
	if c.envConfig != "" {
		cfg, err := loadEnvConfig(c.envConfig)
		if err != nil {
			return o, usageError{err}
		}
		o.Config.Env = secrets.NewEnvResolver(cfg)
	}
	o.Parser = parsers.Options{MaxLine: c.maxLine, MaxBody: c.maxBody, MaxDepth: c.maxDepth, MaxDecompressed: c.maxGz, MaxRatio: c.maxRatio}
	o.MaxGroups = c.maxFindings
	if c.maxBody < 1 || c.maxDepth < 1 || c.maxGz < 1 || c.maxRatio < 1 || c.maxFindings < 1 {
		return o, usagef("--max-body, --max-depth, --max-decompressed, --max-ratio and --max-findings must be positive")
	}
	if err := checkMaxLine(c.maxLine); err != nil {
		return o, err
	}
	if len(c.fields) > 0 {
		o.Parser.Fields = map[string]string{}
		for _, f := range c.fields {
			name, path, ok := strings.Cut(f, "=")
			if !ok || name == "" || path == "" {
				return o, usagef("--field %q: want NAME=PATH", f)
			}
			if !knownLogField(name) {
				return o, usagef("--field %q: unknown name %q (want one of %s, or header.NAME)", f, name, strings.Join(parsers.LogFieldNames(), ", "))
			}
			o.Parser.Fields[strings.ToLower(name)] = path
		}
	}
	if o.Since, err = parseTimeFlag("--since", c.since); err != nil {
		return o, err
	}
	if o.Until, err = parseTimeFlag("--until", c.until); err != nil {
		return o, err
	}
	if c.baseline != "" {
		if o.Baseline, err = loadBaseline(c.baseline); err != nil {
			return o, usageError{err}
		}
	}
	return o, nil
}

// parseInputFormat reads --input-format ("" for auto), for every command.
func parseInputFormat(v string) (parsers.Format, error) {
	switch f := parsers.Format(v); f {
	case "auto":
		return "", nil
	case parsers.FormatHAR, parsers.FormatCurl, parsers.FormatJSONL, parsers.FormatCLF, parsers.FormatText:
		return f, nil
	}
	return "", usagef("--input-format: want auto, har, curl, jsonl, clf or text, not %q", v)
}

// checkMaxLine enforces DESIGN.md's floor: readers accept lines of at least
// 1 MiB.
func checkMaxLine(n int) error {
	if n < 1<<20 {
		return usagef("--max-line must be at least 1 MiB (1048576)")
	}
	return nil
}

func knownLogField(name string) bool {
	n := strings.ToLower(name)
	if strings.HasPrefix(n, "header.") && len(n) > len("header.") {
		return true
	}
	for _, f := range parsers.LogFieldNames() {
		if f == n {
			return true
		}
	}
	return false
}

func parseTimeFlag(name, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, usagef("%s: want RFC3339 (2026-11-30T06:40:00Z): %v", name, err)
	}
	return t, nil
}

// loadBaseline reads the fingerprints of an earlier JSON report.
func loadBaseline(path string) (map[string]bool, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--baseline: %w", err)
	}
	var doc struct {
		Version  int `json:"version"`
		Findings []struct {
			Fingerprint string `json:"fingerprint"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("--baseline %s: not an authtriage JSON report: %v", path, err)
	}
	if doc.Version != analyze.SchemaVersion {
		return nil, fmt.Errorf("--baseline %s: report version %d, want %d", path, doc.Version, analyze.SchemaVersion)
	}
	set := map[string]bool{}
	for _, f := range doc.Findings {
		if f.Fingerprint != "" {
			set[f.Fingerprint] = true
		}
	}
	return set, nil
}
