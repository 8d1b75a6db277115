package report

import (
	"encoding/json"
	"io"

	"github.com/authtriage/authtriage/analyze"
)

// JSON writes the versioned document of DESIGN.md, indented, as exactly one
// JSON value.
type JSON struct{}

func (JSON) Write(w io.Writer, r *analyze.Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}
