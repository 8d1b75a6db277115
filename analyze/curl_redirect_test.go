package analyze

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/authtriage/authtriage/rules"
)

// TestCurlRedirectTranscripts runs the engine on the real curl -L
// transcripts: the hop that curl sent without the credential after a
// cross-host redirect is explained by credentials-dropped-on-redirect, which
// cites the redirecting request and silences missing-credentials;
// --location-trusted and a redirect that is not followed stay quiet.
func TestCurlRedirectTranscripts(t *testing.T) {
	tests := []struct {
		file  string
		fires bool
	}{
		{"h1-redirect-L-basic-dropped_curl7.txt", true},
		{"h2-redirect-L-cross-host-drops-auth_curl7.txt", true},
		{"h2-redirect-L-cross-host-drops-auth_curl8.txt", true},
		{"h2-redirect-location-trusted_curl8.txt", false},
		{"h2-redirect-no-L_curl7.txt", false},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			res, err := Run(context.Background(), []string{filepath.Join("../parsers/testdata/curl", tt.file)}, Options{Config: rules.DefaultConfig()})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Inputs) != 1 || res.Inputs[0].Format != "curl" || res.Inputs[0].Exchanges < 1 {
				t.Fatalf("inputs %+v", res.Inputs)
			}
			var dropped *Finding
			for i, f := range res.Findings {
				switch f.Rule {
				case "credentials-dropped-on-redirect":
					dropped = &res.Findings[i]
				case "missing-credentials":
					t.Errorf("missing-credentials at line %d: the redirect rule should explain it", f.Location.Line)
				}
			}
			if (dropped != nil) != tt.fires {
				t.Fatalf("credentials-dropped-on-redirect fired=%v, want %v: %+v", dropped != nil, tt.fires, res.Findings)
			}
			if dropped == nil {
				return
			}
			if len(dropped.Related) != 1 || dropped.Related[0].Line <= 0 || dropped.Related[0].Line >= dropped.Location.Line {
				t.Errorf("related %+v, location line %d: want the earlier, redirecting request", dropped.Related, dropped.Location.Line)
			}
			if res.Summary.Explained401 != res.Summary.Status["401"] {
				t.Errorf("%d of %d 401s explained", res.Summary.Explained401, res.Summary.Status["401"])
			}
		})
	}
}
