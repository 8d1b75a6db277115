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
