package analyze

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/authtriage/authtriage/parsers"
	"github.com/authtriage/authtriage/rules"
)

// Options configure a run.
type Options struct {
	// Enable and Disable select rules by ID (unknown IDs are an error).
	Enable, Disable []string
	Config          rules.Config
	// InputFormat forces a reader ("" or "auto" sniffs).
	InputFormat parsers.Format
	Parser      parsers.Options
	// Since and Until keep exchanges whose time is within [Since, Until);
	// zero means unbounded. Records without a time are kept.
	Since, Until time.Time
	// Include and Exclude filter files found in folders.
	Include, Exclude []string
	// Baseline holds finding fingerprints to hide (an earlier report, an
	// ignore file).
	Baseline map[string]bool
	// IgnoreCredentials holds credential fingerprints (the 12 hex
	// characters a display form shows after '#') whose findings are hidden
	// wherever they are (an ignore file's entry for a known test key).
	IgnoreCredentials map[string]bool
	// Now is the time scan judges "is this credential still valid"
	// against (--now); zero means the clock.
	Now time.Time
	// Workers is how many inputs are read at once (default GOMAXPROCS).
	Workers int
	// ToolVersion goes into the report.
	ToolVersion string
	// Stdin is read for the path "-".
	Stdin io.Reader
	// OnError, when set, receives every error as it happens (the CLI
	// prints them on stderr).
	OnError func(Error)
	// Progress, when set, is called as bytes of an input are read.
	Progress func(path string, read, size int64)
	// MaxErrors caps the errors kept in the result (the count stays exact).
	MaxErrors int
	// MaxGroups caps the distinct findings kept per rule and input
	// (--max-findings); counts stay exact.
	MaxGroups int
}

// Run reads every input and analyses it. The error is for usage problems
// (an unknown rule); problems with inputs are in the Result.
func Run(ctx context.Context, paths []string, o Options) (*Result, error) {
	if _, err := rules.Select(o.Enable, o.Disable); err != nil {
		return nil, err
	}
	if o.Config.Env == nil {
		def := rules.DefaultConfig()
		def.Leeway, def.RetryThreshold, def.RetryWindow = o.Config.Leeway, o.Config.RetryThreshold, o.Config.RetryWindow
		o.Config.Env = def.Env
	}
	if o.MaxErrors <= 0 {
		o.MaxErrors = 1000
	}
	specs := expandInputs(paths, o.Include, o.Exclude)
	results := make([]*fileResult, len(specs))
	workers := o.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var wg sync.WaitGroup
	next := make(chan int)
	var errMu sync.Mutex
	onErr := func(e Error) {
		if o.OnError != nil {
			errMu.Lock()
			o.OnError(e)
			errMu.Unlock()
		}
	}
	for w := 0; w < workers && w < len(specs); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = analyzeInput(ctx, specs[i], &o, onErr)
			}
		}()
	}
	for i := range specs {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return merge(results, &o), nil
}

// fileResult is what one input produced.
type fileResult struct {
	input  Input
	agg    *aggregator
	stats  *stats
	errors []Error
	nerr   int
}

// merge combines the inputs' results in input order.
func merge(results []*fileResult, o *Options) *Result {
	r := &Result{Version: SchemaVersion, Tool: Tool{Name: "authtriage", Version: o.ToolVersion}, Inputs: []Input{}, Findings: []Finding{}, Errors: []Error{}}
	st := newStats()
	for _, fr := range results {
		if fr == nil {
			continue
		}
		r.Inputs = append(r.Inputs, fr.input)
		st.merge(fr.stats)
		for _, f := range fr.agg.findings() {
			if o.Baseline[f.Fingerprint] || o.IgnoreCredentials[f.credential] {
				r.Suppressed++
				continue
			}
			r.Findings = append(r.Findings, f)
		}
		r.ErrorCount += fr.nerr
		for _, e := range fr.errors {
			if len(r.Errors) < o.MaxErrors {
				r.Errors = append(r.Errors, e)
			}
		}
	}
	r.ErrorsTruncated = r.ErrorCount > len(r.Errors)
	sortFindings(r.Findings)
	r.Summary = st.summary(o.Config.Env)
	return r
}

// sortFindings orders findings of several inputs: severity, rule, file,
// position (each input's findings are already in this order).
func sortFindings(fs []Finding) {
	sortStable(fs, func(a, b *Finding) bool {
		if a.severity != b.severity {
			return a.severity > b.severity
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		if a.Location.File != b.Location.File {
			return a.Location.File < b.Location.File
		}
		if a.Location.Entry != b.Location.Entry {
			return a.Location.Entry < b.Location.Entry
		}
		return a.Location.Line < b.Location.Line
	})
}

// countingReader reports progress.
type countingReader struct {
	r     io.Reader
	n     int64
	size  int64
	path  string
	every int64
	last  int64
	fn    func(string, int64, int64)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.fn != nil && c.n-c.last >= c.every {
		c.last = c.n
		c.fn(c.path, c.n, c.size)
	}
	return n, err
}

// analyzeInput reads one input to the end.
func analyzeInput(ctx context.Context, spec inputSpec, o *Options, onErr func(Error)) *fileResult {
	fr := &fileResult{input: Input{Path: spec.path}, agg: newAggregator(o.MaxGroups), stats: newStats()}
	fail := func(err error) *fileResult {
		fr.input.Failed = err.Error()
		fr.addError(Error{File: spec.path, Entry: -1, Offset: -1, Message: err.Error()}, o, onErr)
		return fr
	}
	if spec.err != nil {
		return fail(fmt.Errorf("%s: %w", spec.path, unwrapPathError(spec.err)))
	}
	var src io.Reader
	var size int64 = -1
	if spec.path == "-" {
		src = o.Stdin
		if src == nil {
			src = os.Stdin
		}
	} else {
		f, err := os.Open(spec.path)
		if err != nil {
			return fail(fmt.Errorf("%s: %w", spec.path, unwrapPathError(err)))
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil {
			size = st.Size()
		}
		src = f
	}
	if o.Progress != nil {
		src = &countingReader{r: src, size: size, path: spec.path, every: 4 << 20, fn: o.Progress}
	}
	rd, err := parsers.Open(src, spec.path, o.InputFormat, o.Parser)
	if err != nil {
		return fail(fmt.Errorf("%s: %w", spec.path, err))
	}
	fr.input.Format = string(rd.Format())
	run := newFileRun(fr, o, onErr)
	var firstErr error
	for n := 0; ; n++ {
		if n%4096 == 0 && ctx.Err() != nil {
			break
		}
		rec, err := rd.Next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			if firstErr == nil {
				firstErr = err
			}
			var pe *parsers.ParseError
			if errors.As(err, &pe) {
				fr.input.Errors++
				fr.addError(Error{File: pe.File, Line: pe.Line, Entry: pe.Entry, Offset: pe.Offset, Message: pe.Error()}, o, onErr)
				if rec == nil {
					if pe.Fatal {
						break
					}
					continue
				}
			} else {
				fr.input.Errors++
				fr.addError(Error{File: spec.path, Entry: -1, Offset: -1, Message: fmt.Sprintf("%s: %v", spec.path, err)}, o, onErr)
				break
			}
		}
		run.record(rec)
	}
	run.finish(rd)
	fr.input.Schema = rd.Schema()
	if fr.input.Records == 0 {
		why := "no complete record could be read"
		if firstErr == nil {
			why = "the input is empty"
		}
		fr.input.Failed = fmt.Sprintf("%s: %s", spec.path, why)
		if firstErr == nil {
			fr.addError(Error{File: spec.path, Entry: -1, Offset: -1, Message: fr.input.Failed}, o, onErr)
		}
	}
	return fr
}

func (fr *fileResult) addError(e Error, o *Options, onErr func(Error)) {
	fr.nerr++
	if len(fr.errors) < o.MaxErrors {
		fr.errors = append(fr.errors, e)
	}
	onErr(e)
}

// unwrapPathError keeps "no such file or directory" without repeating the
// path that the caller already names.
func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
