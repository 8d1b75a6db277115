package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/authtriage/authtriage/analyze"
	"github.com/authtriage/authtriage/parsers"
)

// DiffFormats lists the formats of a diff.
var DiffFormats = []string{"table", "markdown"}

// WriteDiff renders a diff of two captures: "table" (aligned on a terminal,
// tab-separated when piped) or "markdown". Every value in it is a display
// form or a fingerprint.
func WriteDiff(w io.Writer, format string, r *analyze.DiffResult, o Options) error {
	switch format {
	case "table":
		if o.Terminal {
			return diffTerminal(w, r, o)
		}
		return diffTSV(w, r)
	case "markdown", "md":
		return diffMarkdown(w, r)
	}
	return fmt.Errorf("unknown format %q for diff (want %s)", format, strings.Join(DiffFormats, ", "))
}

// diffHeadline is the one-paragraph summary.
func diffHeadline(r *analyze.DiffResult) string {
	side := func(in analyze.DiffInput) string {
		n := "exchanges"
		if in.Exchanges == 1 {
			n = "exchange"
		}
		return fmt.Sprintf("%s (%s, %d %s)", in.Path, in.Format, in.Exchanges, n)
	}
	s := "GOOD " + side(r.Good) + " vs BAD " + side(r.Bad) + ": "
	switch len(r.Pairs) {
	case 0:
		s += "no request succeeded on one side and was refused (401/403) on the other"
	case 1:
		s += "1 request pair where one side succeeded and the other was refused"
	default:
		s += strconv.Itoa(len(r.Pairs)) + " request pairs where one side succeeded and the other was refused"
	}
	s += fmt.Sprintf("; %d route(s) on both sides, %d with the same outcome", r.Routes, r.SameOutcome)
	if r.OnlyGoodCount+r.OnlyBadCount > 0 {
		s += fmt.Sprintf("; %d only in GOOD, %d only in BAD", r.OnlyGoodCount, r.OnlyBadCount)
	}
	return s
}

// pairTitle is "GET /v1/me: GOOD 200 (good.har entry 3) vs BAD 401 (bad.har entry 5)".
func pairTitle(p *analyze.DiffPair) string {
	side := func(q analyze.DiffRequest) string {
		s := parsers.StatusString(q.Status) + " (" + where(q.Location)
		if q.Time != "" {
			s += ", " + q.Time
		}
		return s + ")"
	}
	return p.Endpoint + ": GOOD " + side(p.Good) + " vs BAD " + side(p.Bad)
}

func diffTerminal(w io.Writer, r *analyze.DiffResult, o Options) error {
	width := o.Width
	if width <= 0 {
		width = 120
	}
	if _, err := fmt.Fprintf(w, "authtriage diff: %s.\n", diffHeadline(r)); err != nil {
		return err
	}
	for i := range r.Pairs {
		p := &r.Pairs[i]
		fmt.Fprintf(w, "\n%d. %s\n", i+1, pairTitle(p))
		aspect := 12
		for _, row := range p.Rows {
			aspect = max(aspect, len(row.Aspect))
		}
		aspect = min(aspect, 32) + 2
		note := 22 + 2
		val := max((width-aspect-note-5)/2, 20)
		tbl := newTerminalTable(w, width, map[int]int{0: aspect, 1: val, 2: val, 3: note})
		tbl.Header("Aspect", "GOOD", "BAD", "")
		for _, row := range p.Rows {
			n := row.Note
			if row.Differs {
				n = "≠ " + n
			}
			if err := tbl.Append([]string{row.Aspect, row.Good, row.Bad, n}); err != nil {
				return err
			}
		}
		if err := tbl.Render(); err != nil {
			return err
		}
	}
	writeOnly(w, r, func(s string) string { return s })
	return nil
}

func writeOnly(w io.Writer, r *analyze.DiffResult, esc func(string) string) {
	for _, side := range []struct {
		name  string
		list  []string
		count int
	}{{"GOOD", r.OnlyGood, r.OnlyGoodCount}, {"BAD", r.OnlyBad, r.OnlyBadCount}} {
		if side.count == 0 {
			continue
		}
		fmt.Fprintf(w, "\nOnly in %s (%d):\n", side.name, side.count)
		for _, e := range side.list {
			fmt.Fprintf(w, "- %s\n", esc(e))
		}
		if side.count > len(side.list) {
			fmt.Fprintln(w, "- …")
		}
	}
}

// diffTSV writes one header line per pair ("# n<TAB>endpoint<TAB>GOOD
// …<TAB>BAD …") and then the rows: aspect, GOOD, BAD, note, differs.
func diffTSV(w io.Writer, r *analyze.DiffResult) error {
	var b strings.Builder
	b.WriteString("# " + diffHeadline(r) + "\n")
	for i := range r.Pairs {
		p := &r.Pairs[i]
		b.WriteString("\n")
		writeTSVRow(&b, []string{"# pair " + strconv.Itoa(i+1), p.Endpoint,
			"GOOD " + parsers.StatusString(p.Good.Status) + " " + where(p.Good.Location) + " " + p.Good.Time,
			"BAD " + parsers.StatusString(p.Bad.Status) + " " + where(p.Bad.Location) + " " + p.Bad.Time})
		b.WriteString("aspect\tgood\tbad\tnote\tdiffers\n")
		for _, row := range p.Rows {
			writeTSVRow(&b, []string{row.Aspect, row.Good, row.Bad, row.Note, strconv.FormatBool(row.Differs)})
		}
	}
	writeOnlyTSV(&b, r)
	_, err := io.WriteString(w, b.String())
	return err
}

func writeOnlyTSV(b *strings.Builder, r *analyze.DiffResult) {
	if r.OnlyGoodCount+r.OnlyBadCount == 0 {
		return
	}
	b.WriteString("\n# endpoints on one side only\nside\tendpoint\n")
	for _, e := range r.OnlyGood {
		writeTSVRow(b, []string{"good", e})
	}
	for _, e := range r.OnlyBad {
		writeTSVRow(b, []string{"bad", e})
	}
}

func diffMarkdown(w io.Writer, r *analyze.DiffResult) error {
	var b strings.Builder
	b.WriteString("# authtriage diff\n\n")
	b.WriteString(mdText(diffHeadline(r)) + ".\n")
	for i := range r.Pairs {
		p := &r.Pairs[i]
		fmt.Fprintf(&b, "\n## %d. %s\n\n", i+1, mdText(p.Endpoint))
		side := func(q analyze.DiffRequest) string {
			s := parsers.StatusString(q.Status) + ", " + mdText(where(q.Location))
			if q.Time != "" {
				s += ", " + q.Time
			}
			return s
		}
		fmt.Fprintf(&b, "GOOD: %s · BAD: %s\n\n", side(p.Good), side(p.Bad))
		var rows [][]string
		for _, row := range p.Rows {
			n := mdCell(row.Note)
			if row.Differs {
				n = "**" + n + "**"
			}
			rows = append(rows, []string{mdCell(row.Aspect), mdCell(row.Good), mdCell(row.Bad), n})
		}
		if err := mdTable(&b, []string{"Aspect", "GOOD", "BAD", "Note"}, rows); err != nil {
			return err
		}
	}
	writeOnly(&b, r, mdText)
	_, err := io.WriteString(w, b.String())
	return err
}
