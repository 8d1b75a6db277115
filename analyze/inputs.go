package analyze

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
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
