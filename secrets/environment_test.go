package secrets

import (
	"strings"
	"testing"
)

func TestHostReason(t *testing.T) {
	r := NewEnvResolver(nil)
	tests := []struct {
		host string
		env  Environment
		why  string
	}{
		{"api.stripe.com", EnvShared, "Stripe"},
		{"api.razorpay.com", EnvShared, "Razorpay"},
		{"sandbox-api.paddle.com", EnvSandbox, "Paddle"},
		{"api.paddle.com", EnvProduction, "Paddle"},
		{"sandbox.plaid.com", EnvSandbox, "Plaid"},
		{"production.plaid.com", EnvProduction, "Plaid"},
		{"api.sandbox.braintreegateway.com", EnvSandbox, "Braintree"},
		{"api.braintreegateway.com", EnvProduction, "Braintree"},
		{"pk0mkjt4.api.sandbox.checkout.com", EnvSandbox, "Checkout.com"},
		{"pk0mkjt4.api.checkout.com", EnvProduction, "Checkout.com"},
		{"api-m.sandbox.paypal.com", EnvSandbox, "PayPal"},
		{"api-m.paypal.com", EnvProduction, "PayPal"},
		{"connect.squareupsandbox.com", EnvSandbox, "Square"},
		{"connect.squareup.com", EnvProduction, "Square"},
		{"checkout-test.adyen.com", EnvSandbox, "Adyen"},
		{"1797a841fbb37ca7-acme-checkout-live.adyenpayments.com", EnvProduction, "Adyen"},
		{"api-na.playground.klarna.com", EnvSandbox, "Klarna"},
		{"api-na.klarna.com", EnvProduction, "Klarna"},
		{"apitest.authorize.net", EnvSandbox, "Authorize.net"},
		{"api.authorize.net", EnvProduction, "Authorize.net"},
		{"acme.oktapreview.com", EnvSandbox, "Okta"},
		{"dev-123456.okta.com", EnvSandbox, "Okta"},
		{"acme.okta.com", EnvProduction, "Okta"},
		{"api.sandbox.example.com:8443", EnvSandbox, "host label sandbox"},
		{"api-staging.example.com", EnvSandbox, "host label staging"},
		{"api.example.com", EnvUnknown, ""},
		{"127.0.0.1", EnvUnknown, ""},
		{"", EnvUnknown, ""},
	}
	for _, tt := range tests {
		env, why := r.HostReason(tt.host)
		if env != tt.env || !strings.Contains(why, tt.why) {
			t.Errorf("HostReason(%q) = %s, %q; want %s, …%q…", tt.host, env, why, tt.env, tt.why)
		}
	}
}

func TestSandboxTwin(t *testing.T) {
	tests := map[string]string{
		"api.sandbox.example.com":         "api.example.com",
		"API.Sandbox.Example.com:8443":    "api.example.com",
		"api-staging.example.com":         "api.example.com",
		"sandbox-api.example.com":         "api.example.com",
		"staging.example.com":             "example.com",
		"api.dev.eu.example.co.uk":        "api.eu.example.co.uk",
		"api.example.com":                 "",
		"api.sandbox.staging.example.com": "", // two markers: not a simple twin
		"sandbox.com":                     "",
		"10.0.0.1":                        "",
	}
	for host, want := range tests {
		got, ok := SandboxTwin(host)
		if got != want || ok != (want != "") {
			t.Errorf("SandboxTwin(%q) = %q, %v; want %q", host, got, ok, want)
		}
	}
}

func TestCredentialEnvironment(t *testing.T) {
	r := NewEnvResolver(nil)
	tests := []struct {
		raw      string
		env      Environment
		provider string
	}{
		{"sk_test_51EXAMPLEa1b2c3d4e5f6g7h8i9j0kLmNo", EnvSandbox, "stripe"},
		{"rk_live_51EXAMPLEa1b2c3d4e5f6g7h8i9j0kLmNo", EnvProduction, "stripe"},
		{"rzp_test_EXAMPLEa1b2c3d4", EnvSandbox, "razorpay"},
		{"pdl_live_apikey_01EXAMPLEa1b2c3d4e5f6g7h8i9", EnvProduction, "paddle"},
		{"sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e", EnvSandbox, "checkout"},
		{"access-sandbox-de3ce8ef-33f8-452c-a685-8671031fc0f6", EnvSandbox, "plaid"},
		{"public-production-de3ce8ef-33f8-452c-a685-8671031fc0f6", EnvProduction, "plaid"},
		{"access_token$sandbox$abcdefgh12345678$0123456789abcdef0123456789abcdef", EnvSandbox, "braintree"},
		{"sandbox_abcd1234_0123456789abcdef", EnvSandbox, "braintree"},
		{"test_dHar4XY7LxsDOtmnkVtjNVWXLSlXsM", EnvSandbox, "mollie"},
		{"live_dHar4XY7LxsDOtmnkVtjNVWXLSlXsM", EnvProduction, "mollie"},
		{"klarna_test_api_a2V5LWV4YW1wbGU", EnvSandbox, "klarna"},
		{"9f8e7d6c5b4a39281706f5e4", EnvUnknown, ""},
		{"test_short", EnvUnknown, ""},
	}
	for _, tt := range tests {
		env, why, provider := r.CredentialProvider(New(tt.raw))
		if env != tt.env || provider != tt.provider || (env != EnvUnknown && why == "") {
			t.Errorf("%s…: %s %q %q; want %s %q", tt.raw[:8], env, why, provider, tt.env, tt.provider)
		}
		if strings.Contains(why, tt.raw) && len(tt.raw) > 12 {
			t.Errorf("reason shows the credential: %q", why)
		}
	}
	// Through an Authorization header, and a JWT judged by its issuer.
	if env, _ := r.Credential(NewAuthorization("Bearer sk_live_51EXAMPLEa1b2c3d4e5f6g7h8i9j0kLmNo")); env != EnvProduction {
		t.Errorf("authorization: %s", env)
	}
	jwt := "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2F1dGguc2FuZGJveC5leGFtcGxlLmNvbS8iLCJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl"
	if env, why := r.Credential(New(jwt)); env != EnvSandbox || !strings.Contains(why, "JWT iss host auth.sandbox.example.com") {
		t.Errorf("jwt: %s %q", env, why)
	}
}

func TestEnvConfig(t *testing.T) {
	cfg := &EnvConfig{
		Hosts: []EnvPattern{
			{Pattern: "api.example.com", Environment: EnvProduction, Name: "Acme API"},
			{Pattern: "*.qa.corp.example", Environment: EnvSandbox},
			{Pattern: "api-*.corp.example", Environment: EnvProduction},
			{Pattern: "api.stripe.com", Environment: EnvProduction}, // the user's word wins
		},
		Keys: []EnvPattern{
			{Pattern: "acme_live_", Environment: EnvProduction},
			{Regex: `acme_[0-9a-f]{8}_dev`, Environment: EnvSandbox},
			{Pattern: "sk_test_", Environment: EnvProduction}, // even over the table
		},
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	r := NewEnvResolver(cfg)
	hosts := map[string]Environment{
		"api.example.com": EnvProduction, "qa.corp.example": EnvSandbox, "x.qa.corp.example": EnvSandbox,
		"api-eu.corp.example": EnvProduction, "api.stripe.com": EnvProduction, "api.sandbox.example.com": EnvSandbox,
	}
	for h, want := range hosts {
		if got := r.Host(h); got != want {
			t.Errorf("Host(%q) = %s, want %s", h, got, want)
		}
	}
	if _, why := r.HostReason("api.example.com"); why != "configured: Acme API" {
		t.Errorf("reason %q", why)
	}
	keys := map[string]Environment{
		"acme_live_0123456789": EnvProduction, "acme_0123abcd_dev": EnvSandbox, "acme_0123abcd_devX": EnvUnknown,
		"sk_test_51EXAMPLEa1b2c3d4e5f6g7h8i9j0kLmNo": EnvProduction,
	}
	for k, want := range keys {
		if got, _ := r.Credential(New(k)); got != want {
			t.Errorf("Credential(%s…) = %s, want %s", k[:6], got, want)
		}
	}
	bad := []struct {
		cfg  EnvConfig
		want string
	}{
		{EnvConfig{Hosts: []EnvPattern{{Pattern: "a.example", Environment: "prod"}}}, `hosts[0]: unknown environment "prod"`},
		{EnvConfig{Hosts: []EnvPattern{{Pattern: "a.example"}}}, "hosts[0]: no environment"},
		{EnvConfig{Keys: []EnvPattern{{Environment: EnvSandbox}}}, "keys[0]: needs a pattern"},
		{EnvConfig{Keys: []EnvPattern{{Pattern: "x", Regex: "y", Environment: EnvSandbox}}}, "not both"},
		{EnvConfig{Keys: []EnvPattern{{Regex: "(", Environment: EnvSandbox}}}, "keys[0]: regex"},
		{EnvConfig{Hosts: []EnvPattern{{Regex: "a", Environment: EnvSandbox}}}, "hosts take a pattern"},
		{EnvConfig{Hosts: []EnvPattern{{Pattern: "[a", Environment: EnvSandbox}}}, "hosts[0]: pattern"},
	}
	for _, b := range bad {
		if err := b.cfg.Validate(); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("Validate(%+v) = %v, want %q", b.cfg, err, b.want)
		}
	}
}

// FuzzHostEnvironment: host classification never panics, and a twin is
// never sandbox-labelled itself nor longer than its host.
func FuzzHostEnvironment(f *testing.F) {
	for _, h := range []string{"api.sandbox.example.com", "sandbox-api.paddle.com", "[::1]:443", "a..b", "-.-.-", "dev-1.okta.com:8443"} {
		f.Add(h)
	}
	r := NewEnvResolver(nil)
	f.Fuzz(func(t *testing.T, host string) {
		r.HostReason(host)
		if twin, ok := SandboxTwin(host); ok {
			if len(twin) >= len(host) || HostLabelEnvironment(twin) == EnvSandbox {
				t.Fatalf("SandboxTwin(%q) = %q", host, twin)
			}
		}
	})
}

func TestIssuerHost(t *testing.T) {
	for iss, want := range map[string]string{
		"https://Auth.Sandbox.example.com/realms/x": "auth.sandbox.example.com",
		"https://login.example.com:8443?x=1":        "login.example.com:8443",
		"https://user:pass@idp.example.com/":        "idp.example.com",
		"auth.example.com":                          "auth.example.com",
		"my-issuer":                                 "",
	} {
		if got := IssuerHost(iss); got != want {
			t.Errorf("IssuerHost(%q) = %q, want %q", iss, got, want)
		}
	}
}
