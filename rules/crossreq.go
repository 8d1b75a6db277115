package rules

import (
	"hash/fnv"
	"net/url"
	"strconv"
	"strings"

	"github.com/authtriage/authtriage/parsers"
	"github.com/authtriage/authtriage/secrets"
)

// Helpers shared by the rules that look across requests (redirect chains,
// preflights, refreshes, retries). Their state holds hashes, fingerprints,
// sources and display strings, never a raw credential.

// urlKey hashes a URL's origin (u.Origin(), passed in because callers
// usually have it already), path and query: two requests to the same URL get
// the same key. Credential query values enter through their fingerprint.
func urlKey(u parsers.URL, origin string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(origin))
	h.Write([]byte{0})
	h.Write([]byte(u.Path))
	for _, p := range u.Query {
		h.Write([]byte{0})
		h.Write([]byte(p.Name))
		h.Write([]byte{'='})
		if p.Sensitive() {
			fp := p.Secret.Fingerprint()
			h.Write(fp[:])
		} else {
			h.Write([]byte(p.Value))
		}
	}
	return h.Sum64()
}

// resolveRedirect resolves a Location (absolute or relative) against the
// request URL. ok is false when it does not parse.
func resolveRedirect(base parsers.URL, location string) (parsers.URL, bool) {
	location = strings.TrimSpace(location)
	if location == "" || base.Invalid {
		return parsers.URL{}, false
	}
	loc, err := url.Parse(location)
	if err != nil {
		return parsers.URL{}, false
	}
	b := &url.URL{Scheme: base.Scheme, Host: base.Host, Path: base.Path}
	t := parsers.ParseURL(b.ResolveReference(loc).String())
	if t.Invalid || t.Host == "" {
		return parsers.URL{}, false
	}
	return t, true
}

// where names a record for messages: "entry 6" in a HAR, "line 12" elsewhere.
func where(s parsers.Source) string {
	if s.Entry >= 0 && s.Format == parsers.FormatHAR {
		return "entry " + strconv.Itoa(s.Entry)
	}
	if s.Line > 0 {
		return "line " + strconv.Itoa(s.Line)
	}
	return "an earlier record"
}

// isRedirect reports a 3xx that sends the client elsewhere.
func isRedirect(ex *parsers.Exchange) bool {
	switch ex.Status() {
	case 301, 302, 303, 307, 308:
		return ex.Response.RedirectURL != ""
	}
	return false
}

// topField returns a body field at the top level of a JSON or form body.
func topField(b parsers.Body, name string) (parsers.Param, bool) {
	for _, p := range b.Fields {
		if strings.EqualFold(p.Name, name) && (p.Path == "form" || p.Path == "multipart" || strings.EqualFold(p.Path, name)) {
			return p, true
		}
	}
	return parsers.Param{}, false
}

// oauthError is the OAuth error code (RFC 6749 §5.2, RFC 6750 §3.1) and
// description a response carries, from its body or its challenges.
func oauthError(f *Facts) (code, desc string) {
	ex := f.Exchange()
	if ex == nil || ex.Response == nil {
		return "", ""
	}
	if p, ok := topField(ex.Response.Body, "error"); ok && !p.Sensitive() && len(p.Value) < 64 {
		code = p.Value
		if d, ok := topField(ex.Response.Body, "error_description"); ok && !d.Sensitive() {
			desc = d.Value
		}
		return code, desc
	}
	for _, ch := range f.Challenges() {
		if c, ok := ch.Param("error"); ok && c != "" {
			d, _ := ch.Param("error_description")
			return c, d
		}
	}
	return "", ""
}

// clientIDEvidence shows a token request's client_id (an identifier, not a
// secret), when the body has one.
func clientIDEvidence(ex *parsers.Exchange) (Evidence, bool) {
	if p, ok := topField(ex.Request.Body, "client_id"); ok && !p.Sensitive() && p.Value != "" {
		return Evidence{Field: "request.body.client_id", Value: oneLine(p.Value, 100)}, true
	}
	return Evidence{}, false
}

// descEvidence shows an OAuth error_description, scrubbed: servers may echo
// the credential they refused.
func descEvidence(desc string) Evidence {
	return Evidence{Field: "response error_description", Value: oneLine(secrets.ScrubText(desc), 200)}
}

// grantType is the grant_type of a token request, "" when absent.
func grantType(ex *parsers.Exchange) string {
	if p, ok := topField(ex.Request.Body, "grant_type"); ok {
		return strings.TrimSpace(p.Value)
	}
	for _, p := range ex.Request.URL.Query {
		if p.Name == "grant_type" {
			return p.Value
		}
	}
	return ""
}

// bodySecret returns a credential-named field of a body (access_token,
// refresh_token) when it holds a value.
func bodySecret(b parsers.Body, name string) (secrets.Secret, bool) {
	p, ok := topField(b, name)
	if !ok || !p.Sensitive() || p.Secret.Empty() {
		return secrets.Secret{}, false
	}
	if k := p.Secret.Kind(); k == secrets.KindPlaceholder || redactedUpstream(p.Secret) {
		return secrets.Secret{}, false
	}
	return p.Secret, true
}

// boundedMap is a map that forgets its oldest entries beyond max, so that a
// stream rule's state stays flat however long the input.
type boundedMap[K comparable, V any] struct {
	m     map[K]*boundedEntry[V]
	order []boundedSlot[K]
	next  int
	max   int
	seq   uint64
}

type boundedEntry[V any] struct {
	v   V
	seq uint64
}

type boundedSlot[K comparable] struct {
	k   K
	seq uint64
}

func newBoundedMap[K comparable, V any](max int) *boundedMap[K, V] {
	return &boundedMap[K, V]{m: map[K]*boundedEntry[V]{}, max: max}
}

// Get returns the value for k.
func (b *boundedMap[K, V]) Get(k K) (V, bool) {
	e, ok := b.m[k]
	if !ok {
		var zero V
		return zero, false
	}
	return e.v, true
}

// Put sets k, replacing an existing value (which keeps its age). When the
// map is full, the oldest entry is evicted and returned.
func (b *boundedMap[K, V]) Put(k K, v V) (evictedKey K, evicted V, ok bool) {
	if e, have := b.m[k]; have {
		e.v = v
		return evictedKey, evicted, false
	}
	b.seq++
	slot := boundedSlot[K]{k: k, seq: b.seq}
	if len(b.order) < b.max {
		b.order = append(b.order, slot)
	} else {
		old := b.order[b.next]
		b.order[b.next] = slot
		b.next = (b.next + 1) % b.max
		if e, have := b.m[old.k]; have && e.seq == old.seq {
			delete(b.m, old.k)
			evictedKey, evicted, ok = old.k, e.v, true
		}
	}
	b.m[k] = &boundedEntry[V]{v: v, seq: b.seq}
	return evictedKey, evicted, ok
}

// Delete removes k.
func (b *boundedMap[K, V]) Delete(k K) { delete(b.m, k) }

// Len is the number of entries.
func (b *boundedMap[K, V]) Len() int { return len(b.m) }

// Each calls fn for every entry, oldest first.
func (b *boundedMap[K, V]) Each(fn func(K, V)) {
	n := len(b.order)
	for i := 0; i < n; i++ {
		s := b.order[(b.next+i)%n]
		if e, ok := b.m[s.k]; ok && e.seq == s.seq {
			fn(s.k, e.v)
		}
	}
}
