// Package secrets knows what a credential is and how to show one safely.
//
// The Secret type holds a raw credential and redacts it by construction: every
// way of printing or serialising it yields the display form (kind, public
// prefix, length, fingerprint), so no code path can leak a value by accident.
// The package also decodes JWTs, recognises other tools' redaction markers and
// holds the provider and environment tables.
package secrets
