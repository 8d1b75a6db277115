package analyze

import (
	"github.com/authtriage/authtriage/rules"
)

// SchemaVersion is the version of the JSON document.
const SchemaVersion = 1

// Result is the whole outcome of a run, shaped as the JSON document of
// DESIGN.md. Slices are never nil so JSON shows [] rather than null.
type Result struct {
	Version int  `json:"version"`
	Tool    Tool `json:"tool"`
	// Command is "scan" for a scan's report, empty for analyze.
	Command  string    `json:"command,omitempty"`
	Inputs   []Input   `json:"inputs"`
	Summary  Summary   `json:"summary"`
	Findings []Finding `json:"findings"`
	Errors   []Error   `json:"errors"`
	// ErrorsTruncated is true when more errors occurred than are listed;
	// ErrorCount is exact.
	ErrorsTruncated bool `json:"errors_truncated"`
	ErrorCount      int  `json:"error_count"`
	// Suppressed counts findings hidden by a baseline or ignore file.
	Suppressed int `json:"suppressed"`
}

// Tool names the producer of the document.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Input is one file (or stdin) as read.
type Input struct {
	Path      string `json:"path"`
	Format    string `json:"format"`
	Schema    string `json:"schema"`
	Exchanges int    `json:"exchanges"`
	Records   int    `json:"records"`
	Errors    int    `json:"errors"`
	// Failed is set when the input yielded nothing (exit code 3).
	Failed string `json:"failed,omitempty"`
}

// Summary holds the statistics.
type Summary struct {
	Exchanges int `json:"exchanges"`
	// Status counts responses by status code ("0" for no response).
	Status       map[string]int `json:"status"`
	Explained401 int            `json:"explained_401"`
	Explained403 int            `json:"explained_403"`
	Window       Window         `json:"window"`
	Credentials  int            `json:"credentials"`
	Endpoints    []EndpointStat `json:"endpoints"`
	// EndpointsTruncated is set when more endpoints were seen than kept;
	// the rest are folded into one "(other)" row.
	EndpointsTruncated bool     `json:"endpoints_truncated"`
	Timeline           []Minute `json:"timeline"`
}

// Window is the time span of the exchanges, RFC 3339 UTC ("" when unknown).
type Window struct {
	First    string `json:"first"`
	Last     string `json:"last"`
	First401 string `json:"first_401"`
	Last401  string `json:"last_401"`
}

// EndpointStat is one row of the rate table.
type EndpointStat struct {
	Environment  string  `json:"environment"`
	Host         string  `json:"host"`
	Method       string  `json:"method"`
	Route        string  `json:"route"`
	Total        int     `json:"total"`
	S401         int     `json:"401"`
	S403         int     `json:"403"`
	Rate401      float64 `json:"rate_401"`
	Rate403      float64 `json:"rate_403"`
	Explained401 int     `json:"explained_401"`
	// TopCauses are the rule IDs that explain this endpoint's failures,
	// most frequent first (at most 3).
	TopCauses []Cause `json:"top_causes"`
}

// Cause is a rule and how many failed requests it explained.
type Cause struct {
	Rule  string `json:"rule"`
	Count int    `json:"count"`
}

// Minute is one bucket of the timeline (UTC).
type Minute struct {
	Minute string `json:"minute"`
	Total  int    `json:"total"`
	S401   int    `json:"401"`
	S403   int    `json:"403"`
}

// Finding is a grouped finding: the same rule, file, endpoint and credential
// reported once with a count and the list of occurrences.
type Finding struct {
	Rule                 string           `json:"rule"`
	Title                string           `json:"title"`
	Severity             string           `json:"severity"`
	Confidence           string           `json:"confidence"`
	Count                int              `json:"count"`
	Message              string           `json:"message"`
	Fix                  string           `json:"fix"`
	Endpoint             string           `json:"endpoint"`
	Location             Location         `json:"location"`
	Occurrences          []Location       `json:"occurrences"`
	OccurrencesTruncated bool             `json:"occurrences_truncated"`
	Related              []Related        `json:"related"`
	Evidence             []rules.Evidence `json:"evidence"`
	Detector             string           `json:"detector"`
	Provider             string           `json:"provider"`
	Environment          string           `json:"environment"`
	Fingerprint          string           `json:"fingerprint"`

	severity rules.Severity
	// credential is the short fingerprint of the credential, for ignore
	// files ("" when the finding is about none).
	credential string
}

// SeverityLevel is the finding's severity as a comparable value.
func (f *Finding) SeverityLevel() rules.Severity { return f.severity }

// Location points at a record.
type Location struct {
	File    string `json:"file"`
	Entry   int    `json:"entry"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Pointer string `json:"pointer"`
}

// Related is another record that belongs to a finding.
type Related struct {
	Location
	Note string `json:"note"`
}

// Error is a per-record or per-input error.
type Error struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Entry   int    `json:"entry"`
	Offset  int64  `json:"offset"`
	Message string `json:"message"`
}

// MaxSeverity is the highest severity among the findings (0 when none).
func (r *Result) MaxSeverity() rules.Severity {
	var m rules.Severity
	for i := range r.Findings {
		if r.Findings[i].severity > m {
			m = r.Findings[i].severity
		}
	}
	return m
}

// FailedInputs counts inputs that yielded nothing.
func (r *Result) FailedInputs() int {
	n := 0
	for _, in := range r.Inputs {
		if in.Failed != "" {
			n++
		}
	}
	return n
}
