package secrets

import (
	"net"
	"strings"
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
	host = strings.ToLower(hostOnly(host))
	if host == "" || host == "localhost" || net.ParseIP(host) != nil {
		return EnvUnknown
	}
	labels := strings.Split(host, ".")
	// The registrable part (last two labels) is the organisation's name,
	// not an environment marker (test.com is not a sandbox of anything).
	if len(labels) > 2 {
		labels = labels[:len(labels)-2]
	} else {
		return EnvUnknown
	}
	for _, l := range labels {
		if sandboxLabels[l] {
			return EnvSandbox
		}
		for _, part := range strings.FieldsFunc(l, func(r rune) bool { return r == '-' || r == '_' }) {
			if sandboxLabels[part] {
				return EnvSandbox
			}
		}
	}
	return EnvUnknown
}

// hostOnly drops a port and IPv6 brackets.
func hostOnly(h string) string {
	if host, _, err := net.SplitHostPort(h); err == nil {
		return host
	}
	return strings.Trim(h, "[]")
}

// EnvConfig is an organisation's own declarations (--env-config): hosts and
// key patterns with the environment they belong to.
type EnvConfig struct {
	Hosts []EnvPattern `json:"hosts" yaml:"hosts"`
	Keys  []EnvPattern `json:"keys" yaml:"keys"`
}

// EnvPattern maps a pattern to an environment. For hosts, Pattern is a host
// name, or "*.suffix" for every host under it; for keys, a literal prefix.
type EnvPattern struct {
	Pattern     string      `json:"pattern" yaml:"pattern"`
	Environment Environment `json:"environment" yaml:"environment"`
}

// EnvResolver decides the environment of hosts and credentials, from the
// user's config first, then the built-in tables, then host labels.
type EnvResolver struct {
	cfg EnvConfig
}

// NewEnvResolver builds a resolver; cfg may be nil.
func NewEnvResolver(cfg *EnvConfig) *EnvResolver {
	r := &EnvResolver{}
	if cfg != nil {
		r.cfg = *cfg
	}
	return r
}

// Host returns a host's environment.
func (r *EnvResolver) Host(host string) Environment {
	h := strings.ToLower(hostOnly(host))
	for _, p := range r.cfg.Hosts {
		if matchHost(strings.ToLower(p.Pattern), h) {
			return p.Environment
		}
	}
	return HostLabelEnvironment(h)
}

// Credential returns a credential's environment and the evidence for it
// (e.g. "prefix sk_test_", "JWT iss host auth.sandbox.example.com").
func (r *EnvResolver) Credential(s Secret) (Environment, string) {
	raw := s.Reveal()
	if a := s.Authorization(); s.d != nil && s.d.shape == shapeAuthorization {
		raw = trimCredential(a.Credential.Reveal())
	}
	if raw == "" {
		return EnvUnknown, ""
	}
	for _, p := range r.cfg.Keys {
		if p.Pattern != "" && strings.HasPrefix(raw, p.Pattern) {
			return p.Environment, "configured key prefix " + p.Pattern
		}
	}
	if env, kind := PrefixEnvironment(raw); env == EnvProduction || env == EnvSandbox {
		p, _ := LookupPrefix(raw)
		return env, kind + " prefix " + p.prefix
	}
	if strings.HasPrefix(raw, "eyJ") {
		if j, err := DecodeJWT(raw); err == nil && !j.Encrypted {
			if iss := j.Issuer(); iss != "" {
				host := iss
				if i := strings.Index(host, "://"); i >= 0 {
					host = host[i+3:]
				}
				host, _, _ = strings.Cut(host, "/")
				if env := r.Host(host); env == EnvProduction || env == EnvSandbox {
					return env, "JWT issuer host " + host
				}
			}
		}
	}
	return EnvUnknown, ""
}

func matchHost(pattern, host string) bool {
	if strings.HasPrefix(pattern, "*.") {
		return strings.HasSuffix(host, pattern[1:]) || host == pattern[2:]
	}
	return pattern == host
}
