package secrets

import "testing"

// classifyInputs are values Classify sees on the hot path: parsers.Route asks
// about every path segment, and every credential header and parameter of
// every record is classified when its Secret is made.
var classifyInputs = []string{
	"9f8e7d6c5b4a39281706f5e4d3c2b1a0", "orders", "v1", "cus_NffrFeUfNV2Hib", "8812",
	"3fa85f64-5717-4562-b3fc-2c963f66afa6", "sk_live_51HxEXAMPLEabcdefghijklmn", "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB",
	testJWT, "REDACTED", "undefined", "sk_test_****9xQz",
}

// BenchmarkClassify: one op classifies every value of classifyInputs.
func BenchmarkClassify(b *testing.B) {
	for b.Loop() {
		for _, v := range classifyInputs {
			Classify(v)
		}
	}
}
