package secrets

import "testing"

// FuzzScanLine: no input panics; every match lies inside the line, holds
// exactly its bytes, and never prints them.
func FuzzScanLine(f *testing.F) {
	for _, d := range Detectors() {
		for _, l := range append(append([]string{}, d.MustFind...), d.MustNotFind...) {
			f.Add(l)
		}
	}
	for _, l := range notLeaks {
		f.Add(l)
	}
	g := newLogGen(3)
	for i := 0; i < 20; i++ {
		l, _ := g.planted()
		f.Add(string(l))
	}
	f.Add(`{"a":"\"Authorization\":[\"Bearer \\u00e9`)
	f.Add("Cookie: =;=;a=\"\\\"")
	f.Add("https://:@")
	f.Add("-----BEGIN PRIVATE KEY-----\\n-----END")
	f.Fuzz(func(t *testing.T, line string) {
		ms := scanAll(line)
		checkInvariants(t, line, ms)
		// the same line with a newline is scanned the same way
		ms2 := scanAll(line + "\r\n")
		if len(ms2) != len(ms) {
			t.Fatalf("%q: a trailing line break changed the matches: %s / %s", line, describe(ms), describe(ms2))
		}
	})
}
