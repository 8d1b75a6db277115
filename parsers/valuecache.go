package parsers

import (
	"slices"
	"strings"

	"github.com/authtriage/authtriage/secrets"
)

// valueCache builds headers and query parameters for one reader. Building
// them is costly for what they are: a name is classified (secrets
// lower-cases it and tests compound names), and a credential value is
// parsed, classified by regular expressions (tens of µs for a JWT) and
// fingerprinted with an HMAC. Logs repeat both (the same client sends the
// same token line after line, a retry storm the same URL), so names are
// classified once and values built once, within a bound. Secrets are
// immutable, so records may share them; slices are copied. A nil cache
// builds everything afresh.
type valueCache struct {
	kinds   map[string]headerKind
	values  map[headerKey]Header
	queries map[string][]Param
	// interned holds the repeating strings detach shares between lines.
	interned map[string]string
}

type headerKind uint8

const (
	hkPlain      headerKind = iota + 1 // no credential: Header{Name, Value}
	hkCredential                       // Authorization, Cookie, X-Api-Key…: cached by value
	hkURL                              // Referer, Location: may carry a credential, not cached
)

type headerKey struct{ name, value string }

// maxValueCache bounds each map; a full map is dropped and refilled, which
// keeps memory flat whatever the log holds.
const maxValueCache = 512

// query parses a query string, once per distinct string.
func (c *valueCache) query(q string) []Param {
	if q == "" {
		return nil
	}
	if c == nil {
		return ParseQuery(q, "query")
	}
	ps, ok := c.queries[q]
	if !ok {
		// Cloned: q is a substring of the line, which the cache must
		// not keep alive.
		q = strings.Clone(q)
		ps = ParseQuery(q, "query")
		if c.queries == nil || len(c.queries) >= maxValueCache {
			c.queries = make(map[string][]Param)
		}
		c.queries[q] = ps
	}
	return slices.Clone(ps)
}

func (c *valueCache) kind(name string) headerKind {
	if k, ok := c.kinds[name]; ok {
		return k
	}
	k := hkPlain
	switch {
	case secrets.IsCredentialHeader(name):
		k = hkCredential
	case isURLHeader(name):
		k = hkURL
	}
	if c.kinds == nil || len(c.kinds) >= maxValueCache {
		c.kinds = make(map[string]headerKind)
	}
	c.kinds[strings.Clone(name)] = k
	return k
}

func (c *valueCache) header(name, value string) Header {
	switch c.kind(name) {
	case hkPlain:
		return Header{Name: name, Value: value}
	case hkURL:
		return NewHeader(name, value) // not cached: each Referer differs
	}
	key := headerKey{name, value}
	if h, ok := c.values[key]; ok {
		return h
	}
	key = headerKey{strings.Clone(name), strings.Clone(value)}
	h := NewHeader(key.name, key.value)
	if c.values == nil || len(c.values) >= maxValueCache {
		c.values = make(map[headerKey]Header)
	}
	c.values[key] = h
	return h
}

// add appends a header unless the value says "absent" or the same name and
// value are already there: a log can hold the same header twice (zap's
// "authorization" field and its "headers" map), which must not look like
// two Authorization headers sent.
func (c *valueCache) add(hs Headers, name, value string) Headers {
	if absentValue(value) || name == "" {
		return hs
	}
	for _, h := range hs {
		if strings.EqualFold(h.Name, name) && (h.Value == value && !h.Sensitive() || h.Sensitive() && h.Secret.Reveal() == value) {
			return hs
		}
	}
	return append(hs, c.header(name, value))
}

// maxInterned bounds the interned strings of one reader.
const maxInterned = 1024

// detach makes an exchange read from a line independent of the line's
// memory. A log reader's fields are substrings of the line (gjson's
// results, the CLF fields), and a rule or a statistic that keeps one (a
// method in a retry-storm key, a host in the endpoint table) would keep
// the whole line alive with it: on a large log, tens of MB of lines held
// for a few bytes each. Values that repeat from line to line (method,
// scheme, protocol, host, header names) are interned; the rest is copied.
// Credential values are Secrets, which own a copy of their value.
func (c *valueCache) detach(ex *Exchange) {
	if ex == nil {
		return
	}
	rq := &ex.Request
	rq.Method = c.intern(rq.Method)
	rq.Proto = c.intern(rq.Proto)
	rq.URL.Scheme = c.intern(rq.URL.Scheme)
	rq.URL.Host = c.intern(rq.URL.Host)
	rq.URL.Path = strings.Clone(rq.URL.Path)
	rq.URL.User = strings.Clone(rq.URL.User)
	c.detachHeaders(rq.Headers)
	if rs := ex.Response; rs != nil {
		rs.Proto = c.intern(rs.Proto)
		rs.StatusText = c.intern(rs.StatusText)
		rs.RedirectURL = strings.Clone(rs.RedirectURL)
		c.detachHeaders(rs.Headers)
	}
	for k, v := range ex.Extras {
		ex.Extras[k] = strings.Clone(v)
	}
}

func (c *valueCache) detachHeaders(hs Headers) {
	for i := range hs {
		hs[i].Name = c.intern(hs[i].Name)
		hs[i].Value = strings.Clone(hs[i].Value)
	}
}

// intern returns a copy of s that other lines share.
func (c *valueCache) intern(s string) string {
	if s == "" {
		return ""
	}
	if c == nil {
		return strings.Clone(s)
	}
	if v, ok := c.interned[s]; ok {
		return v
	}
	if c.interned == nil || len(c.interned) >= maxInterned {
		c.interned = make(map[string]string)
	}
	s = strings.Clone(s)
	c.interned[s] = s
	return s
}
