// Package analyze is the engine: it reads inputs through parsers, runs the
// rules over every record, applies suppression, groups findings, computes
// the 401/403 statistics a postmortem needs, and applies the --fail-on and
// baseline policies. It never prints; the CLI and report packages do.
package analyze
