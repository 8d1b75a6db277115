package parsers

import "testing"

func TestRoute(t *testing.T) {
	tests := map[string]string{
		"/v1/users/123":  "/v1/users/{id}",
		"/v1/users/456/": "/v1/users/{id}",
		"/v1/users/3f2b6c1e-9a4d-4e8b-b2a1-7c5d9e0f1a2b":            "/v1/users/{uuid}",
		"/v1/objects/01HZX3K4M5N6P7Q8R9S0T1V2W3":                    "/v1/objects/{ulid}",
		"/v2/files/da39a3ee5e6b4b0d3255bfef95601890afd80709":        "/v2/files/{hex}",
		"/v1/customers/cus_NffrFeUfNV2Hib":                          "/v1/customers/{id}",
		"/v1/orders/ord_1001":                                       "/v1/orders/{id}",
		"/v1/invoices/INV-2024-0042":                                "/v1/invoices/{id}",
		"/v1/users/user-1234/settings":                              "/v1/users/{id}/settings",
		"/v1/share/LswQfiHyZ_XMRMldMxaZgQEUbOBL-aeC":                "/v1/share/{token}",
		"/v1/keys/sk_live_51EXAMPLEa1b2c3d4e5f6g7h8i9j0kLmNo/usage": "/v1/keys/{secret}/usage",
		// Kept: versions, words, names.
		"/api/2024-06-01/reports/daily":            "/api/2024-06-01/reports/daily",
		"/v1/users/me":                             "/v1/users/me",
		"/api-v2/oauth2/callback":                  "/api-v2/oauth2/callback",
		"/Services/GetNavigationMenuItemsForUser":  "/Services/GetNavigationMenuItemsForUser",
		"/docs/how-to-reset-your-password-quickly": "/docs/how-to-reset-your-password-quickly",
		"/": "/",
		"":  "/",
	}
	for in, want := range tests {
		if got := Route(in); got != want {
			t.Errorf("Route(%q) = %q, want %q", in, got, want)
		}
	}
}

// BenchmarkRoute: Route runs once per exchange (rules.EndpointOf), on paths
// like these.
func BenchmarkRoute(b *testing.B) {
	paths := []string{"/v1/users/123/orders", "/api/2024-06-01/reports/daily", "/v1/customers/cus_NffrFeUfNV2Hib",
		"/static/app.3f9a1c02b7d4.js", "/v1/users/3f2b6c1e-9a4d-4e8b-b2a1-7c5d9e0f1a2b", "/healthz", "/v2/me",
		"/graphql", "/oauth/token", "/v1/items/42/comments/7", "/v1/share/LswQfiHyZ_XMRMldMxaZgQEUbOBL-aeC"}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		for _, p := range paths {
			Route(p)
		}
	}
}
