package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/authtriage/authtriage/analyze"
)

// Options say how the output device looks.
type Options struct {
	// Terminal is true when stdout is a terminal: tables are aligned and
	// width-limited; otherwise they are tab-separated.
	Terminal bool
	// Width is the terminal width (0: 120).
	Width int
}

// Writer renders a result in one format.
type Writer interface {
	Write(w io.Writer, r *analyze.Result) error
}

// Formats lists the names accepted by New.
var Formats = []string{"table", "markdown", "json", "sarif"}

// New returns the writer of a format name.
func New(format string, o Options) (Writer, error) {
	switch format {
	case "table":
		return Table{Options: o}, nil
	case "markdown", "md":
		return Markdown{}, nil
	case "json":
		return JSON{}, nil
	case "sarif":
		return SARIF{}, nil
	}
	return nil, fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats, ", "))
}

// where is "file entry 12" or "file:34[:5]" for a location.
func where(l analyze.Location) string {
	switch {
	case l.Entry >= 0 && l.Pointer != "" && l.Pointer != "/log/entries/"+strconv.Itoa(l.Entry):
		// scan: the value inside the entry
		return fmt.Sprintf("%s entry %d %s", l.File, l.Entry, l.Pointer)
	case l.Entry >= 0:
		return fmt.Sprintf("%s entry %d", l.File, l.Entry)
	case l.Line > 0 && l.Column > 0:
		return fmt.Sprintf("%s:%d:%d", l.File, l.Line, l.Column)
	case l.Line > 0:
		return fmt.Sprintf("%s:%d", l.File, l.Line)
	}
	return l.File
}

// occurrenceList is "entries 3, 7, 9 …" for a finding's other occurrences.
func occurrenceList(f *analyze.Finding, max int) string {
	if f.Count <= 1 {
		return ""
	}
	var parts []string
	for i, o := range f.Occurrences {
		if i == max {
			parts = append(parts, "…")
			break
		}
		if o.File != f.Location.File {
			parts = append(parts, where(o))
		} else if o.Entry >= 0 {
			parts = append(parts, strconv.Itoa(o.Entry))
		} else {
			parts = append(parts, strconv.Itoa(o.Line))
		}
	}
	unit := "lines"
	if f.Location.Entry >= 0 {
		unit = "entries"
	}
	return fmt.Sprintf("%d× (%s %s)", f.Count, unit, strings.Join(parts, ", "))
}

// evidenceLines renders evidence as "field: value" lines.
func evidenceLines(f *analyze.Finding) []string {
	out := make([]string, 0, len(f.Evidence))
	for _, e := range f.Evidence {
		out = append(out, e.Field+": "+e.Value)
	}
	return out
}

// headline summarises the run in one sentence.
func headline(r *analyze.Result) string {
	s := r.Summary
	var b strings.Builder
	if r.Command == analyze.ScanCommand {
		records := 0
		for _, in := range r.Inputs {
			records += in.Records
		}
		fmt.Fprintf(&b, "scan of %d input(s), %d line(s) or HAR entries read, %d finding(s), %d distinct credential(s)", len(r.Inputs), records, len(r.Findings), s.Credentials)
		if r.ErrorCount > 0 {
			fmt.Fprintf(&b, ", %d input error(s)", r.ErrorCount)
		}
		if r.Suppressed > 0 {
			fmt.Fprintf(&b, ", %d hidden by the baseline or ignore file", r.Suppressed)
		}
		return b.String()
	}
	fmt.Fprintf(&b, "%d input(s), %d exchange(s)", len(r.Inputs), s.Exchanges)
	n401, n403 := s.Status["401"], s.Status["403"]
	fmt.Fprintf(&b, ", %d×401 (%d explained)", n401, s.Explained401)
	fmt.Fprintf(&b, ", %d×403 (%d explained)", n403, s.Explained403)
	fmt.Fprintf(&b, ", %d finding(s)", len(r.Findings))
	if r.ErrorCount > 0 {
		fmt.Fprintf(&b, ", %d input error(s)", r.ErrorCount)
	}
	if r.Suppressed > 0 {
		fmt.Fprintf(&b, ", %d hidden by the baseline", r.Suppressed)
	}
	return b.String()
}

// percent formats a rate in [0,1].
func percent(f float64) string { return strconv.FormatFloat(f*100, 'f', 1, 64) + "%" }

// causes renders top causes "expired-token ×3, bearer-twice ×1".
func causes(cs []analyze.Cause) string {
	var parts []string
	for _, c := range cs {
		parts = append(parts, fmt.Sprintf("%s ×%d", c.Rule, c.Count))
	}
	return strings.Join(parts, ", ")
}
