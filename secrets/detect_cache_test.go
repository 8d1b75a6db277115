package secrets

import "testing"

// TestScannerValueCache: a value seen again is served from the Scanner's
// cache with the same classification, fingerprint, provider and
// environment; the same bytes under another detector's kind are built anew.
func TestScannerValueCache(t *testing.T) {
	s := NewScanner()
	scan := func(line string) []Match {
		var out []Match
		s.Scan([]byte(line), func(m Match) { out = append(out, m) })
		return out
	}
	const basic = "ZGVwbG95OnMzY3IzdC1QYTU1" // deploy:s3cr3t-Pa55
	lines := []string{
		`{"authorization":"Bearer sk_live_4eC39HqLyjWDarjtT1zdp7dc"}`,
		`{"authorization":"Bearer sk_live_4eC39HqLyjWDarjtT1zdp7dc"}`,
		"Authorization: Basic " + basic,
		"X-Api-Key: " + basic,
	}
	var got [][]Match
	for i := 0; i < 3; i++ { // the later rounds hit the cache
		for _, l := range lines {
			got = append(got, scan(l))
		}
	}
	for i, ms := range got {
		if len(ms) != 1 {
			t.Fatalf("line %d: %d matches", i%len(lines), len(ms))
		}
		want := got[i%len(lines)][0]
		if m := ms[0]; m.Secret.Fingerprint() != want.Secret.Fingerprint() || m.Secret.Kind() != want.Secret.Kind() ||
			m.Provider != want.Provider || m.Environment != want.Environment || m.Secret.String() != want.Secret.String() {
			t.Errorf("line %d: %+v differs from %+v", i%len(lines), m, want)
		}
	}
	if got[0][0].Environment != EnvProduction || got[0][0].Provider != "stripe" {
		t.Errorf("stripe key: %+v", got[0][0])
	}
	if got[2][0].Secret.Kind() != KindBasic || got[3][0].Secret.Kind() == KindBasic {
		t.Errorf("the same bytes under Basic and as an API key: %s, %s", got[2][0].Secret.Kind(), got[3][0].Secret.Kind())
	}
}
