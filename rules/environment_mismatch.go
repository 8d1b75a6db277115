package rules

import (
	"fmt"
	"strings"

	"github.com/authtriage/authtriage/parsers"
	"github.com/authtriage/authtriage/secrets"
)

// envMismatch compares the environment of each credential with the host's.
// A host without any environment marker is unknown — unless the capture
// also holds its sandbox twin (api.example.com beside
// api.sandbox.example.com), which makes it production. Because the twin may
// appear later, sandbox credentials sent to still-undecided hosts are kept
// (bounded) and reported, anchored on their own requests, once the twin
// shows up.
type envMismatch struct {
	twins     *boundedMap[string, string] // production twin → the sandbox host that revealed it
	undecided *boundedMap[string, *envPending]
	stored    int
	hosts     *boundedMap[string, hostEnv] // decisions of the resolver, cached
	// builtin judges by the built-in tables when the configuration has no
	// resolver; made once, so that its host cache serves every record.
	builtin *secrets.EnvResolver
}

type hostEnv struct {
	env secrets.Environment
	why string
}

// envPending holds the sandbox-credential requests to a host whose
// environment is not known yet.
type envPending struct {
	uses  []envUse
	extra int
}

// envUse is one such request, as display strings and fingerprints.
type envUse struct {
	src      parsers.Source
	ep       Endpoint
	status   int
	desc     string
	field    string
	display  string
	credEnv  secrets.Environment
	credWhy  string
	provider string
	fp       secrets.Fingerprint
	strong   bool
}

const (
	maxEnvHosts       = 4096
	maxEnvUsesPerHost = 1000
	maxEnvUses        = 10000
)

func newEnvMismatch() Rule {
	return &envMismatch{twins: newBoundedMap[string, string](maxEnvHosts), undecided: newBoundedMap[string, *envPending](maxEnvHosts),
		hosts: newBoundedMap[string, hostEnv](maxEnvHosts)}
}

var envMismatchMeta = &Meta{
	ID:    "environment-mismatch",
	Title: "A credential of one environment was sent to a host of the other (sandbox vs production)",
	Doc: `A sandbox or test credential went to a production host, or a production credential to a sandbox
host. Providers keep the two environments apart — "API keys generated in Live mode will not work in Test
mode and vice versa" — so the request is refused (PayPal, Square, Paddle, Plaid: 401; Stripe's shared host
answers 404 for objects of the other mode), and a live key sent to a test system is also an exposure
(research/domain.md C18, Part 3). It fires on any status, as the risk is the exposure itself.

**How it is detected.** Every host and every credential gets one of production, sandbox, shared or unknown.
Hosts: the user's ` + "`--env-config`" + ` first; then the provider table (` + "`api-m.sandbox.paypal.com`" + `,
` + "`connect.squareupsandbox.com`" + `, ` + "`sandbox-api.paddle.com`" + `, ` + "`sandbox.plaid.com`" + `/` + "`production.plaid.com`" + `, Braintree,
Checkout.com, Adyen ` + "`-test`" + `/` + "`-live`" + `, Klarna ` + "`.playground.`" + `, ` + "`apitest.authorize.net`" + `, Okta ` + "`oktapreview.com`" + ` …; hosts such
as ` + "`api.stripe.com`" + `, Razorpay's and Mollie's serve both modes and are *shared*); then host labels (sandbox, sbox,
test, staging, stage, stg, uat, qa, dev, playground, preview …, also as a part: ` + "`api-staging`" + `). Credentials:
the config's key patterns; public prefixes and embedded markers (` + "`sk_test_`" + `/` + "`sk_live_`" + `, ` + "`rk_`" + `, ` + "`rzp_test_`" + `,
` + "`pdl_sdbx_`" + `, ` + "`sk_sbox_`" + `, ` + "`access-sandbox-`" + `, ` + "`access_token$sandbox$`" + `, Mollie ` + "`test_`" + `, Klarna
` + "`klarna_test_`" + ` …); the JWT ` + "`iss`" + ` host judged like any host. Only production against sandbox is reported; shared
and unknown never mismatch, and a credential and a host that belong to two different known providers are
not compared (that is a wrong key, not a wrong environment).

**Label-free hosts.** A host name without any environment marker (` + "`api.example.com`" + `) says nothing for
certain, so it is unknown — except when the same capture also contains its **sandbox twin** (as a request's
host or a token's issuer): the same name with one environment label added or removed (` + "`api.sandbox.example.com`" + `, ` + "`api-staging.example.com`" + `,
` + "`sandbox-api.example.com`" + `: same registrable domain, same leading label once the environment label is removed).
An organisation that runs both is telling us which of the two is production, so the label-free twin is
taken as production (with medium confidence). This holds whichever of the two appears first: requests to a
label-free host are remembered (bounded) until the input ends. The endpoint statistics apply the same rule.

**Known false positives.** A host that serves both environments and is not in the table (declare it
` + "`shared`" + ` in ` + "`--env-config`" + `); an organisation whose label-free host is not production (declare it too).`,
	Fix:        "Use the credential of the host's environment: test/sandbox keys with sandbox hosts, live keys with production hosts. Load the key and the base URL from the same environment's configuration so they cannot drift apart, and rotate a live key that was sent to a test system.",
	Severity:   High,
	Confidence: MediumConfidence,
	AnyStatus:  true,
	Explains:   true,
	ClientSide: true,
	Examples: []Example{
		{Name: "production Plaid token to the Plaid sandbox", Fires: true, HTTP: `POST https://sandbox.plaid.com/accounts/get
Content-Type: application/json
--
{"client_id":"5f3EXAMPLE0000000000000","access_token":"access-production-3e0bd1f3-5a29-4a53-9f2e-2d5a0b6c1e77"}

400
`},
		{Name: "live Stripe key to a staging host", Fires: true, HTTP: `GET https://api.staging.example.com/v1/balance
Authorization: Bearer sk_live_51EXAMPLEa1b2c3d4e5f6g7h8i9j0kLmNo

401
`},
		{Name: "Paddle sandbox key to the live API", Fires: true, HTTP: `GET https://api.paddle.com/customers
Authorization: Bearer pdl_sdbx_apikey_01EXAMPLEa1b2c3d4e5f6g7h8i9

403
`},
		{Name: "test key to a production host whose sandbox twin is in the capture", Fires: true, HTTP: `GET https://api.example.com/v1/balance
Authorization: Bearer sk_test_51EXAMPLEa1b2c3d4e5f6g7h8i9j0kLmNo

401
===
GET https://api.sandbox.example.com/v1/balance
Authorization: Bearer sk_test_51EXAMPLEa1b2c3d4e5f6g7h8i9j0kLmNo

200
`},
		{Name: "test key to a label-free host with no twin", HTTP: `GET https://api.example.com/v1/balance
Authorization: Bearer sk_test_51EXAMPLEa1b2c3d4e5f6g7h8i9j0kLmNo

401
`},
		{Name: "Stripe serves both modes from one host", HTTP: `GET https://api.stripe.com/v1/balance
Authorization: Bearer sk_test_51EXAMPLEa1b2c3d4e5f6g7h8i9j0kLmNo

200
`},
		{Name: "test key to the sandbox", HTTP: `GET https://api.sandbox.example.com/v1/balance
Authorization: Bearer sk_test_51EXAMPLEa1b2c3d4e5f6g7h8i9j0kLmNo

200
`},
	},
}

func (r *envMismatch) Meta() *Meta { return envMismatchMeta }

func (r *envMismatch) Check(c *Context, rec *parsers.Record) {
	ex := rec.Exchange
	if ex == nil || ex.Request.URL.Invalid || ex.Request.URL.Host == "" {
		return
	}
	env := c.Config.Env
	if env == nil {
		if r.builtin == nil {
			r.builtin = secrets.NewEnvResolver(nil)
		}
		env = r.builtin
	}
	f := c.Facts()
	creds := f.Credentials()
	host := ex.Request.URL.Hostname()
	he := r.hostEnv(c, env, host)
	if len(creds) == 0 {
		return
	}
	hostEnv, hostWhy := he.env, he.why
	hostStrong := hostEnv.Definite() // configured, provider table or a host label: not inferred
	if hostEnv == secrets.EnvUnknown && hostWhy == "" {
		if sbx, ok := r.twins.Get(host); ok {
			hostEnv, hostWhy, hostStrong = secrets.EnvProduction, twinReason(sbx), false
		}
	}
	ep := f.Endpoint()
	ep.Environment = string(hostEnv)
	for _, cr := range creds {
		if !cr.Comparable() {
			continue
		}
		credEnv, credWhy, provider := env.KeyEnvironment(cr.Token)
		byIssuer := false // inferred from the token's issuer, not its own text
		if !credEnv.Definite() && cr.JWT != nil && !cr.JWT.Encrypted {
			if iss := secrets.IssuerHost(cr.JWT.Issuer()); iss != "" {
				ih := r.hostEnv(c, env, iss)
				if ih.env.Definite() {
					credEnv, credWhy, byIssuer = ih.env, "JWT iss host "+iss+" ("+ih.why+")", true
				}
			}
		}
		if !credEnv.Definite() {
			continue
		}
		// built only for a report or a request kept for later: most
		// requests agree with their host
		use := func() envUse {
			return envUse{src: rec.Source, ep: ep, status: ex.Status(), desc: describe(ex), field: cr.Field, display: cr.Value.String(),
				credEnv: credEnv, credWhy: credWhy, provider: provider, fp: cr.Token.Fingerprint(),
				strong: !byIssuer}
		}
		switch {
		case hostEnv.Definite():
			if hostEnv != credEnv && !providersDiffer(secrets.HostProvider(host), provider) {
				c.Report(r.finding(use(), host, hostEnv, hostWhy, hostStrong && !byIssuer))
			}
		case hostEnv == secrets.EnvUnknown && hostWhy == "" && credEnv == secrets.EnvSandbox:
			r.remember(host, use())
		}
	}
}

// hostEnv is the resolver's decision for a host, cached. A sandbox host
// seen for the first time makes its label-free twin production, and the
// requests already sent to the twin are judged.
func (r *envMismatch) hostEnv(c *Context, env *secrets.EnvResolver, host string) hostEnv {
	he, ok := r.hosts.Get(host)
	if ok {
		return he
	}
	he.env, he.why = env.HostReason(host)
	r.hosts.Put(host, he)
	if he.env == secrets.EnvSandbox {
		// Only a twin nothing else decides is inferred (a host the
		// config declares, even as unknown, is not).
		if twin, ok := secrets.SandboxTwin(host); ok && undecided(env, twin) {
			if _, known := r.twins.Get(twin); !known {
				r.twins.Put(twin, host)
				r.decide(c, twin, host)
			}
		}
	}
	return he
}

// undecided reports a host that no configuration, table or label decides.
func undecided(env *secrets.EnvResolver, host string) bool {
	e, why := env.HostReason(host)
	return e == secrets.EnvUnknown && why == ""
}

// remember keeps a sandbox-credential request to a host whose twin may
// still appear.
func (r *envMismatch) remember(host string, u envUse) {
	p, ok := r.undecided.Get(host)
	if !ok {
		p = &envPending{}
		if _, old, evicted := r.undecided.Put(host, p); evicted {
			r.stored -= len(old.uses)
		}
	}
	if len(p.uses) >= maxEnvUsesPerHost || r.stored >= maxEnvUses {
		p.extra++
		return
	}
	p.uses = append(p.uses, u)
	r.stored++
}

// decide reports the remembered requests to a host now known to be
// production.
func (r *envMismatch) decide(c *Context, host, sandboxTwin string) {
	p, ok := r.undecided.Get(host)
	if !ok {
		return
	}
	r.undecided.Delete(host)
	r.stored -= len(p.uses)
	for i, u := range p.uses {
		if providersDiffer(secrets.HostProvider(host), u.provider) {
			continue
		}
		u.ep.Environment = string(secrets.EnvProduction)
		fd := r.finding(u, host, secrets.EnvProduction, twinReason(sandboxTwin), false)
		fd.Location, fd.Endpoint, fd.Status = u.src, u.ep, u.status
		if i == len(p.uses)-1 {
			fd.Extra = p.extra
		}
		c.Report(fd)
	}
}

func twinReason(sandboxTwin string) string {
	return "no environment label, and its sandbox twin " + sandboxTwin + " is in this capture"
}

func (r *envMismatch) finding(u envUse, host string, hostEnv secrets.Environment, hostWhy string, strong bool) Finding {
	msg := fmt.Sprintf("%s sent a %s credential to a %s host: %s is %s (%s), but %s is %s (%s).",
		u.desc, u.credEnv, hostEnv, u.field, u.credEnv, u.credWhy, host, hostEnv, hostWhy)
	sev := SeverityUnset
	switch {
	case u.status >= 200 && u.status < 400:
		msg += " The request was accepted, so either this host serves both environments (declare it shared in --env-config) or the credential is not what its format says; check which environment this call was meant for."
		sev = Low
	case u.status == 400 || u.status == 401 || u.status == 403 || u.status == 407:
		msg += " Credentials of one environment are not valid in the other, which explains the refusal."
	}
	if u.credEnv == secrets.EnvProduction {
		msg += " A production credential sent to a sandbox system should be rotated."
	}
	fd := Finding{
		Message:  msg,
		Severity: sev,
		Evidence: []Evidence{
			{Field: u.field, Value: u.display},
			{Field: "credential environment", Value: string(u.credEnv) + " — " + u.credWhy},
			{Field: "host", Value: host},
			{Field: "host environment", Value: string(hostEnv) + " — " + hostWhy},
		},
		Credential:  u.fp,
		Endpoint:    u.ep,
		Environment: string(hostEnv),
	}
	if strong {
		fd.Confidence = HighConfidence
	}
	return fd
}

// FinishFile forgets the hosts whose twin never appeared: unknown never
// mismatches.
func (r *envMismatch) FinishFile(*Context, Input) {
	r.undecided = newBoundedMap[string, *envPending](maxEnvHosts)
	r.twins = newBoundedMap[string, string](maxEnvHosts)
	r.hosts = newBoundedMap[string, hostEnv](maxEnvHosts)
	r.stored = 0
}

// providersDiffer reports a host and a credential of two different known
// providers (a Stripe key sent to PayPal is a wrong key, not a wrong
// environment).
func providersDiffer(hostProvider, credProvider string) bool {
	if hostProvider == "" || credProvider == "" {
		return false
	}
	norm := func(s string) string {
		s = strings.ToLower(s)
		return strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, s)
	}
	h, c := norm(hostProvider), norm(strings.TrimSuffix(credProvider, "-publishable"))
	return !strings.HasPrefix(h, c) && !strings.HasPrefix(c, h)
}
