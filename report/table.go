package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/authtriage/authtriage/analyze"
)

// Table writes aligned, width-limited tables on a terminal and plain
// tab-separated rows when piped (one header row per section, sections
// introduced by a "# name" line), so the output greps and cuts well.
type Table struct {
	Options Options
}

// maxEndpointRows bounds the endpoint table on a terminal.
const maxEndpointRows = 20

func (t Table) Write(w io.Writer, r *analyze.Result) error {
	if !t.Options.Terminal {
		return writeTSV(w, r)
	}
	width := t.Options.Width
	if width <= 0 {
		width = 120
	}
	if _, err := fmt.Fprintf(w, "authtriage: %s\n\n", headline(r)); err != nil {
		return err
	}
	if len(r.Findings) == 0 {
		fmt.Fprintln(w, "No findings.")
	} else {
		// Fixed widths for every column: tablewriter's total width limit
		// does not shrink a column whose width was fixed.
		ruleWidth := 4
		for i := range r.Findings {
			ruleWidth = max(ruleWidth, len(r.Findings[i].Rule))
		}
		// Widths include one space of padding on each side; five
		// borders frame four columns.
		sev, rule, loc := 6+2, ruleWidth+2, whereWidth+2
		text := max(width-sev-rule-loc-5, 32)
		tbl := newTerminalTable(w, width, map[int]int{0: sev, 1: rule, 2: loc, 3: text})
		tbl.Header("Sev", "Rule", "Where", "Finding")
		for i := range r.Findings {
			f := &r.Findings[i]
			loc := breakLong(where(f.Location), whereWidth)
			if occ := occurrenceList(f, 8); occ != "" {
				loc += "\n" + occ
			}
			cell := f.Message
			for _, e := range evidenceLines(f) {
				// A no-break space keeps the bullet with its text
				// when the cell wraps.
				cell += "\n•\u00a0" + e
			}
			if r.Command != analyze.ScanCommand {
				cell += "\nFix: " + f.Fix
			}
			if err := tbl.Append([]string{f.Severity, f.Rule, loc, cell}); err != nil {
				return err
			}
		}
		if err := tbl.Render(); err != nil {
			return err
		}
		if r.Command == analyze.ScanCommand {
			// one advice for every leak, said once
			fmt.Fprintf(w, "\nFix: %s\n", r.Findings[0].Fix)
		}
	}
	if err := t.endpoints(w, r, width); err != nil {
		return err
	}
	if line := sparkline(r.Summary.Timeline); line != "" {
		fmt.Fprintf(w, "\n401/403 per minute (UTC) %s … %s\n%s\n", r.Summary.Window.First, r.Summary.Window.Last, line)
	}
	if r.ErrorCount > 0 {
		fmt.Fprintf(w, "\n%d error(s) while reading the input (listed on stderr).\n", r.ErrorCount)
	}
	return nil
}

// whereWidth is the width of the location column; the free-text column
// gets the rest of the terminal.
const whereWidth = 28

// newTerminalTable builds an aligned table; widths fixes some columns so the
// free-text column gets the room.
func newTerminalTable(w io.Writer, width int, widths map[int]int) *tablewriter.Table {
	m := tw.NewMapper[int, int]()
	for col, n := range widths {
		m.Set(col, n)
	}
	return tablewriter.NewTable(w,
		tablewriter.WithColumnWidths(m),
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{Symbols: tw.NewSymbols(tw.StyleLight)})),
		tablewriter.WithMaxWidth(width),
		tablewriter.WithRowAutoWrap(tw.WrapNormal),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignment(tw.AlignLeft),
		tablewriter.WithTrimSpace(tw.Off),
	)
}

// breakLong inserts line breaks into words longer than width (a long file
// path), preferring to break after a '/', so a fixed-width column wraps them
// instead of cutting them.
func breakLong(s string, width int) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		var words []string
		for _, w := range strings.Split(line, " ") {
			for len(w) > width {
				cut := strings.LastIndexByte(w[:width], '/') + 1
				if cut <= 0 {
					cut = width
				}
				words = append(words, w[:cut]+"\n")
				w = w[cut:]
			}
			words = append(words, w)
		}
		out = append(out, strings.ReplaceAll(strings.Join(words, " "), "\n ", "\n"))
	}
	return strings.Join(out, "\n")
}

// endpoints writes the 401/403 rate table: endpoints with failures first.
func (t Table) endpoints(w io.Writer, r *analyze.Result, width int) error {
	var rows [][]string
	for _, e := range r.Summary.Endpoints {
		if e.S401 == 0 && e.S403 == 0 {
			continue
		}
		if len(rows) == maxEndpointRows {
			break
		}
		rows = append(rows, []string{e.Environment, e.Host, e.Method, e.Route, strconv.Itoa(e.Total),
			strconv.Itoa(e.S401), strconv.Itoa(e.S403), percent(e.Rate401), strconv.Itoa(e.Explained401) + "/" + strconv.Itoa(e.S401), causes(e.TopCauses)})
	}
	if len(rows) == 0 {
		return nil
	}
	fmt.Fprintln(w, "\n401/403 by endpoint")
	tbl := newTerminalTable(w, width, nil)
	tbl.Header("Env", "Host", "Method", "Route", "Total", "401", "403", "401 rate", "Explained", "Top causes")
	if err := tbl.Bulk(rows); err != nil {
		return err
	}
	return tbl.Render()
}

// sparkline draws failures per minute with block characters, one per
// minute, compressing to at most 80 columns.
func sparkline(tl []analyze.Minute) string {
	if len(tl) < 2 {
		return ""
	}
	bins, _ := binMinutes(tl, 80)
	max := 0
	for _, b := range bins {
		if v := b.S401 + b.S403; v > max {
			max = v
		}
	}
	if max == 0 {
		return ""
	}
	ticks := []rune("▁▂▃▄▅▆▇█")
	var sb strings.Builder
	for _, b := range bins {
		v := b.S401 + b.S403
		if v == 0 {
			sb.WriteRune(' ')
			continue
		}
		sb.WriteRune(ticks[(v*(len(ticks)-1)+max-1)/max])
	}
	return sb.String() + fmt.Sprintf("  (max %d/min)", max)
}

// writeTSV is the piped form: plain rows, no alignment. A scan's findings
// carry where a grep or an editor wants them (column, pointer) and what a
// leak is (detector, provider, environment, fingerprint); it has no
// endpoint table.
func writeTSV(w io.Writer, r *analyze.Result) error {
	var b strings.Builder
	b.WriteString("# findings\n")
	scan := r.Command == analyze.ScanCommand
	if scan {
		b.WriteString("severity\trule\tconfidence\tcount\tfile\tentry\tline\tcolumn\tpointer\tdetector\tprovider\tenvironment\tfingerprint\tmessage\tevidence\n")
	} else {
		b.WriteString("severity\trule\tconfidence\tcount\tfile\tentry\tline\tendpoint\tmessage\tevidence\tfix\n")
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		evidence := strings.Join(evidenceLines(f), " | ")
		if scan {
			writeTSVRow(&b, []string{f.Severity, f.Rule, f.Confidence, strconv.Itoa(f.Count), f.Location.File,
				strconv.Itoa(f.Location.Entry), strconv.Itoa(f.Location.Line), strconv.Itoa(f.Location.Column), f.Location.Pointer,
				f.Detector, f.Provider, f.Environment, f.Fingerprint, f.Message, evidence})
		} else {
			writeTSVRow(&b, []string{f.Severity, f.Rule, f.Confidence, strconv.Itoa(f.Count), f.Location.File,
				strconv.Itoa(f.Location.Entry), strconv.Itoa(f.Location.Line), f.Endpoint, f.Message, evidence, f.Fix})
		}
	}
	if !scan {
		b.WriteString("\n# endpoints\n")
		b.WriteString("environment\thost\tmethod\troute\ttotal\t401\t403\trate_401\trate_403\texplained_401\ttop_causes\n")
		for _, e := range r.Summary.Endpoints {
			writeTSVRow(&b, []string{e.Environment, e.Host, e.Method, e.Route, strconv.Itoa(e.Total), strconv.Itoa(e.S401),
				strconv.Itoa(e.S403), strconv.FormatFloat(e.Rate401, 'f', 4, 64), strconv.FormatFloat(e.Rate403, 'f', 4, 64),
				strconv.Itoa(e.Explained401), causes(e.TopCauses)})
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// tsvCell keeps a cell on its line and in its column.
var tsvCell = strings.NewReplacer("\t", " ", "\n", " ", "\r", " ")

func writeTSVRow(b *strings.Builder, cells []string) {
	for i, c := range cells {
		if i > 0 {
			b.WriteByte('\t')
		}
		tsvCell.WriteString(b, c)
	}
	b.WriteByte('\n')
}
