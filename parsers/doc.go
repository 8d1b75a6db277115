// Package parsers turns evidence files (HAR, curl transcripts, access logs,
// plain text) into a stream of records, and owns the Exchange model every
// rule reads.
//
// Readers stream: a HAR is walked token by token and decoded one entry at a
// time; line formats are read line by line with a bounded buffer. A bad record
// becomes a *ParseError naming file and position, and the reader goes on.
package parsers
