// Package secrets knows what a credential is and how to show one safely.
//
// The Secret type holds a raw credential and redacts it by construction: every
// way of printing or serialising it yields the display form (kind, public
// prefix, length, fingerprint), so no code path can leak a value by accident.
// The package also decodes JWTs, recognises other tools' redaction markers and
// holds the provider and environment tables.
//
// ScanLine (or a Scanner per goroutine) finds credentials in a line of text:
// Authorization and Cookie values, API-key headers, credential-named query
// parameters, JSON fields and key=value pairs, URL passwords, and tokens by
// their format (JWT, GitHub, Stripe, AWS, Slack, ...; see Detectors). Each
// Match carries the byte offsets of the value, so a caller can report
// line:column or replace exactly those bytes with Secret.Sanitized().
package secrets
