// Command authtriage explains why API requests fail authentication
// (401/403/400) from HAR files, curl transcripts and access logs.
package main
