package analyze

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
)

// inputSpec is one input to read: a file path, or "-" for stdin.
type inputSpec struct {
	path string
	// err is set when the path could not be expanded (missing, unreadable
	// folder); the input then fails.
	err error
}

// expandInputs turns PATH arguments into files: a folder is walked
// recursively (sorted, hidden entries skipped) and filtered by the include
// and exclude globs, which match the base name or the path.
func expandInputs(paths []string, include, exclude []string) []inputSpec {
	var out []inputSpec
	for _, p := range paths {
		if p == "-" {
			out = append(out, inputSpec{path: "-"})
			continue
		}
		st, err := os.Stat(p)
		if err != nil {
			out = append(out, inputSpec{path: p, err: err})
			continue
		}
		if !st.IsDir() {
			out = append(out, inputSpec{path: p})
			continue
		}
		var files []inputSpec
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				files = append(files, inputSpec{path: path, err: err})
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			name := d.Name()
			if path != p && strings.HasPrefix(name, ".") {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				return nil
			}
			if d.Type()&fs.ModeSymlink != 0 {
				// Follow links to files; a broken link is an input that
				// cannot be read, and must say so.
				st, err := os.Stat(path)
				if err != nil {
					files = append(files, inputSpec{path: path, err: err})
					return nil
				}
				if !st.Mode().IsRegular() {
					return nil
				}
			} else if !d.Type().IsRegular() {
				return nil
			}
			if !selected(path, include, exclude) {
				return nil
			}
			files = append(files, inputSpec{path: path})
			return nil
		})
		if err != nil {
			files = append(files, inputSpec{path: p, err: err})
		}
		sort.Slice(files, func(i, j int) bool { return files[i].path < files[j].path })
		out = append(out, files...)
	}
	return out
}

func selected(path string, include, exclude []string) bool {
	match := func(globs []string) bool {
		for _, g := range globs {
			if ok, _ := filepath.Match(g, filepath.Base(path)); ok {
				return true
			}
			if ok, _ := filepath.Match(g, path); ok {
				return true
			}
		}
		return false
	}
	if len(include) > 0 && !match(include) {
		return false
	}
	return !match(exclude)
}

// openInput opens a file, or standard input for "-" (stdin, else the
// process's). size is the file's size, -1 when unknown. The error names
// the path.
func openInput(path string, stdin io.Reader) (r io.ReadCloser, size int64, err error) {
	if path == "-" {
		if stdin == nil {
			stdin = os.Stdin
		}
		return io.NopCloser(stdin), -1, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, -1, pathError(path, err)
	}
	size = -1
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		size = st.Size()
	}
	return f, size, nil
}

// progressReader reports to fn, every 4 MiB and at the end, how many bytes
// of path have been read by all the readers that share total (the ranges
// of a file that scan reads in parallel).
type progressReader struct {
	r       io.Reader
	path    string
	size    int64
	total   *atomic.Int64
	fn      func(path string, read, size int64)
	pending int64
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.pending += int64(n)
	if p.pending >= 4<<20 || err != nil {
		read := p.total.Add(p.pending)
		p.pending = 0
		p.fn(p.path, read, p.size)
	}
	return n, err
}
