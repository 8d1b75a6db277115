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

// Markdown writes a report for an issue tracker or a postmortem: a summary,
// one section per finding, the rate table and the timeline as a mermaid
// chart GitHub and GitLab render, followed by the same data as a table.
type Markdown struct{}

// maxChartBars bounds the mermaid chart; longer timelines are binned.
const maxChartBars = 60

func (Markdown) Write(w io.Writer, r *analyze.Result) error {
	var b strings.Builder
	b.WriteString("# authtriage report\n\n")
	b.WriteString(mdText(headline(r)) + ".\n\n")
	if err := mdTable(&b, []string{"Input", "Format", "Schema", "Exchanges", "Records", "Errors"}, inputRows(r)); err != nil {
		return err
	}
	b.WriteString("\n## Findings\n\n")
	if len(r.Findings) == 0 {
		b.WriteString("No findings.\n")
	} else {
		var rows [][]string
		for i := range r.Findings {
			f := &r.Findings[i]
			rows = append(rows, []string{strconv.Itoa(i + 1), f.Severity, "`" + f.Rule + "`", mdCell(where(f.Location)), strconv.Itoa(f.Count), mdCell(f.Title)})
		}
		if err := mdTable(&b, []string{"#", "Severity", "Rule", "Where", "Count", "Title"}, rows); err != nil {
			return err
		}
		for i := range r.Findings {
			writeMDFinding(&b, i+1, &r.Findings[i])
		}
	}
	if err := writeMDEndpoints(&b, r); err != nil {
		return err
	}
	if err := writeMDTimeline(&b, r); err != nil {
		return err
	}
	if len(r.Errors) > 0 {
		fmt.Fprintf(&b, "\n## Input errors (%d)\n\n", r.ErrorCount)
		for _, e := range r.Errors {
			b.WriteString("- " + mdText(e.Message) + "\n")
		}
		if r.ErrorsTruncated {
			b.WriteString("- …\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func inputRows(r *analyze.Result) [][]string {
	var rows [][]string
	for _, in := range r.Inputs {
		format := in.Format
		if in.Failed != "" {
			format = "unreadable"
		}
		rows = append(rows, []string{mdCell(in.Path), format, mdCell(in.Schema), strconv.Itoa(in.Exchanges), strconv.Itoa(in.Records), strconv.Itoa(in.Errors)})
	}
	return rows
}

func writeMDFinding(b *strings.Builder, n int, f *analyze.Finding) {
	fmt.Fprintf(b, "\n### %d. `%s` (%s) — %s\n\n", n, f.Rule, f.Severity, mdText(where(f.Location)))
	b.WriteString(mdText(f.Message) + "\n\n")
	for _, e := range f.Evidence {
		b.WriteString("- " + mdText(e.Field) + ": " + mdCode(e.Value) + "\n")
	}
	if occ := occurrenceList(f, 20); occ != "" {
		b.WriteString("- Occurrences: " + mdText(occ) + "\n")
	}
	for _, rel := range f.Related {
		b.WriteString("- Related: " + mdText(where(rel.Location)))
		if rel.Note != "" {
			b.WriteString(" — " + mdText(rel.Note))
		}
		b.WriteString("\n")
	}
	b.WriteString("- **Fix:** " + mdText(f.Fix) + "\n")
	fmt.Fprintf(b, "- Confidence: %s · fingerprint `%s`\n", f.Confidence, f.Fingerprint)
}

func writeMDEndpoints(b *strings.Builder, r *analyze.Result) error {
	var rows [][]string
	for _, e := range r.Summary.Endpoints {
		rows = append(rows, []string{e.Environment, mdCell(e.Host), e.Method, mdCell(e.Route), strconv.Itoa(e.Total),
			strconv.Itoa(e.S401), strconv.Itoa(e.S403), percent(e.Rate401), percent(e.Rate403), strconv.Itoa(e.Explained401), mdCell(causes(e.TopCauses))})
		if len(rows) == 100 {
			break
		}
	}
	if len(rows) == 0 {
		return nil
	}
	b.WriteString("\n## 401 and 403 by endpoint\n\n")
	if err := mdTable(b, []string{"Environment", "Host", "Method", "Route", "Total", "401", "403", "401 rate", "403 rate", "401 explained", "Top causes"}, rows); err != nil {
		return err
	}
	if n := len(r.Summary.Endpoints); n > len(rows) {
		fmt.Fprintf(b, "\n%d more endpoints in the JSON report.\n", n-len(rows))
	}
	return nil
}

func writeMDTimeline(b *strings.Builder, r *analyze.Result) error {
	tl := r.Summary.Timeline
	if len(tl) == 0 {
		return nil
	}
	w := r.Summary.Window
	fmt.Fprintf(b, "\n## Timeline (UTC)\n\nFirst request %s, last %s; first 401 %s, last 401 %s.\n\n", orDash(w.First), orDash(w.Last), orDash(w.First401), orDash(w.Last401))
	bins, step := binMinutes(tl, maxChartBars)
	var labels, totals, s401, s403 []string
	max := 1
	for _, m := range bins {
		labels = append(labels, strconv.Quote(chartLabel(m.Minute)))
		totals = append(totals, strconv.Itoa(m.Total))
		s401 = append(s401, strconv.Itoa(m.S401))
		s403 = append(s403, strconv.Itoa(m.S403))
		if m.Total > max {
			max = m.Total
		}
	}
	per := "minute"
	if step > 1 {
		per = strconv.Itoa(step) + " minutes"
	}
	b.WriteString("```mermaid\nxychart-beta\n")
	fmt.Fprintf(b, "    title \"Requests and 401s per %s (UTC)\"\n", per)
	fmt.Fprintf(b, "    x-axis [%s]\n", strings.Join(labels, ", "))
	fmt.Fprintf(b, "    y-axis \"requests\" 0 --> %d\n", max)
	fmt.Fprintf(b, "    bar [%s]\n", strings.Join(totals, ", "))
	fmt.Fprintf(b, "    line [%s]\n", strings.Join(s401, ", "))
	fmt.Fprintf(b, "    line [%s]\n", strings.Join(s403, ", "))
	b.WriteString("```\n\nBars: all requests; lines: 401 and 403.\n\n")
	var rows [][]string
	for _, m := range tl {
		if m.S401 == 0 && m.S403 == 0 && len(tl) > maxChartBars {
			continue // keep the table to the minutes that matter
		}
		rows = append(rows, []string{m.Minute, strconv.Itoa(m.Total), strconv.Itoa(m.S401), strconv.Itoa(m.S403)})
		if len(rows) == 500 {
			break
		}
	}
	return mdTable(b, []string{"Minute (UTC)", "Requests", "401", "403"}, rows)
}

// binMinutes merges consecutive minutes so at most n bars remain.
func binMinutes(tl []analyze.Minute, n int) ([]analyze.Minute, int) {
	if len(tl) <= n {
		return tl, 1
	}
	step := (len(tl) + n - 1) / n
	var out []analyze.Minute
	for i := 0; i < len(tl); i += step {
		m := analyze.Minute{Minute: tl[i].Minute}
		for j := i; j < i+step && j < len(tl); j++ {
			m.Total += tl[j].Total
			m.S401 += tl[j].S401
			m.S403 += tl[j].S403
		}
		out = append(out, m)
	}
	return out, step
}

// chartLabel is HH:MM of an RFC 3339 minute.
func chartLabel(minute string) string {
	if len(minute) >= 16 {
		return minute[11:16]
	}
	return minute
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// mdTable renders a GitHub table with tablewriter's markdown renderer. Cells
// must be escaped by the caller (mdCell): the renderer does not escape.
func mdTable(b *strings.Builder, header []string, rows [][]string) error {
	tbl := tablewriter.NewTable(b,
		tablewriter.WithRenderer(renderer.NewMarkdown()),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignment(tw.AlignLeft),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAutoWrap(tw.WrapNone),
	)
	h := make([]any, len(header))
	for i, s := range header {
		h[i] = s
	}
	tbl.Header(h...)
	if err := tbl.Bulk(rows); err != nil {
		return err
	}
	return tbl.Render()
}

// mdTextEscaper escapes text for markdown prose: HTML-looking parts
// (<redacted:…>) would otherwise vanish as tags, and emphasis characters
// would reformat.
var mdTextEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`, "|", `\|`, "\r", " ", "\n", " ")

// mdCellEscaper escapes text for a table cell: pipes and newlines break
// rows.
var mdCellEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "|", `\|`, "\r\n", "<br>", "\n", "<br>", "\r", "<br>", "`", "\\`")

var oneLine = strings.NewReplacer("\r", " ", "\n", " ")

func mdText(s string) string { return mdTextEscaper.Replace(s) }

func mdCell(s string) string { return mdCellEscaper.Replace(s) }

// mdCode wraps a value in a code span long enough for the backticks inside.
func mdCode(s string) string {
	s = oneLine.Replace(s)
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}
