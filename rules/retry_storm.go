package rules

import (
	"crypto/sha256"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/authtriage/authtriage/parsers"
	"github.com/authtriage/authtriage/secrets"
)

// retryStorm counts failures per request identity (method, origin, route,
// credential). Before a storm is confirmed it keeps at most threshold
// recent failures per identity; once confirmed, each failure is reported as
// it comes and the final count, span and rate revise the finding when the
// storm ends. State is bounded by maxStormKeys identities.
type retryStorm struct {
	keys      *boundedMap[stormKey, *stormState]
	lastSweep time.Time
}

type stormKey struct {
	method, origin, route string
	cred                  secrets.Fingerprint
}

type stormHit struct {
	src    parsers.Source
	at     time.Time
	status int
}

type stormState struct {
	hits        []stormHit // failures in the window, before confirmation
	storm       bool
	count       int
	first, last time.Time
	firstSrc    parsers.Source
	place       string
	ep          Endpoint
	cred        string // display form of the credential, or "no credential"
	credFP      secrets.Fingerprint
	statuses    map[int]int
}

const (
	maxStormKeys = 4096
	// MaxRetryThreshold bounds --retry-threshold: the failures kept per
	// request identity before a storm is confirmed.
	MaxRetryThreshold = 10000
)

func newRetryStorm() Rule {
	return &retryStorm{keys: newBoundedMap[stormKey, *stormState](maxStormKeys)}
}

var retryStormMeta = &Meta{
	ID:    "retry-storm",
	Title: "The client retries the same refused request again and again without changing anything",
	Doc: `The same request — same method, host, route and credential — was refused (400, 401, 403 or 407) at
least ` + "`--retry-threshold`" + ` times (default 5) within ` + "`--retry-window`" + ` (default 60 s), with nothing changed between
attempts. An authentication failure does not go away by itself: retrying it only adds load, fills logs, and
with many providers triggers rate limits, account lockouts or abuse detection. It usually means a retry
policy that treats 401 like a network error, or a token refresh that never happens.

This rule does not say why the request fails — other findings on the same entries do (often
` + "`server-rejected-token`" + ` or ` + "`expired-token`" + `); it says the client's reaction makes it worse. It does not count
towards the share of 401s explained.

**How it is detected.** Failures are grouped by method, origin, route template (` + "`/v1/orders/{id}`" + `) and the
fingerprint of the credentials sent. A storm starts when the threshold is reached inside a sliding window;
it goes on while failures keep coming no more than a window apart, and ends with a success for the same
request, a longer pause, or the end of the input. Each storm is one finding listing every failing attempt,
with the count, the span and the rate. Records without any time (no start time and no response ` + "`Date`" + `)
cannot be judged and are left alone. In an access log that does not record request
headers, or that redacts them (Caddy logs every Authorization as ` + "`REDACTED`" + `), the client address, user and user
agent stand in for the credential; a log that records none of them is not judged, since every client would
look like one.

**Known false positives.** A load test or a monitoring probe that is meant to hit a refusing endpoint.`,
	Fix:        "Do not retry 401/403 as if they were transient: refresh the token once (single-flight) and retry at most once with the new credential; otherwise stop and surface the error (sign the user in again). Keep retries with backoff for 429, 5xx and network errors.",
	Severity:   Medium,
	Confidence: HighConfidence,
	Examples: []Example{
		{Name: "five identical refusals in five seconds", Fires: true, HTTP: `GET https://api.example.com/v1/orders/8812
Authorization: Bearer 9f8e7d6c5b4a39281706f5e4

401
===
GET https://api.example.com/v1/orders/8812
Authorization: Bearer 9f8e7d6c5b4a39281706f5e4

401
===
GET https://api.example.com/v1/orders/8812
Authorization: Bearer 9f8e7d6c5b4a39281706f5e4

401
===
GET https://api.example.com/v1/orders/8812
Authorization: Bearer 9f8e7d6c5b4a39281706f5e4

401
===
GET https://api.example.com/v1/orders/8812
Authorization: Bearer 9f8e7d6c5b4a39281706f5e4

401
`},
		{Name: "the client changes the token between attempts", HTTP: `GET https://api.example.com/v1/orders/8812
Authorization: Bearer 9f8e7d6c5b4a39281706f5e4

401
===
GET https://api.example.com/v1/orders/8812
Authorization: Bearer 1a2b3c4d5e6f708192a3b4c5

401
===
GET https://api.example.com/v1/orders/8812
Authorization: Bearer 9f8e7d6c5b4a39281706f5e4

401
===
GET https://api.example.com/v1/orders/8812
Authorization: Bearer 1a2b3c4d5e6f708192a3b4c5

401
===
GET https://api.example.com/v1/orders/8812
Authorization: Bearer 0f9e8d7c6b5a493827160f5e

401
`},
		{Name: "five refusals spread over ten minutes", HTTP: `GET https://api.example.com/v1/orders/8812
Authorization: Bearer 9f8e7d6c5b4a39281706f5e4

401
Date: Mon, 30 Nov 2026 06:40:00 GMT
===
GET https://api.example.com/v1/orders/8812
Authorization: Bearer 9f8e7d6c5b4a39281706f5e4

401
Date: Mon, 30 Nov 2026 06:42:30 GMT
===
GET https://api.example.com/v1/orders/8812
Authorization: Bearer 9f8e7d6c5b4a39281706f5e4

401
Date: Mon, 30 Nov 2026 06:45:00 GMT
===
GET https://api.example.com/v1/orders/8812
Authorization: Bearer 9f8e7d6c5b4a39281706f5e4

401
Date: Mon, 30 Nov 2026 06:47:30 GMT
===
GET https://api.example.com/v1/orders/8812
Authorization: Bearer 9f8e7d6c5b4a39281706f5e4

401
Date: Mon, 30 Nov 2026 06:50:00 GMT
`},
	},
}

func (r *retryStorm) Meta() *Meta { return retryStormMeta }

func (r *retryStorm) Check(c *Context, rec *parsers.Record) {
	ex := rec.Exchange
	if ex == nil {
		return
	}
	at := ex.Time()
	if at.IsZero() {
		return
	}
	window, threshold := stormSettings(c.Config)
	if at.Sub(r.lastSweep) > window {
		r.sweep(c, at, window)
		r.lastSweep = at
	}
	st := ex.Status()
	failed := ex.Failed()
	if !failed && (st < 200 || st >= 400 || r.keys.Len() == 0) {
		return // a success only ends a storm, and there is none to end
	}
	f := c.Facts()
	ep := f.Endpoint()
	cred, ok := requesterFingerprint(f, ex)
	if !ok {
		return
	}
	k := stormKey{method: ep.Method, origin: ep.Origin, route: ep.Route, cred: cred}
	s, ok := r.keys.Get(k)
	if !failed {
		if ok {
			r.close(c, s)
			r.keys.Delete(k)
		}
		return
	}
	if ok && at.Sub(s.last) > window {
		r.close(c, s)
		ok = false
	}
	if !ok {
		s = &stormState{ep: ep, cred: requesterDisplay(f, ex), credFP: k.cred, statuses: map[int]int{}}
		if _, old, evicted := r.keys.Put(k, s); evicted {
			r.close(c, old)
		}
	}
	if at.After(s.last) {
		s.last = at
	}
	s.statuses[st]++
	if s.storm {
		s.count++
		r.occurrence(c, s, rec.Source, st)
		return
	}
	s.hits = append(s.hits, stormHit{src: rec.Source, at: at, status: st})
	for len(s.hits) > 0 && at.Sub(s.hits[0].at) > window {
		s.hits = s.hits[1:]
	}
	if len(s.hits) < threshold {
		return
	}
	// Confirmed: report the attempts so far, then each further one.
	s.storm = true
	s.count = len(s.hits)
	s.first, s.firstSrc = s.hits[0].at, s.hits[0].src
	s.place = "retry storm from " + s.first.UTC().Format(time.RFC3339)
	for _, h := range s.hits {
		r.occurrence(c, s, h.src, h.status)
	}
	s.hits = nil
}

// stormSettings reads the configuration, with the CLI's defaults.
func stormSettings(cfg *Config) (time.Duration, int) {
	window, threshold := 60*time.Second, 5
	if cfg != nil {
		if cfg.RetryWindow > 0 {
			window = cfg.RetryWindow
		}
		if cfg.RetryThreshold > 1 {
			threshold = min(cfg.RetryThreshold, MaxRetryThreshold)
		}
	}
	return window, threshold
}

// occurrence reports one failing attempt of a confirmed storm.
func (r *retryStorm) occurrence(c *Context, s *stormState, src parsers.Source, status int) {
	f := r.finding(s)
	f.Location, f.Status = src, status
	c.Report(f)
}

// finding is the storm's finding as it stands.
func (r *retryStorm) finding(s *stormState) Finding {
	span := s.last.Sub(s.first)
	rate := "all at once"
	if secs := span.Seconds(); secs >= 1 {
		rate = perUnit(float64(s.count)/secs) + " per second"
		if float64(s.count)/secs < 1 {
			rate = perUnit(float64(s.count)*60/secs) + " per minute"
		}
	}
	var sts []string
	for code, n := range s.statuses {
		sts = append(sts, fmt.Sprintf("%d×%d", n, code))
	}
	sort.Strings(sts)
	msg := fmt.Sprintf("%s %s%s was refused %d times in %s (%s) %s and nothing else changed: the client retries a refusal that only a new credential or a fix can end, adding load and risking rate limits or lockouts.",
		s.ep.Method, s.ep.Host, s.ep.Route, s.count, HumanDuration(span), rate, s.cred)
	return Finding{
		Message:    msg,
		Endpoint:   s.ep,
		Place:      s.place,
		Credential: s.credFP,
		Evidence: []Evidence{
			{Field: "attempts", Value: fmt.Sprint(s.count)},
			{Field: "span", Value: HumanDuration(span)},
			{Field: "rate", Value: rate},
			{Field: "first attempt", Value: s.first.UTC().Format(time.RFC3339Nano)},
			{Field: "last attempt", Value: s.last.UTC().Format(time.RFC3339Nano)},
			{Field: "statuses", Value: strings.Join(sts, ", ")},
			{Field: "requester", Value: s.cred},
		},
		Location: s.firstSrc,
	}
}

// perUnit prints a rate with two significant digits, never in exponent
// form (200, not 2e+02).
func perUnit(v float64) string {
	if v >= 10 {
		return strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'g', 2, 64)
}

// close ends a storm: its finding is revised with the final count, span
// and rate.
func (r *retryStorm) close(c *Context, s *stormState) {
	if s == nil || !s.storm {
		return
	}
	f := r.finding(s)
	f.Update = true
	c.Report(f)
	s.storm = false
}

// sweep ends the storms and forgets the failures older than the window.
func (r *retryStorm) sweep(c *Context, now time.Time, window time.Duration) {
	var old []stormKey
	r.keys.Each(func(k stormKey, s *stormState) {
		if now.Sub(s.last) > window {
			old = append(old, k)
		}
	})
	for _, k := range old {
		s, _ := r.keys.Get(k)
		r.close(c, s)
		r.keys.Delete(k)
	}
}

// FinishFile ends the storms still going at the end of the input.
func (r *retryStorm) FinishFile(c *Context, _ Input) {
	r.keys.Each(func(_ stormKey, s *stormState) { r.close(c, s) })
	r.keys = newBoundedMap[stormKey, *stormState](maxStormKeys)
	r.lastSweep = time.Time{}
}

// requesterFingerprint identifies who sent a request: its credentials.
// Where they cannot be compared (not recorded, or redacted), the client
// address, user and user agent stand in for them; a record with none of
// them cannot be told from other clients' (ok false).
func requesterFingerprint(f *Facts, ex *parsers.Exchange) (secrets.Fingerprint, bool) {
	if !byClient(f, ex) {
		return credentialsFingerprint(f), true
	}
	fields := clientFields(ex)
	if len(fields) == 0 {
		return secrets.Fingerprint{}, false
	}
	parts := make([]string, len(fields))
	for i, c := range fields {
		parts[i] = c.name + "=" + c.value
	}
	return secrets.FingerprintOf(strings.Join(parts, "\x00")), true
}

// clientField is one thing that tells a client apart in an access log.
type clientField struct{ name, value string }

// clientFields are the client address, user and user agent a record holds.
func clientFields(ex *parsers.Exchange) []clientField {
	var out []clientField
	for _, k := range []string{"client_ip", "remote_addr", "remote_user"} {
		if v := ex.Extra(k); v != "" {
			out = append(out, clientField{k, v})
		}
	}
	if ua := ex.Request.Headers.Value("User-Agent"); ua != "" {
		out = append(out, clientField{"ua", ua})
	}
	return out
}

// byClient reports a request whose credentials cannot be compared: the
// input does not record request headers, or redacted them (Caddy writes
// every Authorization as REDACTED, so all tokens would look alike).
func byClient(f *Facts, ex *parsers.Exchange) bool {
	if ex.Partial.Has(parsers.NoRequestHeaders) {
		return true
	}
	for _, cr := range f.Credentials() {
		if redactedUpstream(cr.Token) {
			return true
		}
	}
	return false
}

// credentialsFingerprint combines the fingerprints of every credential a
// request carries: "the same credential" means all of them.
func credentialsFingerprint(f *Facts) secrets.Fingerprint {
	creds := f.Credentials()
	switch len(creds) {
	case 0:
		return secrets.Fingerprint{}
	case 1:
		return creds[0].Token.Fingerprint()
	}
	h := sha256.New()
	for _, cr := range creds {
		fp := cr.Token.Fingerprint()
		h.Write([]byte(cr.Field))
		h.Write(fp[:])
	}
	var out secrets.Fingerprint
	copy(out[:], h.Sum(nil))
	return out
}

// requesterDisplay says who retried, for messages: the credential in its
// display form, or the client of an access-log line.
func requesterDisplay(f *Facts, ex *parsers.Exchange) string {
	if byClient(f, ex) {
		var who []string
		for _, c := range clientFields(ex) {
			n := 60
			if c.name == "ua" {
				n = 80
			}
			who = append(who, oneLine(c.value, n))
		}
		return "from the same client (" + strings.Join(who, ", ") + ")"
	}
	if cr, ok := f.Authorization(); ok {
		return "with the same credential (" + cr.Value.String() + ")"
	}
	if creds := f.Credentials(); len(creds) > 0 {
		return "with the same credential (" + creds[0].Field + " " + creds[0].Value.String() + ")"
	}
	return "with no credential each time"
}
