// Package rules holds the diagnosis rules: each is a value with its own
// documentation (Meta) and a Check over one record that reports findings
// through a Context and never prints. Rules that need the whole stream keep
// bounded state and report in FinishFile. The registry is one explicit,
// sorted list (All).
package rules
