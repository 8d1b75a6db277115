package rules

import (
	"net"

	"github.com/authtriage/authtriage/parsers"
	"github.com/authtriage/authtriage/secrets"
)

// Finding is what a rule reports about one record (or one file).
type Finding struct {
	Rule       string
	Severity   Severity   // zero: the rule's default
	Confidence Confidence // zero: the rule's default
	// Message is one sentence of cause. It holds no secret: credentials
	// appear only through their display form.
	Message string
	// Fix overrides the rule's Fix when the advice depends on the case.
	Fix string
	// Location is the record the finding anchors on (the failing request);
	// the engine fills it with the current record when left zero.
	Location parsers.Source
	// Related are other records that are part of the cause (the redirect,
	// the refresh, the preflight).
	Related  []Related
	Evidence []Evidence
	// Detector, Provider and Environment describe a leaked credential.
	Detector, Provider, Environment string
	// Credential is the fingerprint of the credential the finding is
	// about, for grouping and the finding fingerprint; zero when none.
	Credential secrets.Fingerprint
	// Endpoint is where the finding applies; the engine fills it from the
	// record when left zero.
	Endpoint Endpoint
	// Place is the logical place for the finding fingerprint when it is
	// not the endpoint (a JSON path, a detector); optional.
	Place string
	// Column is the 1-based column of a leaked value in a line, 0 when
	// not applicable.
	Column int
	// Status is the anchor record's status (filled by the engine).
	Status int
	// FileLevel marks a finding about a whole input (har-sanitized).
	FileLevel bool
	// Update marks a finding that revises the message and evidence of the
	// finding already grouped under the same rule, file, endpoint, place
	// and credential, instead of adding an occurrence: a stream rule's
	// final count, span and rate. It is dropped when there is no such
	// finding.
	Update bool
	// Extra counts further occurrences this finding stands for whose
	// locations a stream rule did not keep (its state is bounded): the
	// count stays exact and the occurrence list is marked truncated.
	Extra int
}

// Related is another record that belongs to a finding.
type Related struct {
	Location parsers.Source
	Note     string
}

// Evidence is one field and its value as reports may show it. A credential
// appears only in its display form (Secret.String, and the Display of
// Headers, Params and URLs); text the server supplied (challenges, error
// descriptions) goes through secrets.ScrubText; other values are names,
// counts and non-credential header values.
type Evidence struct {
	Field string `json:"field"`
	Value string `json:"value"`
}

// Endpoint identifies where requests go, for grouping and statistics.
type Endpoint struct {
	Environment string `json:"environment"`
	Host        string `json:"host"`
	Method      string `json:"method"`
	Route       string `json:"route"`
	// Origin is scheme://host:port, for file-level suppression per origin.
	Origin string `json:"-"`
}

// EndpointOf describes an exchange's endpoint.
func EndpointOf(ex *parsers.Exchange, env *secrets.EnvResolver) Endpoint {
	u := ex.Request.URL
	e := Endpoint{Host: u.Hostname(), Method: ex.Request.Method, Route: parsers.Route(u.Path), Origin: u.Origin()}
	if port := u.Port(); port != "" {
		e.Host = net.JoinHostPort(e.Host, port) // [::1]:8443, not ::1:8443
	}
	if e.Host == "" {
		e.Origin = ""
	}
	e.Environment = string(secrets.EnvUnknown)
	if env != nil && e.Host != "" {
		e.Environment = string(env.Host(u.Host))
	}
	return e
}
