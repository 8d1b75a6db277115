package rules

import (
	"fmt"
	"strings"
	"time"

	"github.com/authtriage/authtriage/parsers"
	"github.com/authtriage/authtriage/secrets"
)

// Severity is how bad a finding is. The zero value means "the rule's default".
type Severity int

const (
	SeverityUnset Severity = iota
	Info
	Low
	Medium
	High
)

var severityNames = []string{"", "info", "low", "medium", "high"}

func (s Severity) String() string {
	if s < 0 || int(s) >= len(severityNames) {
		return "unknown"
	}
	return severityNames[s]
}

// MarshalText writes the name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// ParseSeverity reads info|low|medium|high; "none" gives a severity above
// every other (nothing reaches it).
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(s) {
	case "info":
		return Info, nil
	case "low":
		return Low, nil
	case "medium":
		return Medium, nil
	case "high":
		return High, nil
	case "none":
		return High + 1, nil
	}
	return 0, fmt.Errorf("unknown severity %q (want none, info, low, medium or high)", s)
}

// Confidence is how sure a rule is.
type Confidence int

const (
	ConfidenceUnset Confidence = iota
	LowConfidence
	MediumConfidence
	HighConfidence
)

func (c Confidence) String() string {
	switch c {
	case LowConfidence:
		return "low"
	case MediumConfidence:
		return "medium"
	case HighConfidence:
		return "high"
	}
	return ""
}

// MarshalText writes the name.
func (c Confidence) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// Meta documents a rule. It is the single source of the rules list, the
// `rules ID` page and the README table.
type Meta struct {
	// ID is kebab-case, stable and never reused: a public interface.
	ID string
	// Title is one line, no trailing period.
	Title string
	// Doc is markdown: what, why it causes a failure, how it is detected,
	// known false positives.
	Doc string
	// Fix is imperative advice.
	Fix        string
	Severity   Severity
	Confidence Confidence
	// AnyStatus marks rules that fire on successes too, because the risk is
	// the exposure itself (token-in-query, unsigned-jwt, leaked-secret,
	// environment-mismatch). Other rules see failed requests only.
	AnyStatus bool
	// Explains is true when a finding of this rule explains why the request
	// failed (it counts towards "401s explained").
	Explains bool
	// ClientSide marks a client-side cause, which suppresses the generic
	// server-rejected-token on the same request.
	ClientSide bool
	// Suppresses lists generic rules this more specific one silences on the
	// same request (or, for a file-level finding, in the same file and
	// origin).
	Suppresses []string
	// Examples are documentation that double as tests.
	Examples []Example
}

// Example is a request (and response) a rule must or must not fire on,
// written as HTTP text:
//
//	GET https://api.example.com/v1/me
//	Authorization: Bearer Bearer abc
//
//	401
//	WWW-Authenticate: Bearer error="invalid_token"
//
// The request line carries a full URL; a blank line separates the response,
// whose first line is the status. Body lines follow the headers after a line
// holding only "--". A rule about several requests (a redirect and its next
// hop, a refresh and a later call) takes several exchanges separated by a
// line holding only "===": they are entries 0, 1, … of one input, one second
// apart unless a Date header says otherwise.
type Example struct {
	Name  string
	HTTP  string
	Fires bool
}

// Rule is one check.
type Rule interface {
	Meta() *Meta
	// Check looks at one record and reports through c.
	Check(c *Context, r *parsers.Record)
}

// FileFinisher is implemented by rules that keep state across the records
// of one input and report when it ends.
type FileFinisher interface {
	FinishFile(c *Context, in Input)
}

// Input describes a finished input to FileFinisher.
type Input struct {
	File   string
	Format parsers.Format
	Schema string
	// Creator is a HAR's log.creator ("WebInspector 537.36").
	Creator string
}

// Config is what the user can tune, passed to every rule.
type Config struct {
	// Leeway is the clock skew tolerated on exp/nbf/iat.
	Leeway time.Duration
	// RetryThreshold and RetryWindow define a retry storm.
	RetryThreshold int
	RetryWindow    time.Duration
	// Env decides the environment of hosts and credentials.
	Env *secrets.EnvResolver
}

// DefaultConfig is the CLI's defaults.
func DefaultConfig() Config {
	return Config{Leeway: 60 * time.Second, RetryThreshold: 5, RetryWindow: 60 * time.Second, Env: secrets.NewEnvResolver(nil)}
}
