package secrets_test

import (
	"fmt"

	"github.com/authtriage/authtriage/secrets"
)

func ExampleScanLine() {
	line := []byte(`{"uri":"/v1/charges?api_key=sk_test_ugM1yTMAd7V3DnI8lFPPwtV5&limit=3","headers":{"Authorization":["Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."]}}`)
	secrets.ScanLine(line, func(m secrets.Match) {
		// The Secret prints redacted; Start and End locate its bytes.
		fmt.Printf("col %d-%d %s field=%s provider=%q env=%s kind=%s len=%d\n",
			m.Start+1, m.End, m.Detector, m.Field, m.Provider, m.Environment, m.Secret.Kind(), m.Secret.Len())
	})
	// Output:
	// col 29-60 query-param field=api_key provider="stripe" env=sandbox kind=stripe len=32
	// col 107-142 authorization-header field=Authorization provider="" env=unknown kind=jwt len=36
}
