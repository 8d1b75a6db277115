package analyze

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
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
	o.setDefaults()
	specs := expandInputs(paths, o.Include, o.Exclude)
	results := make([]*fileResult, len(specs))
	onErr := o.errorReporter()
	err := parallel(ctx, len(specs), o.Workers, func() func(int) {
		return func(i int) { results[i] = analyzeInput(ctx, specs[i], &o, onErr) }
	})
	if err != nil {
		return nil, err
	}
	return merge(results, &o), nil
}

// parallel calls work(i) for every i in [0, n), in order, on up to workers
// goroutines; newWorker makes each goroutine's work function (so a worker
// can keep state of its own). Once ctx is done no more work is handed out,
// and parallel returns ctx's error.
func parallel(ctx context.Context, n, workers int, newWorker func() func(int)) error {
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers && w < n; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work := newWorker()
			for i := range next {
				work(i)
			}
		}()
	}
	for i := 0; i < n && ctx.Err() == nil; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	return ctx.Err()
}

// setDefaults fills in what the caller left zero.
func (o *Options) setDefaults() {
	if o.Config.Env == nil {
		o.Config.Env = rules.DefaultConfig().Env
	}
	if o.MaxErrors <= 0 {
		o.MaxErrors = 1000
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
}

// errorReporter returns o.OnError made safe for the concurrent workers (a
// no-op when it is unset).
func (o *Options) errorReporter() func(Error) {
	if o.OnError == nil {
		return func(Error) {}
	}
	var mu sync.Mutex
	return func(e Error) {
		mu.Lock()
		defer mu.Unlock()
		o.OnError(e)
	}
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

// sortFindings orders findings by severity (high first), rule, file and
// position, keeping the order of ties.
func sortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(
			cmp.Compare(b.severity, a.severity),
			strings.Compare(a.Rule, b.Rule),
			strings.Compare(a.Location.File, b.Location.File),
			cmp.Compare(a.Location.Entry, b.Location.Entry),
			cmp.Compare(a.Location.Line, b.Location.Line),
		)
	})
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
		return fail(pathError(spec.path, spec.err))
	}
	in, size, err := openInput(spec.path, o.Stdin)
	if err != nil {
		return fail(err)
	}
	defer in.Close()
	var src io.Reader = in
	if o.Progress != nil {
		src = &progressReader{r: src, path: spec.path, size: size, total: new(atomic.Int64), fn: o.Progress}
	}
	rd, err := parsers.Open(src, spec.path, o.InputFormat, o.Parser)
	if err != nil {
		return fail(fmt.Errorf("%s: %w", spec.path, err))
	}
	fr.input.Format = string(rd.Format())
	run := newFileRun(fr, o, onErr)
	err = readRecords(ctx, rd, spec.path, run.record, func(e Error) {
		fr.input.Errors++
		fr.addError(e, o, onErr)
	})
	if err != nil {
		return fr // cancelled: Run reports that
	}
	run.finish(rd)
	fr.input.Schema = rd.Schema()
	if fr.input.Records == 0 {
		why := "no complete record could be read"
		if fr.input.Errors == 0 {
			why = "the input is empty"
		}
		fr.input.Failed = fmt.Sprintf("%s: %s", spec.path, why)
		if fr.input.Errors == 0 {
			fr.addError(Error{File: spec.path, Entry: -1, Offset: -1, Message: fr.input.Failed}, o, onErr)
		}
	}
	return fr
}

// readRecords reads rd to its end, handing every record to fn and every
// error, with its position, to fail, in input order. A per-record error does
// not stop it; an error that ends the input does. It returns ctx's error
// when ctx is done (checked every 4096 records).
//
// Reading runs on its own goroutine, a few batches ahead of fn: on a large
// log the reader and the rules each take about half the time of a line, so
// on one big input the two overlap instead of taking turns. The batches are
// bounded by count and by the bytes their records hold, so a HAR with large
// bodies keeps the same flat memory.
func readRecords(ctx context.Context, rd parsers.Reader, path string, fn func(*parsers.Record), fail func(Error)) error {
	const maxCount, maxBytes = 256, 1 << 20
	type item struct {
		rec *parsers.Record
		err *Error
	}
	batches := make(chan []item, 2)
	var readErr error
	go func() {
		defer close(batches)
		var batch []item
		size := 0
		add := func(it item, n int) {
			batch = append(batch, it)
			if size += n; len(batch) >= maxCount || size >= maxBytes {
				batches <- batch
				batch, size = nil, 0
			}
		}
		readErr = readEach(ctx, rd, path,
			func(rec *parsers.Record) { add(item{rec: rec}, recordBytes(rec)) },
			func(e Error) { add(item{err: &e}, len(e.Message)) })
		if len(batch) > 0 {
			batches <- batch
		}
	}()
	for batch := range batches {
		for _, it := range batch {
			if it.err != nil {
				fail(*it.err)
			} else {
				fn(it.rec)
			}
		}
	}
	return readErr // written before batches was closed
}

// recordBytes is about what a record holds in memory, for bounding batches:
// its text, headers, path and bodies (the parts that grow with the input).
func recordBytes(rec *parsers.Record) int {
	n := 256 + len(rec.Text)
	if x := rec.Exchange; x != nil {
		n += len(x.Request.URL.Path) + len(x.Request.Body.Text) + headerBytes(x.Request.Headers)
		if x.Response != nil {
			n += len(x.Response.Body.Text) + headerBytes(x.Response.Headers)
		}
	}
	return n
}

func headerBytes(hs parsers.Headers) (n int) {
	for _, h := range hs {
		n += len(h.Name) + len(h.Value) + h.Secret.Len()
	}
	return n
}

// readEach is readRecords' loop, on the reading goroutine.
func readEach(ctx context.Context, rd parsers.Reader, path string, fn func(*parsers.Record), fail func(Error)) error {
	for n := 0; ; n++ {
		if n%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			var pe *parsers.ParseError
			if !errors.As(err, &pe) {
				fail(Error{File: path, Entry: -1, Offset: -1, Message: fmt.Sprintf("%s: %v", path, err)})
				return nil
			}
			fail(Error{File: pe.File, Line: pe.Line, Entry: pe.Entry, Offset: pe.Offset, Message: pe.Error()})
			if rec == nil {
				if pe.Fatal {
					return nil
				}
				continue
			}
		}
		if rec != nil {
			fn(rec)
		}
	}
}

func (fr *fileResult) addError(e Error, o *Options, onErr func(Error)) {
	fr.nerr++
	if len(fr.errors) < o.MaxErrors {
		fr.errors = append(fr.errors, e)
	}
	onErr(e)
}

// pathError is "path: no such file or directory": the error without the
// path an *os.PathError would repeat.
func pathError(path string, err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Errorf("%s: %w", path, err)
}
