// Package sanitize writes a shareable copy of a capture: every credential
// in a HAR, a curl transcript or a log is replaced by its sanitized form
// <redacted:KIND:PREFIX:LEN:FP> (a JWT keeps its header and payload), and
// everything else stays as it was, so the copy can still be analyzed.
package sanitize
