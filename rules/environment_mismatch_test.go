package rules

import (
	"strings"
	"testing"

	"github.com/authtriage/authtriage/secrets"
)

func TestEnvironmentMismatch(t *testing.T) {
	const (
		testKey = "sk_test_51EXAMPLEa1b2c3d4e5f6g7h8i9j0kLmNo"
		liveKey = "sk_live_51EXAMPLEa1b2c3d4e5f6g7h8i9j0kLmNo"
	)
	call := func(url, key string, st int) hop {
		return hop{method: "GET", url: url, req: []string{"Authorization: Bearer " + key}, status: st}
	}
	tests := []struct {
		name  string
		cfg   *secrets.EnvConfig
		hops  []hop
		fires []int
		conf  []Confidence
	}{
		{name: "demo #13/#14: twin seen after the production host", hops: []hop{
			call("https://api.example.com/v1/balance", testKey, 401),
			call("https://api.sandbox.example.com/v1/balance", liveKey, 401),
			call("https://api.sandbox.example.com/v1/balance", testKey, 200),
		}, fires: []int{0, 1}, conf: []Confidence{ConfidenceUnset, HighConfidence}},
		{name: "twin seen before", hops: []hop{
			call("https://api.sandbox.example.com/v1/balance", testKey, 200),
			call("https://api.example.com/v1/balance", testKey, 401),
		}, fires: []int{1}},
		{name: "dash twin: api-staging", hops: []hop{
			call("https://api.example.com/v1/x", testKey, 401),
			call("https://api-staging.example.com/v1/x", testKey, 200),
		}, fires: []int{0}},
		{name: "label-free host without a twin: unknown", hops: []hop{
			call("https://api.example.com/v1/balance", testKey, 401),
			call("https://auth.sandbox.example.com/v1/x", testKey, 200), // not api's twin
		}},
		{name: "live key on a label-free host never waits for a twin", hops: []hop{
			call("https://api.example.com/v1/balance", liveKey, 401),
			call("https://api.sandbox.example.com/v1/balance", testKey, 200),
		}},
		{name: "shared host (Stripe)", hops: []hop{call("https://api.stripe.com/v1/balance", testKey, 200), call("https://api.stripe.com/v1/balance", liveKey, 200)}},
		{name: "provider table: Paddle sandbox key on the live API", hops: []hop{call("https://api.paddle.com/customers", "pdl_sdbx_apikey_01EXAMPLEa1b2c3d4e5f6g7h8i9", 403)}, fires: []int{0}, conf: []Confidence{HighConfidence}},
		{name: "provider table: Checkout.com sk_sbox_ on production", hops: []hop{call("https://api.checkout.com/payments", "sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e", 401)}, fires: []int{0}},
		{name: "provider table: Braintree production token on the sandbox", hops: []hop{call("https://payments.sandbox.braintree-api.com/graphql", "access_token$production$abcdefgh12345678$0123456789abcdef0123456789abcdef", 401)}, fires: []int{0}},
		{name: "a Stripe key at PayPal is a wrong key, not a wrong environment", hops: []hop{call("https://api-m.sandbox.paypal.com/v1/x", liveKey, 401)}},
		{name: "success is reported with low severity", hops: []hop{call("https://api.staging.example.com/v1/x", liveKey, 200)}, fires: []int{0}},
		{name: "JWT issued by a sandbox IdP, sent to a production API", hops: []hop{
			call("https://api.example.com/v1/me", sandboxIssJWT, 401),
			call("https://api.sandbox.example.com/v1/me", sandboxIssJWT, 200),
		}, fires: []int{0}},
		{name: "config: the label-free host is declared shared", cfg: &secrets.EnvConfig{Hosts: []secrets.EnvPattern{{Pattern: "api.example.com", Environment: secrets.EnvShared}}}, hops: []hop{
			call("https://api.example.com/v1/balance", testKey, 401),
			call("https://api.sandbox.example.com/v1/balance", testKey, 200),
		}},
		{name: "config: a host declared unknown is not inferred from its twin", cfg: &secrets.EnvConfig{Hosts: []secrets.EnvPattern{{Pattern: "api.example.com", Environment: secrets.EnvUnknown}}}, hops: []hop{
			call("https://api.sandbox.example.com/v1/balance", testKey, 200),
			call("https://api.example.com/v1/balance", testKey, 401),
		}},
		{name: "config: own hosts and key patterns", cfg: &secrets.EnvConfig{
			Hosts: []secrets.EnvPattern{{Pattern: "*.corp.example", Environment: secrets.EnvProduction}},
			Keys:  []secrets.EnvPattern{{Regex: `acme_dev_[0-9a-f]{16}`, Environment: secrets.EnvSandbox, Name: "Acme dev keys"}},
		}, hops: []hop{call("https://billing.corp.example/v1/x", "acme_dev_0123456789abcdef", 401)}, fires: []int{0}, conf: []Confidence{HighConfidence}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			if tt.cfg != nil {
				if err := tt.cfg.Validate(); err != nil {
					t.Fatal(err)
				}
				cfg.Env = secrets.NewEnvResolver(tt.cfg)
			}
			fs := runCfg(t, cfg, newEnvMismatch(), records(tt.hops...)...)
			if got := firedOn(fs); !sameInts(got, tt.fires) {
				t.Fatalf("fired on %v, want %v; %+v", got, tt.fires, fs)
			}
			for i, f := range fs {
				if i < len(tt.conf) && f.Confidence != tt.conf[i] {
					t.Errorf("finding %d confidence %v, want %v", i, f.Confidence, tt.conf[i])
				}
				if !strings.Contains(f.Message, "credential to a") || len(f.Evidence) != 4 {
					t.Errorf("message %q evidence %v", f.Message, f.Evidence)
				}
				if f.Status >= 200 && f.Status < 300 && f.Severity != Low {
					t.Errorf("accepted request reported with severity %v", f.Severity)
				}
			}
			noRawSecrets(t, fs, testKey, liveKey, "acme_dev_0123456789abcdef", sandboxIssJWT)
		})
	}
}

// sandboxIssJWT has iss https://auth.sandbox.example.com/.
const sandboxIssJWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2F1dGguc2FuZGJveC5leGFtcGxlLmNvbS8iLCJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl"

func TestEnvironmentMismatchBounded(t *testing.T) {
	r := newEnvMismatch().(*envMismatch)
	var hops []hop
	for i := 0; i < 2*maxEnvUses; i++ {
		hops = append(hops, hop{method: "GET", url: "https://h" + itoa(i%(2*maxEnvHosts)) + ".example.com/x", req: []string{"Authorization: Bearer sk_test_51EXAMPLEa1b2c3d4e5f6g7h8i9j0kLmNo"}, status: 401})
	}
	cfg := DefaultConfig()
	sink := &collect{}
	facts := NewFacts(cfg.Env)
	ctx := NewContext(&cfg, r.Meta(), sink, facts)
	for _, rec := range records(hops...) {
		facts.Reset(rec)
		r.Check(ctx, rec)
	}
	total := 0
	r.undecided.Each(func(_ string, p *envPending) { total += len(p.uses) })
	if r.undecided.Len() > maxEnvHosts || total > maxEnvUses || total != r.stored {
		t.Fatalf("hosts %d, uses %d (stored %d)", r.undecided.Len(), total, r.stored)
	}
}
