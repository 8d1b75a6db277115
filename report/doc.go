// Package report renders an analysis result: table (tablewriter, aligned on
// a terminal and tab-separated when piped), markdown (with a mermaid
// timeline), json (the versioned document) and sarif. Each format is one type
// with one method writing to an io.Writer.
package report
