package rules

import (
	"strings"
	"testing"
	"time"

	"github.com/authtriage/authtriage/parsers"
	"github.com/authtriage/authtriage/secrets"
)

// TestLeakedSecretLines: in a line of a log every credential is a leak,
// rated by its environment; markers and placeholders are not.
func TestLeakedSecretLines(t *testing.T) {
	tests := []struct {
		line string
		sev  []Severity
	}{
		{`{"http_authorization":"Bearer sk_live_4eC39HqLyjWDarjtT1zdp7dc","status":200}`, []Severity{High}},
		{`{"http_x_api_key":"sk_test_4eC39HqLyjWDarjtT1zdp7dc","status":401}`, []Severity{Low}},
		{`{"http_authorization":"Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0","args":"access_token=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"}`, []Severity{Medium, High}},
		{`{"http_authorization":"Bearer REDACTED","http_cookie":"","request_id":"9f8e7d6c-5b4a-4928-8170-6f5e4d3c2b1a"}`, nil},
		{`{"http_authorization":"Bearer ${TOKEN}","etag":"W/\"5b4a39281706f5e4d3c2b1a0\""}`, nil},
	}
	for _, tt := range tests {
		rec := &parsers.Record{Source: parsers.Source{File: "access.log", Format: parsers.FormatJSONL, Entry: -1, Line: 7}, Text: []byte(tt.line)}
		got := run(t, newLeakedSecret(), rec)
		if len(got) != len(tt.sev) {
			t.Errorf("%s: %d findings, want %d: %+v", tt.line, len(got), len(tt.sev), got)
			continue
		}
		for i, f := range got {
			if f.Severity != tt.sev[i] || f.Column < 1 || f.Detector == "" || f.Credential.IsZero() || f.Place == "" {
				t.Errorf("%s: finding %d: %+v, want severity %v with column, detector, credential and place", tt.line, i, f, tt.sev[i])
			}
		}
		// no part of any planted value in the message, evidence or related
		noRawSecrets(t, got, "4eC39HqLyjWDarjtT1zdp7dc", "9f8e7d6c5b4a3928", "Eeeby3abP3E2Zs8IQ9Y7aJZqhB6bae2dTjzx")
	}
}

// TestLeakBuilderValidity: a JWT's expiry is judged against the scan time
// only when one is given (analyze judges none).
func TestLeakBuilderValidity(t *testing.T) {
	const jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwiZXhwIjoxNzk2MDE0ODAwfQ.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXI"
	var m secrets.Match
	secrets.ScanLine([]byte(`token=`+jwt), func(x secrets.Match) { m = x })
	if m.Secret.Kind() != secrets.KindJWT {
		t.Fatalf("no JWT match: %+v", m)
	}
	exp := time.Unix(1796014800, 0).UTC()
	for _, tt := range []struct {
		now  time.Time
		want string
	}{
		{time.Time{}, ""},
		{exp.Add(-time.Hour), "still valid at scan time"},
		{exp.Add(48 * time.Hour), "expired 2026-11-30T05:00:00Z, 2 days before the scan time"},
	} {
		b := LeakBuilder{Now: tt.now}
		f := b.Finding(m, "this line", 7)
		var got string
		for _, e := range f.Evidence {
			if e.Field == "JWT validity" {
				got = e.Value
			}
		}
		if tt.want == "" && got != "" || !strings.HasPrefix(got, tt.want) {
			t.Errorf("now %v: validity %q, want prefix %q", tt.now, got, tt.want)
		}
	}
}
