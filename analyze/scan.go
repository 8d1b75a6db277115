package analyze

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"sync/atomic"
	"time"

	"github.com/authtriage/authtriage/parsers"
	"github.com/authtriage/authtriage/rules"
	"github.com/authtriage/authtriage/secrets"
)

// The scan engine (`authtriage scan`): every credential in every input,
// reported as leaked-secret findings in the same Result document as analyze.
//
// Inputs are read as lines (logs, transcripts, any text) or, for a HAR,
// structurally. Work is split into tasks: a whole input, or a byte range of
// a large uncompressed file. Ranges start and end at line boundaries, so no
// line (and no secret) is ever cut; each task counts the lines it reads,
// and the line numbers of a range are made exact when the tasks of a file
// are merged in order. Tasks run on GOMAXPROCS workers, so several files,
// and the parts of one large file, are scanned in parallel; each task holds
// one line and its grouped findings, so memory does not grow with the input.

// ScanCommand is Result.Command for a scan.
const ScanCommand = "scan"

// Split sizes: a regular file of at least 2*minRange bytes is cut into
// ranges of about size/(workers*rangesPerWorker), within [minRange,
// maxRange]. Several ranges per worker even out their speeds.
var (
	minRange int64 = 4 << 20
	maxRange int64 = 64 << 20
)

const rangesPerWorker = 4

// Scan reads every input and reports every credential it holds. The error
// is for usage problems; problems with inputs are in the Result (an input
// that could not be read, or not to the end, is marked Failed).
func Scan(ctx context.Context, paths []string, o Options) (*Result, error) {
	rs, err := rules.Select(o.Enable, o.Disable)
	if err != nil {
		return nil, err
	}
	enabled := false
	for _, r := range rs {
		enabled = enabled || r.Meta().ID == LeakedSecret
	}
	if !enabled {
		return nil, fmt.Errorf("scan reports %s findings only, and the rule selection leaves it out", LeakedSecret)
	}
	o.setDefaults()
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	meta, _ := rules.Lookup(LeakedSecret)
	specs := expandInputs(paths, o.Include, o.Exclude)
	files := make([]*scanFile, len(specs))
	var tasks []*scanTask
	for i, spec := range specs {
		files[i] = planScan(spec, &o)
		tasks = append(tasks, files[i].tasks...)
	}
	// Largest first, so a big file's ranges do not trail behind small
	// files (each file keeps its own tasks in order for assemble).
	sort.SliceStable(tasks, func(i, j int) bool { return tasks[i].size() > tasks[j].size() })
	err = parallel(ctx, len(tasks), o.Workers, func() func(int) {
		sc := secrets.NewScanner() // its cache of recent matches is the worker's
		return func(i int) { tasks[i].run(ctx, &o, meta, sc) }
	})
	if err != nil {
		return nil, err
	}
	onErr := o.errorReporter()
	results := make([]*fileResult, len(files))
	for i, f := range files {
		results[i] = f.assemble(&o, onErr)
	}
	res := merge(results, &o)
	res.Command = ScanCommand
	return res, nil
}

// LeakedSecret is the rule ID of every scan finding.
const LeakedSecret = "leaked-secret"

// scanFile is one input and the tasks that read it.
type scanFile struct {
	spec   inputSpec
	format parsers.Format
	size   int64
	failed error
	tasks  []*scanTask
	read   atomic.Int64 // bytes read so far, for progress
}

// scanTask reads a whole input, or the byte range [start, end) of a regular
// file, which begins at a line start and ends after a line end.
type scanTask struct {
	file       *scanFile
	whole      bool
	start, end int64
	out        *scanSink
}

func (t *scanTask) size() int64 {
	if t.whole {
		return t.file.size
	}
	return t.end - t.start
}

// planScan looks at an input (size, compression, format) and cuts it into
// tasks. Only an uncompressed regular file in a line format is split.
func planScan(spec inputSpec, o *Options) *scanFile {
	f := &scanFile{spec: spec, size: -1}
	whole := func() *scanFile {
		f.tasks = []*scanTask{{file: f, whole: true}}
		return f
	}
	if spec.err != nil {
		f.failed = pathError(spec.path, spec.err)
		return f
	}
	if spec.path == "-" {
		return whole()
	}
	fh, err := os.Open(spec.path)
	if err != nil {
		f.failed = pathError(spec.path, err)
		return f
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return whole()
	}
	f.size = st.Size()
	chunk := min(max(f.size/int64(o.Workers*rangesPerWorker), minRange), maxRange)
	if o.Workers < 2 || f.size < 2*chunk || o.InputFormat == parsers.FormatHAR {
		return whole()
	}
	head := make([]byte, 32<<10)
	n, _ := io.ReadFull(fh, head)
	head = head[:n]
	if len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b {
		return whole()
	}
	format := o.InputFormat
	if format == "" || format == "auto" {
		format = parsers.Sniff(head, spec.path)
	}
	if format == parsers.FormatHAR {
		return whole()
	}
	f.format = format
	// Cut points move forward to just after the next newline.
	var cuts []int64
	for at := chunk; at < f.size; at += chunk {
		c, err := nextLineStart(fh, at, f.size)
		if err != nil {
			return whole()
		}
		if c < f.size && (len(cuts) == 0 || c > cuts[len(cuts)-1]) {
			cuts = append(cuts, c)
		}
	}
	start := int64(0)
	for _, c := range append(cuts, f.size) {
		f.tasks = append(f.tasks, &scanTask{file: f, start: start, end: c})
		start = c
	}
	return f
}

// nextLineStart returns the offset just after the first '\n' at or after at,
// or size when there is none.
func nextLineStart(r io.ReaderAt, at, size int64) (int64, error) {
	buf := make([]byte, 64<<10)
	for at < size {
		n, err := r.ReadAt(buf, at)
		if i := bytes.IndexByte(buf[:n], '\n'); i >= 0 {
			return at + int64(i) + 1, nil
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return 0, err
		}
		if n == 0 {
			break
		}
		at += int64(n)
	}
	return size, nil
}

// run reads the task's bytes into its sink.
func (t *scanTask) run(ctx context.Context, o *Options, meta *rules.Meta, sc *secrets.Scanner) {
	f := t.file
	s := newScanSink(f.spec.path, meta, o, sc)
	t.out = s
	if !t.whole {
		fh, err := os.Open(f.spec.path)
		if err != nil {
			s.fail(pathError(f.spec.path, err))
			return
		}
		defer fh.Close()
		r := io.Reader(io.NewSectionReader(fh, t.start, t.end-t.start))
		s.format = f.format
		s.scanLines(ctx, f.progress(r, o))
		return
	}
	src, _, err := openInput(f.spec.path, o.Stdin)
	if err != nil {
		s.fail(err)
		return
	}
	defer src.Close()
	br, gz, err := parsers.Decompressed(f.progress(src, o), o.Parser)
	if err != nil {
		s.fail(fmt.Errorf("%s: %w", f.spec.path, err))
		return
	}
	if gz {
		ra := newReadAhead(br)
		defer ra.Close()
		br = bufio.NewReaderSize(ra, 64<<10)
	}
	format := o.InputFormat
	if format == "" || format == "auto" {
		head, _ := br.Peek(32 << 10)
		format = parsers.Sniff(head, f.spec.path)
	}
	s.format = format
	if format != parsers.FormatHAR {
		s.scanLines(ctx, br)
		return
	}
	// A HAR is walked structurally; one that does not parse to the end
	// (truncated, hand-edited, YAML) is scanned again as text from the
	// start, so no part of it goes unread. Standard input is kept in a
	// temporary file for that second reading.
	reopen := func() (io.ReadCloser, *bufio.Reader, error) {
		fh, err := os.Open(f.spec.path)
		if err != nil {
			return nil, nil, err
		}
		r, _, err := parsers.Decompressed(fh, o.Parser)
		if err != nil {
			fh.Close()
			return nil, nil, err
		}
		return fh, r, nil
	}
	if f.spec.path == "-" {
		tmp, err := os.CreateTemp("", "authtriage-stdin-*")
		if err != nil {
			s.fail(fmt.Errorf("-: keeping standard input for a second reading: %w", err))
			return
		}
		defer os.Remove(tmp.Name())
		_, err = io.Copy(tmp, br)
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			s.fail(fmt.Errorf("-: %w", err))
			return
		}
		reopen = func() (io.ReadCloser, *bufio.Reader, error) {
			fh, err := os.Open(tmp.Name())
			if err != nil {
				return nil, nil, err
			}
			return fh, bufio.NewReaderSize(fh, 64<<10), nil
		}
		fh, r, err := reopen()
		if err != nil {
			s.fail(fmt.Errorf("-: %w", err))
			return
		}
		defer fh.Close()
		br = r
	}
	herr := s.scanHAR(ctx, br)
	if herr == nil || ctx.Err() != nil {
		return
	}
	fh, r, err := reopen()
	if err != nil {
		s.fail(fmt.Errorf("%s: %w", f.spec.path, err))
		return
	}
	defer fh.Close()
	retry := newScanSink(f.spec.path, meta, o, sc)
	retry.format = parsers.FormatText
	pe := &parsers.ParseError{File: f.spec.path, Entry: -1, Offset: -1}
	if !errors.As(herr, &pe) {
		pe.Err = herr
	}
	perr := *pe
	perr.Fatal = false
	perr.Err = fmt.Errorf("%w; the file was scanned as text instead", perr.Err)
	retry.parseError(&perr)
	retry.scanLines(ctx, r)
	t.out = retry
}

// progress wraps an input reader so that o.Progress sees the bytes read by
// every task of the file.
func (f *scanFile) progress(r io.Reader, o *Options) io.Reader {
	if o.Progress == nil {
		return r
	}
	return &progressReader{r: r, path: f.spec.path, size: f.size, total: &f.read, fn: o.Progress}
}

// assemble merges the tasks of a file in order: line numbers of each range
// are shifted by the lines of the ranges before it.
func (f *scanFile) assemble(o *Options, onErr func(Error)) *fileResult {
	fr := &fileResult{input: Input{Path: f.spec.path, Format: string(f.format)}, agg: newAggregator(o.MaxGroups), stats: newStats()}
	if f.failed != nil {
		fr.input.Format = ""
		fr.input.Failed = f.failed.Error()
		fr.addError(Error{File: f.spec.path, Entry: -1, Offset: -1, Message: f.failed.Error()}, o, onErr)
		return fr
	}
	lines := 0
	for _, t := range f.tasks {
		s := t.out
		if s == nil { // cancelled before it ran
			continue
		}
		if s.format != "" {
			fr.input.Format = string(s.format)
		}
		fr.agg.mergeFrom(s.agg, lines)
		for _, pe := range s.perrs {
			if pe.Line > 0 {
				pe.Line += lines
			}
			if pe.Offset >= 0 && !t.whole {
				pe.Offset += t.start
			}
			fr.addError(Error{File: pe.File, Line: pe.Line, Entry: pe.Entry, Offset: pe.Offset, Message: pe.Error()}, o, onErr)
		}
		fr.input.Errors += s.nperr
		fr.nerr += s.nperr - len(s.perrs)
		fr.stats.creds.merge(s.creds)
		fr.input.Records += s.records
		lines += s.lines
		if s.failed != nil && fr.input.Failed == "" {
			fr.input.Failed = s.failed.Error()
			fr.input.Errors++
			fr.addError(Error{File: f.spec.path, Entry: -1, Offset: -1, Message: s.failed.Error()}, o, onErr)
		}
	}
	return fr
}

// mergeFrom adds another aggregator's groups (a later range of the same
// file), shifting its line numbers by delta.
func (a *aggregator) mergeFrom(src *aggregator, delta int) {
	gs := make([]*group, 0, len(src.groups))
	for _, g := range src.groups {
		gs = append(gs, g)
	}
	sort.Slice(gs, func(i, j int) bool { return gs[i].order < gs[j].order })
	for _, sg := range gs {
		for i := range sg.occ {
			if sg.occ[i].Line > 0 {
				sg.occ[i].Line += delta
			}
		}
		if sg.f.Location.Line > 0 {
			sg.f.Location.Line += delta
		}
		f := sg.f
		key, g := a.find(&f)
		if g == nil {
			g = a.newGroup(key, sg.meta, f)
			g.severity, g.confidence = sg.severity, sg.confidence
		}
		g.count += sg.count
		g.severity = max(g.severity, sg.severity)
		g.confidence = max(g.confidence, sg.confidence)
		room := maxOccurrences - len(g.occ)
		if room >= len(sg.occ) {
			g.occ = append(g.occ, sg.occ...)
		} else {
			g.occ = append(g.occ, sg.occ[:max(room, 0)]...)
			g.truncated = true
		}
		g.truncated = g.truncated || sg.truncated
	}
}

// readAhead decompresses on its own goroutine while the caller scans, so a
// .gz input uses two cores: gunzip runs at about the speed of the
// detectors. It holds at most cap(ch)+1 blocks.
type readAhead struct {
	ch   chan readBlock
	done chan struct{}
	cur  readBlock
	off  int
}

type readBlock struct {
	b   []byte
	err error
}

const readAheadBlock = 1 << 20

func newReadAhead(r io.Reader) *readAhead {
	ra := &readAhead{ch: make(chan readBlock, 4), done: make(chan struct{})}
	go func() {
		defer close(ra.ch)
		for {
			b := make([]byte, readAheadBlock)
			n, err := io.ReadFull(r, b)
			if errors.Is(err, io.ErrUnexpectedEOF) {
				err = io.EOF
			}
			select {
			case ra.ch <- readBlock{b[:n], err}:
			case <-ra.done:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return ra
}

func (ra *readAhead) Read(p []byte) (int, error) {
	for ra.off == len(ra.cur.b) {
		if ra.cur.err != nil {
			return 0, ra.cur.err
		}
		blk, ok := <-ra.ch
		if !ok {
			return 0, io.EOF
		}
		ra.cur, ra.off = blk, 0
	}
	n := copy(p, ra.cur.b[ra.off:])
	ra.off += n
	return n, nil
}

// Close stops the goroutine when the reader is abandoned early.
func (ra *readAhead) Close() { close(ra.done) }
