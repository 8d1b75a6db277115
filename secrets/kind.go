package secrets

import (
	"regexp"
	"strings"
)

// Kind names a credential's format. It is public information: reports show it.
type Kind string

const (
	KindEmpty       Kind = "empty"
	KindRedacted    Kind = "redacted"    // a redaction marker, not a credential
	KindPlaceholder Kind = "placeholder" // undefined, ${TOKEN}, YOUR_API_KEY ...
	KindJWT         Kind = "jwt"
	KindJWE         Kind = "jwe"
	KindBasic       Kind = "basic" // base64 of user:password
	KindCookie      Kind = "cookie"
	KindPassword    Kind = "password"
	KindOpaque      Kind = "opaque"
)

// prefixKind is one entry of the table of public prefixes. The prefix is
// shown in reports because it tells the provider and often the environment
// (sk_live_ vs sk_test_); nothing after it is.
type prefixKind struct {
	prefix string
	kind   Kind
	env    Environment // environment the prefix implies, if any
	min    int         // minimum total length for the prefix to count
}

// prefixes is ordered longest-first within a family so that sk-proj- wins
// over sk-. Sources: research/domain.md Part 3 and §3.1.
var prefixes = []prefixKind{
	{"sk_live_", "stripe", EnvProduction, 20},
	{"sk_test_", "stripe", EnvSandbox, 20},
	{"rk_live_", "stripe", EnvProduction, 20},
	{"rk_test_", "stripe", EnvSandbox, 20},
	{"sk_prod_", "stripe", EnvProduction, 20},
	{"rk_prod_", "stripe", EnvProduction, 20},
	{"sk_sbox_", "checkout", EnvSandbox, 20},
	{"pk_live_", "stripe-publishable", EnvProduction, 20},
	{"pk_test_", "stripe-publishable", EnvSandbox, 20},
	{"whsec_", "stripe-webhook", EnvUnknown, 20},
	{"pk_sbox_", "checkout-publishable", EnvSandbox, 20},
	{"github_pat_", "github", EnvProduction, 40},
	{"ghp_", "github", EnvProduction, 40},
	{"gho_", "github", EnvProduction, 40},
	{"ghu_", "github", EnvProduction, 40},
	{"ghs_", "github", EnvProduction, 40},
	{"ghr_", "github", EnvProduction, 40},
	{"glpat-", "gitlab", EnvProduction, 26},
	{"gldt-", "gitlab", EnvProduction, 25},
	{"glptt-", "gitlab", EnvProduction, 26},
	{"glrt-", "gitlab", EnvProduction, 25},
	{"glcbt-", "gitlab", EnvProduction, 26},
	{"glimt-", "gitlab", EnvProduction, 26},
	{"gloas-", "gitlab", EnvProduction, 26},
	{"glsoat-", "gitlab", EnvProduction, 27},
	{"glft-", "gitlab", EnvProduction, 25},
	{"GR1348941", "gitlab", EnvProduction, 29},
	{"xoxb-", "slack", EnvProduction, 20},
	{"xoxp-", "slack", EnvProduction, 20},
	{"xoxa-", "slack", EnvProduction, 20},
	{"xoxr-", "slack", EnvProduction, 20},
	{"xoxs-", "slack", EnvProduction, 20},
	{"xoxe-", "slack", EnvProduction, 20},
	{"xoxe.", "slack", EnvProduction, 20},
	{"xoxo-", "slack", EnvProduction, 20},
	{"xapp-", "slack", EnvProduction, 20},
	{"AKIA", "aws", EnvUnknown, 20},
	{"ASIA", "aws", EnvUnknown, 20},
	{"ABIA", "aws", EnvUnknown, 20},
	{"ACCA", "aws", EnvUnknown, 20},
	{"AIza", "google", EnvUnknown, 39},
	{"ya29.", "google-oauth", EnvProduction, 20},
	{"sk-ant-", "anthropic", EnvProduction, 40},
	{"sk-proj-", "openai", EnvProduction, 40},
	{"sk-svcacct-", "openai", EnvProduction, 40},
	{"sk-admin-", "openai", EnvProduction, 40},
	{"SG.", "sendgrid", EnvProduction, 60},
	{"shpat_", "shopify", EnvProduction, 38},
	{"shpss_", "shopify", EnvProduction, 38},
	{"shpca_", "shopify", EnvProduction, 38},
	{"shppa_", "shopify", EnvProduction, 38},
	{"sq0atp-", "square", EnvProduction, 29},
	{"sq0csp-", "square", EnvProduction, 40},
	{"sandbox-sq0atb-", "square", EnvSandbox, 30},
	{"EAAA", "square", EnvUnknown, 60},
	{"rzp_live_", "razorpay", EnvProduction, 20},
	{"rzp_test_", "razorpay", EnvSandbox, 20},
	{"pdl_live_", "paddle", EnvProduction, 20},
	{"pdl_sdbx_", "paddle", EnvSandbox, 20},
	{"pdl_ntfset_", "paddle", EnvUnknown, 30},
	{"access-production-", "plaid", EnvProduction, 30},
	{"access-development-", "plaid", EnvSandbox, 30},
	{"access-sandbox-", "plaid", EnvSandbox, 30},
	{"access_token$production$", "braintree", EnvProduction, 40},
	{"access_token$sandbox$", "braintree", EnvSandbox, 40},
	{"npm_", "npm", EnvProduction, 40},
	{"mob-", "launchdarkly", EnvProduction, 30},
	{"sdk-", "launchdarkly", EnvProduction, 30},
}

var reOpenAI = regexp.MustCompile(`^sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}$`)

// Classify returns the kind of a bare credential and its public prefix.
func Classify(raw string) (Kind, string) {
	if raw == "" {
		return KindEmpty, ""
	}
	if IsRedactionMarker(raw) {
		return KindRedacted, ""
	}
	if IsPlaceholder(raw) {
		return KindPlaceholder, ""
	}
	if strings.HasPrefix(raw, "eyJ") {
		switch jwtSegments(raw) {
		case 3:
			return KindJWT, "eyJ"
		case 5:
			return KindJWE, "eyJ"
		}
		// A sanitized JWT keeps header and payload and replaces the
		// signature by a marker: still a JWT whose claims can be judged.
		if _, _, sig, ok := splitJWT(raw); ok && IsRedactionMarker(sig) {
			return KindJWT, "eyJ"
		}
	}
	if p, ok := LookupPrefix(raw); ok {
		return p.kind, p.prefix
	}
	if reOpenAI.MatchString(raw) {
		return "openai", "sk-"
	}
	return KindOpaque, ""
}

// prefixesByByte lists, for each first byte, the rows of prefixes that start
// with it, in table order: Classify runs on every path segment and every
// credential, and most values start with a byte no prefix starts with.
var prefixesByByte = func() (idx [256][]prefixKind) {
	for _, p := range prefixes {
		idx[p.prefix[0]] = append(idx[p.prefix[0]], p)
	}
	return idx
}()

// LookupPrefix finds the public prefix raw starts with.
func LookupPrefix(raw string) (prefixKind, bool) {
	if raw == "" {
		return prefixKind{}, false
	}
	if raw[0] == '<' {
		// a sanitized marker keeps the public prefix and the length
		if m, ok := ParseMarker(raw); ok && m.Prefix != "" {
			for _, p := range prefixesByByte[m.Prefix[0]] {
				if p.prefix == m.Prefix && m.Len >= p.min {
					return p, true
				}
			}
		}
		return prefixKind{}, false
	}
	for _, p := range prefixesByByte[raw[0]] {
		if len(raw) >= p.min && strings.HasPrefix(raw, p.prefix) {
			return p, true
		}
	}
	return prefixKind{}, false
}

// jwtSegments counts the dot-separated segments of a value made only of
// base64url characters and dots (eyJ… . … . …), 0 when another byte
// appears. It replaces two regular expressions on the detectors' hot path.
func jwtSegments(s string) int {
	n := 1
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '.':
			n++
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_':
		default:
			return 0
		}
	}
	return n
}
