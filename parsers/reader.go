package parsers

// Reader yields the records of one input.
type Reader interface {
	// Next returns the next record. io.EOF ends the input. A *ParseError
	// reports one bad record; reading goes on unless its Fatal is set. Any
	// other error ends the input.
	Next() (*Record, error)
	// Schema names the producer once known (chrome, firefox, nginx, caddy,
	// curl7, ...), "" when unknown.
	Schema() string
	// Format is the input format.
	Format() Format
}

// Options holds the limits and mappings readers apply.
type Options struct {
	// MaxLine is the longest line a line reader accepts; longer lines are
	// skipped with an error. At least 1 MiB.
	MaxLine int
	// MaxBody caps a decoded body; the rest is dropped and Truncated set.
	MaxBody int
	// MaxFields caps the parsed body fields per body.
	MaxFields int
	// MaxDepth caps JSON nesting walked in bodies.
	MaxDepth int
	// MaxDecompressed caps the bytes a .gz input may expand to, and
	// MaxRatio the expansion ratio (checked after the first MiB), so a
	// gzip bomb stops with a clear error instead of filling memory or disk.
	MaxDecompressed int64
	MaxRatio        int64
	// Fields maps model names to JSON paths for log schemas we do not know
	// (--field NAME=PATH).
	Fields map[string]string
}

// DefaultOptions are the limits used when a field is zero.
var DefaultOptions = Options{
	MaxLine:         4 << 20,
	MaxBody:         1 << 20,
	MaxFields:       256,
	MaxDepth:        32,
	MaxDecompressed: 20 << 30,
	MaxRatio:        1000,
}

// withDefaults fills zero limits.
func (o Options) withDefaults() Options {
	d := DefaultOptions
	if o.MaxLine <= 0 {
		o.MaxLine = d.MaxLine
	}
	if o.MaxBody <= 0 {
		o.MaxBody = d.MaxBody
	}
	if o.MaxFields <= 0 {
		o.MaxFields = d.MaxFields
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = d.MaxDepth
	}
	if o.MaxDecompressed <= 0 {
		o.MaxDecompressed = d.MaxDecompressed
	}
	if o.MaxRatio <= 0 {
		o.MaxRatio = d.MaxRatio
	}
	return o
}
