package secrets

import (
	"fmt"
	"net"
	"path"
	"regexp"
	"strings"
	"sync"
)

// Environment is where a host or a credential belongs (DESIGN.md,
// "Environments").
type Environment string

const (
	EnvProduction Environment = "production"
	EnvSandbox    Environment = "sandbox"
	// EnvShared is a host that serves both modes, where the credential
	// decides (api.stripe.com). It never mismatches.
	EnvShared  Environment = "shared"
	EnvUnknown Environment = "unknown"
)

// Definite reports production or sandbox: the only environments that can
// disagree.
func (e Environment) Definite() bool { return e == EnvProduction || e == EnvSandbox }

// sandboxLabels are host labels that mark a non-production host.
var sandboxLabels = map[string]bool{
	"sandbox": true, "sbox": true, "test": true, "testing": true, "staging": true,
	"stage": true, "stg": true, "uat": true, "qa": true, "dev": true,
	"develop": true, "development": true, "playground": true, "preview": true,
	"demo": true, "int": true, "integration": true, "preprod": true, "pre-prod": true,
	"nonprod": true, "non-prod": true, "sandbox-api": true,
}

// HostLabelEnvironment judges a host by its labels alone: a label such as
// sandbox, staging or dev (also as a dash-separated part: api-sandbox) makes
// it sandbox. Loopback and bare IPs are unknown; anything else is unknown too,
// because a label-free host name says nothing for certain.
func HostLabelEnvironment(host string) Environment {
	env, _ := hostLabel(host)
	return env
}

// hostLabel is HostLabelEnvironment with the label that decided.
func hostLabel(host string) (Environment, string) {
	labels := subLabels(host)
	for _, l := range labels {
		if sandboxLabels[l] {
			return EnvSandbox, l
		}
		for _, part := range strings.FieldsFunc(l, func(r rune) bool { return r == '-' || r == '_' }) {
			if sandboxLabels[part] {
				return EnvSandbox, part
			}
		}
	}
	return EnvUnknown, ""
}

// subLabels are a host name's labels left of its registrable part (the last
// two labels, the organisation's name, which is not an environment marker:
// test.com is not a sandbox of anything). Nil for IPs, localhost and names of
// two labels or fewer.
func subLabels(host string) []string {
	host = strings.ToLower(hostOnly(host))
	if host == "" || host == "localhost" || net.ParseIP(host) != nil {
		return nil
	}
	labels := strings.Split(host, ".")
	if len(labels) <= 2 {
		return nil
	}
	return labels[:len(labels)-2]
}

// SandboxTwin returns the production twin of a sandbox-labelled host: the
// same name with its environment label removed (api.sandbox.example.com →
// api.example.com, api-staging.example.com → api.example.com,
// sandbox-api.example.com → api.example.com). ok is false when the host has
// no environment label, or more than one.
func SandboxTwin(host string) (twin string, ok bool) {
	h := strings.TrimSuffix(strings.ToLower(hostOnly(host)), ".")
	for i := 0; i < len(h); i++ {
		if c := h[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return "", false
		}
	}
	sub := subLabels(h)
	if len(sub) == 0 {
		return "", false
	}
	labels := strings.Split(h, ".")
	removed := false
	var out []string
	for i, l := range labels {
		if i >= len(sub) {
			out = append(out, l)
			continue
		}
		if sandboxLabels[l] && !strings.ContainsAny(l, "-_") {
			if removed {
				return "", false
			}
			removed = true
			continue
		}
		parts := strings.Split(l, "-")
		var keep []string
		for _, p := range parts {
			if sandboxLabels[p] {
				if removed {
					return "", false
				}
				removed = true
				continue
			}
			keep = append(keep, p)
		}
		if len(keep) > 0 {
			out = append(out, strings.Join(keep, "-"))
		}
	}
	if !removed || len(out) < 2 {
		return "", false
	}
	return strings.Join(out, "."), true
}

// hostOnly drops a port and IPv6 brackets.
func hostOnly(h string) string {
	if !strings.Contains(h, ":") {
		return h
	}
	if host, _, err := net.SplitHostPort(h); err == nil {
		return host
	}
	return strings.Trim(h, "[]")
}

// providerHost is one row of the provider table (research/domain.md Part 3):
// hosts whose environment is documented by the provider. Where patterns
// overlap, the sandbox row comes first.
type providerHost struct {
	pattern  string // exact host, or a glob where * matches within and across labels
	env      Environment
	provider string
}

var providerHosts = []providerHost{
	// One host for both modes: the key decides.
	{"api.stripe.com", EnvShared, "Stripe"},
	{"files.stripe.com", EnvShared, "Stripe"},
	{"connect.stripe.com", EnvShared, "Stripe"},
	{"api.razorpay.com", EnvShared, "Razorpay"},
	{"api.mollie.com", EnvShared, "Mollie"},
	{"api.twilio.com", EnvShared, "Twilio"},
	// Paddle Billing and Classic.
	{"sandbox-api.paddle.com", EnvSandbox, "Paddle"},
	{"sandbox-vendors.paddle.com", EnvSandbox, "Paddle"},
	{"sandbox-checkout.paddle.com", EnvSandbox, "Paddle"},
	{"api.paddle.com", EnvProduction, "Paddle"},
	{"vendors.paddle.com", EnvProduction, "Paddle"},
	// Plaid (development is retired and was never production).
	{"sandbox.plaid.com", EnvSandbox, "Plaid"},
	{"development.plaid.com", EnvSandbox, "Plaid"},
	{"production.plaid.com", EnvProduction, "Plaid"},
	// Braintree.
	{"sandbox.braintreegateway.com", EnvSandbox, "Braintree"},
	{"*.sandbox.braintreegateway.com", EnvSandbox, "Braintree"},
	{"payments.sandbox.braintree-api.com", EnvSandbox, "Braintree"},
	{"api.braintreegateway.com", EnvProduction, "Braintree"},
	{"payments.braintree-api.com", EnvProduction, "Braintree"},
	// Checkout.com (also per-merchant {prefix}.api[.sandbox].checkout.com).
	{"api.sandbox.checkout.com", EnvSandbox, "Checkout.com"},
	{"*.api.sandbox.checkout.com", EnvSandbox, "Checkout.com"},
	{"access.sandbox.checkout.com", EnvSandbox, "Checkout.com"},
	{"api.checkout.com", EnvProduction, "Checkout.com"},
	{"*.api.checkout.com", EnvProduction, "Checkout.com"},
	{"access.checkout.com", EnvProduction, "Checkout.com"},
	// PayPal REST.
	{"api-m.sandbox.paypal.com", EnvSandbox, "PayPal"},
	{"api.sandbox.paypal.com", EnvSandbox, "PayPal"},
	{"*.sandbox.paypal.com", EnvSandbox, "PayPal"},
	{"api-m.paypal.com", EnvProduction, "PayPal"},
	{"api.paypal.com", EnvProduction, "PayPal"},
	// Square.
	{"connect.squareupsandbox.com", EnvSandbox, "Square"},
	{"*.squareupsandbox.com", EnvSandbox, "Square"},
	{"connect.squareup.com", EnvProduction, "Square"},
	// Adyen: checkout-test.adyen.com, pal-test.adyen.com; live endpoints
	// carry the merchant's prefix.
	{"*-test.adyen.com", EnvSandbox, "Adyen"},
	{"*-live.adyenpayments.com", EnvProduction, "Adyen"},
	{"*-live.adyen.com", EnvProduction, "Adyen"},
	// Klarna (the region must match too).
	{"*.playground.klarna.com", EnvSandbox, "Klarna"},
	{"api.klarna.com", EnvProduction, "Klarna"},
	{"api-na.klarna.com", EnvProduction, "Klarna"},
	{"api-oc.klarna.com", EnvProduction, "Klarna"},
	// Authorize.net.
	{"apitest.authorize.net", EnvSandbox, "Authorize.net"},
	{"api.authorize.net", EnvProduction, "Authorize.net"},
	{"api2.authorize.net", EnvProduction, "Authorize.net"},
	// Okta: preview orgs and developer orgs are not production.
	{"*.oktapreview.com", EnvSandbox, "Okta"},
	{"dev-*.okta.com", EnvSandbox, "Okta"},
	{"*.okta.com", EnvProduction, "Okta"},
	{"*.okta-emea.com", EnvProduction, "Okta"},
}

// EnvConfig is an organisation's own declarations (--env-config): hosts and
// key patterns with the environment they belong to. They win over every
// built-in table.
type EnvConfig struct {
	Hosts []EnvPattern `json:"hosts" yaml:"hosts"`
	Keys  []EnvPattern `json:"keys" yaml:"keys"`
}

// EnvPattern maps a pattern to an environment. For hosts, Pattern is a host
// name, "*.suffix" for that domain and every host under it, or a glob
// ("api-*.corp.example"). For keys, Pattern is a literal prefix and Regex a
// regular expression (RE2) the whole key must match; one of them is set.
type EnvPattern struct {
	Pattern     string      `json:"pattern,omitempty" yaml:"pattern,omitempty"`
	Regex       string      `json:"regex,omitempty" yaml:"regex,omitempty"`
	Environment Environment `json:"environment" yaml:"environment"`
	// Name is shown in findings as the reason ("configured: Acme staging keys").
	Name string `json:"name,omitempty" yaml:"name,omitempty"`

	re *regexp.Regexp
}

// Validate checks a configuration: known environments, one pattern per
// entry, regular expressions that compile. The error names the entry.
func (c *EnvConfig) Validate() error {
	check := func(kind string, i int, p *EnvPattern) error {
		where := fmt.Sprintf("%s[%d]", kind, i)
		switch p.Environment {
		case EnvProduction, EnvSandbox, EnvShared, EnvUnknown:
		case "":
			return fmt.Errorf("%s: no environment (want production, sandbox, shared or unknown)", where)
		default:
			return fmt.Errorf("%s: unknown environment %q (want production, sandbox, shared or unknown)", where, p.Environment)
		}
		switch {
		case p.Pattern == "" && p.Regex == "":
			return fmt.Errorf("%s: needs a pattern", where)
		case p.Pattern != "" && p.Regex != "":
			return fmt.Errorf("%s: set pattern or regex, not both", where)
		case p.Regex != "" && kind == "hosts":
			return fmt.Errorf("%s: hosts take a pattern (a name, *.suffix or a glob), not a regex", where)
		case p.Regex != "":
			re, err := regexp.Compile(`^(?:` + p.Regex + `)$`)
			if err != nil {
				return fmt.Errorf("%s: regex: %v", where, err)
			}
			p.re = re
		case kind == "hosts":
			if _, err := path.Match(strings.ToLower(p.Pattern), ""); err != nil {
				return fmt.Errorf("%s: pattern %q: %v", where, p.Pattern, err)
			}
		}
		return nil
	}
	for i := range c.Hosts {
		if err := check("hosts", i, &c.Hosts[i]); err != nil {
			return err
		}
	}
	for i := range c.Keys {
		if err := check("keys", i, &c.Keys[i]); err != nil {
			return err
		}
	}
	return nil
}

// reason is how a configured pattern is named in findings.
func (p *EnvPattern) reason(kind string) string {
	if p.Name != "" {
		return "configured: " + p.Name
	}
	if p.Regex != "" {
		return "configured " + kind + " regex"
	}
	return "configured " + kind + " pattern " + p.Pattern
}

// EnvResolver decides the environment of hosts and credentials, from the
// user's config first, then the built-in tables, then host labels. Besides
// the configuration it keeps a bounded cache of host decisions (guarded by a
// mutex); it is safe for concurrent use.
type EnvResolver struct {
	cfg EnvConfig

	// hosts caches HostReason: the provider table is matched with globs
	// and every record asks about its host. Shared by the goroutines that
	// read inputs in parallel; bounded (cleared when full).
	mu    sync.Mutex
	hosts map[string]hostVerdict
}

type hostVerdict struct {
	env Environment
	why string
}

// maxCachedHosts bounds the host cache.
const maxCachedHosts = 4096

// NewEnvResolver builds a resolver; cfg may be nil. Invalid entries (which
// Validate reports) are ignored.
func NewEnvResolver(cfg *EnvConfig) *EnvResolver {
	r := &EnvResolver{}
	if cfg != nil {
		c := EnvConfig{Hosts: append([]EnvPattern(nil), cfg.Hosts...), Keys: append([]EnvPattern(nil), cfg.Keys...)}
		for i := range c.Keys {
			if p := &c.Keys[i]; p.Regex != "" && p.re == nil {
				p.re, _ = regexp.Compile(`^(?:` + p.Regex + `)$`)
			}
		}
		r.cfg = c
	}
	return r
}

// Host returns a host's environment.
func (r *EnvResolver) Host(host string) Environment {
	env, _ := r.HostReason(host)
	return env
}

// HostReason returns a host's environment and why ("provider table: PayPal",
// "host label sandbox", "configured host pattern *.corp.example"); the
// reason is empty when nothing decides (a host configured as unknown has
// one).
func (r *EnvResolver) HostReason(host string) (Environment, string) {
	r.mu.Lock()
	v, ok := r.hosts[host]
	r.mu.Unlock()
	if ok {
		return v.env, v.why
	}
	env, why := r.hostReason(host)
	r.mu.Lock()
	if r.hosts == nil || len(r.hosts) >= maxCachedHosts {
		r.hosts = map[string]hostVerdict{}
	}
	r.hosts[host] = hostVerdict{env, why}
	r.mu.Unlock()
	return env, why
}

func (r *EnvResolver) hostReason(host string) (Environment, string) {
	h := strings.ToLower(hostOnly(host))
	if h == "" {
		return EnvUnknown, ""
	}
	for i := range r.cfg.Hosts {
		p := &r.cfg.Hosts[i]
		if matchHost(strings.ToLower(p.Pattern), h) {
			return p.Environment, p.reason("host")
		}
	}
	if p, ok := lookupProviderHost(h); ok {
		return p.env, "provider table: " + p.provider + " " + envNoun(p.env)
	}
	if env, label := hostLabel(h); env != EnvUnknown {
		return env, "host label " + label
	}
	return EnvUnknown, ""
}

// HostProvider names the provider of a host in the provider table, or "".
func HostProvider(host string) string {
	if p, ok := lookupProviderHost(strings.ToLower(hostOnly(host))); ok {
		return p.provider
	}
	return ""
}

func lookupProviderHost(h string) (providerHost, bool) {
	for _, p := range providerHosts {
		if p.pattern == h || strings.Contains(p.pattern, "*") && globHost(p.pattern, h) {
			return p, true
		}
	}
	return providerHost{}, false
}

func envNoun(e Environment) string {
	switch e {
	case EnvShared:
		return "(one host for test and live mode)"
	case EnvSandbox:
		return "sandbox host"
	case EnvProduction:
		return "production host"
	}
	return ""
}

// envCredential is a credential format that reveals its environment without
// being a prefix of the kind table (research/domain.md Part 3).
type envCredential struct {
	re       *regexp.Regexp
	group    int // submatch holding the environment word
	provider string
}

var envCredentials = []envCredential{
	// Mollie API keys: test_ or live_ and 30 characters.
	{regexp.MustCompile(`^(test|live)_[A-Za-z0-9]{30}$`), 1, "mollie"},
	// Plaid tokens: [type]-[environment]-[uuid].
	{regexp.MustCompile(`^(?:access|public|link|processor|item)-(sandbox|development|production)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`), 1, "plaid"},
	// Braintree tokenization keys.
	{regexp.MustCompile(`^(sandbox|production)_[a-z0-9]{8}_[a-z0-9]{16}$`), 1, "braintree"},
	// Klarna API keys and client ids.
	{regexp.MustCompile(`^klarna_(test|live)_(?:api|client)_[A-Za-z0-9_-]{8,}$`), 1, "klarna"},
}

func envWord(w string) Environment {
	switch w {
	case "test", "sandbox", "development", "sbox", "sdbx":
		return EnvSandbox
	case "live", "production", "prod":
		return EnvProduction
	}
	return EnvUnknown
}

// Credential returns a credential's environment and the evidence for it
// (e.g. "stripe prefix sk_test_", "JWT iss host auth.sandbox.example.com").
func (r *EnvResolver) Credential(s Secret) (Environment, string) {
	env, why, _ := r.CredentialProvider(s)
	return env, why
}

// CredentialProvider is Credential with the provider the format belongs to
// ("stripe", "plaid"; "" when not known).
func (r *EnvResolver) CredentialProvider(s Secret) (Environment, string, string) {
	if env, why, provider := r.KeyEnvironment(s); env.Definite() {
		return env, why, provider
	}
	raw := credentialText(s)
	if strings.HasPrefix(raw, "eyJ") {
		if j, err := DecodeJWT(raw); err == nil && !j.Encrypted {
			if env, why := r.IssuerEnvironment(j.Issuer()); env.Definite() {
				return env, why, ""
			}
		}
	}
	return EnvUnknown, "", ""
}

// credentialText is the bare credential: after the scheme for an
// Authorization value, without wrapping quotes.
func credentialText(s Secret) string {
	if s.d != nil && s.d.shape == shapeAuthorization {
		return trimCredential(s.Authorization().Credential.Reveal())
	}
	return s.Reveal()
}

// KeyEnvironment judges a credential by its text alone: the configured key
// patterns, public prefixes and embedded markers. It does not decode JWTs
// (see IssuerEnvironment), so a caller that has decoded one already does not
// decode it again.
func (r *EnvResolver) KeyEnvironment(s Secret) (Environment, string, string) {
	raw := credentialText(s)
	if raw == "" {
		return EnvUnknown, "", ""
	}
	for i := range r.cfg.Keys {
		p := &r.cfg.Keys[i]
		if p.re != nil && p.re.MatchString(raw) || p.Regex == "" && p.Pattern != "" && strings.HasPrefix(raw, p.Pattern) {
			return p.Environment, p.reason("key"), ""
		}
	}
	if p, ok := LookupPrefix(raw); ok && p.env.Definite() {
		return p.env, string(p.kind) + " prefix " + p.prefix, string(p.kind)
	}
	if len(raw) < 20 || len(raw) > 200 {
		return EnvUnknown, "", ""
	}
	for _, ec := range envCredentials {
		if m := ec.re.FindStringSubmatch(raw); m != nil {
			if env := envWord(m[ec.group]); env.Definite() {
				return env, ec.provider + " " + m[ec.group] + " key format", ec.provider
			}
		}
	}
	return EnvUnknown, "", ""
}

// IssuerEnvironment judges a token by its issuer (the JWT iss claim): the
// environment of the issuer's host.
func (r *EnvResolver) IssuerEnvironment(iss string) (Environment, string) {
	if iss == "" {
		return EnvUnknown, ""
	}
	host := IssuerHost(iss)
	if host == "" {
		return EnvUnknown, ""
	}
	if env, why := r.HostReason(host); env.Definite() {
		return env, "JWT iss host " + host + " (" + why + ")"
	}
	return EnvUnknown, ""
}

// IssuerHost is the lower-case host[:port] of a JWT issuer: the authority of
// a URL (https://auth.example.com/realms/x) without any userinfo, or a bare
// dotted name; "" when the issuer is not a host (a plain identifier). The
// detectors and the resolver both read issuers through it.
func IssuerHost(iss string) string {
	if i := strings.Index(iss, "://"); i >= 0 {
		iss = iss[i+3:]
	} else if !strings.Contains(iss, ".") {
		return ""
	}
	if i := strings.IndexAny(iss, "/?#"); i >= 0 {
		iss = iss[:i]
	}
	if i := strings.LastIndexByte(iss, '@'); i >= 0 {
		iss = iss[i+1:]
	}
	return strings.ToLower(iss)
}

// matchHost matches a configured host pattern: a name, "*.suffix" (the
// domain and every host under it) or a glob.
func matchHost(pattern, host string) bool {
	if strings.HasPrefix(pattern, "*.") && !strings.Contains(pattern[2:], "*") {
		return strings.HasSuffix(host, pattern[1:]) || host == pattern[2:]
	}
	if strings.Contains(pattern, "*") {
		return globHost(pattern, host)
	}
	return pattern == host
}

// globHost matches a glob where * spans any characters, dots included.
func globHost(pattern, host string) bool {
	ok, err := path.Match(pattern, host)
	return err == nil && ok
}
