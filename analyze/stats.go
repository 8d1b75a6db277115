package analyze

import (
	"net"
	"sort"
	"strconv"
	"time"

	"github.com/authtriage/authtriage/parsers"
	"github.com/authtriage/authtriage/rules"
	"github.com/authtriage/authtriage/secrets"
)

// Bounds on statistics state: per endpoint, per minute and per credential,
// never per record.
const (
	maxEndpoints   = 5000
	maxMinutes     = 100000 // about 70 days of minutes
	maxCredentials = 200000
)

type endpointKey struct{ env, host, method, route string }

type endpointAcc struct {
	total, s401, s403, explained int
	causes                       map[string]int
	order                        int
}

type minuteAcc struct{ total, s401, s403 int }

// credSet holds the distinct credentials seen, by the first 6 bytes of
// their fingerprints, up to maxCredentials (the count is a floor beyond).
type credSet map[[6]byte]struct{}

func (c credSet) add(fp secrets.Fingerprint) {
	if fp.IsZero() || len(c) >= maxCredentials {
		return
	}
	c[[6]byte(fp[:6])] = struct{}{}
}

func (c credSet) merge(o credSet) {
	for k := range o {
		if len(c) >= maxCredentials {
			return
		}
		c[k] = struct{}{}
	}
}

// stats accumulates the summary of one input; inputs are merged at the end.
type stats struct {
	exchanges    int
	status       map[int]int
	explained401 int
	explained403 int
	first, last  time.Time
	first401     time.Time
	last401      time.Time
	creds        credSet
	endpoints    map[endpointKey]*endpointAcc
	epTruncated  bool
	minutes      map[int64]*minuteAcc
}

func newStats() *stats {
	return &stats{status: map[int]int{}, creds: credSet{}, endpoints: map[endpointKey]*endpointAcc{}, minutes: map[int64]*minuteAcc{}}
}

// exchange records one exchange with its endpoint and the causes found on
// it, and returns the endpoint's accumulator (for causes found later).
func (s *stats) exchange(ex *parsers.Exchange, ep rules.Endpoint, creds []rules.Credential, causes []string) *endpointAcc {
	s.exchanges++
	st := ex.Status()
	s.status[st]++
	for _, c := range creds {
		s.creds.add(c.Token.Fingerprint())
	}
	acc := s.endpoint(ep)
	acc.total++
	switch st {
	case 401:
		acc.s401++
	case 403:
		acc.s403++
	}
	if len(causes) > 0 && (st == 401 || st == 403) {
		if st == 401 {
			acc.explained++
		}
		for _, c := range causes {
			acc.causes[c]++
		}
	}
	t := ex.Time()
	if t.IsZero() {
		return acc
	}
	if s.first.IsZero() || t.Before(s.first) {
		s.first = t
	}
	if t.After(s.last) {
		s.last = t
	}
	if st == 401 {
		if s.first401.IsZero() || t.Before(s.first401) {
			s.first401 = t
		}
		if t.After(s.last401) {
			s.last401 = t
		}
	}
	m := t.Unix() / 60
	b := s.minutes[m]
	if b == nil {
		if len(s.minutes) >= maxMinutes {
			return acc
		}
		b = &minuteAcc{}
		s.minutes[m] = b
	}
	b.total++
	if st == 401 {
		b.s401++
	} else if st == 403 {
		b.s403++
	}
	return acc
}

func (s *stats) endpoint(ep rules.Endpoint) *endpointAcc {
	k := endpointKey{ep.Environment, ep.Host, ep.Method, ep.Route}
	acc := s.endpoints[k]
	if acc == nil {
		if len(s.endpoints) >= maxEndpoints {
			s.epTruncated = true
			k = endpointKey{"unknown", "(other)", "(other)", "(other)"}
			if acc = s.endpoints[k]; acc != nil {
				return acc
			}
		}
		acc = &endpointAcc{causes: map[string]int{}, order: len(s.endpoints)}
		s.endpoints[k] = acc
	}
	return acc
}

// merge adds another input's statistics.
func (s *stats) merge(o *stats) {
	s.exchanges += o.exchanges
	for k, v := range o.status {
		s.status[k] += v
	}
	s.explained401 += o.explained401
	s.explained403 += o.explained403
	if !o.first.IsZero() && (s.first.IsZero() || o.first.Before(s.first)) {
		s.first = o.first
	}
	if o.last.After(s.last) {
		s.last = o.last
	}
	if !o.first401.IsZero() && (s.first401.IsZero() || o.first401.Before(s.first401)) {
		s.first401 = o.first401
	}
	if o.last401.After(s.last401) {
		s.last401 = o.last401
	}
	s.creds.merge(o.creds)
	for k, v := range o.endpoints {
		acc := s.endpoints[k]
		if acc == nil {
			if len(s.endpoints) >= maxEndpoints {
				s.epTruncated = true
				acc = s.endpoint(rules.Endpoint{Environment: k.env, Host: "(other)"})
			} else {
				acc = &endpointAcc{causes: map[string]int{}, order: len(s.endpoints)}
				s.endpoints[k] = acc
			}
		}
		acc.total += v.total
		acc.s401 += v.s401
		acc.s403 += v.s403
		acc.explained += v.explained
		for c, n := range v.causes {
			acc.causes[c] += n
		}
	}
	s.epTruncated = s.epTruncated || o.epTruncated
	for k, v := range o.minutes {
		b := s.minutes[k]
		if b == nil {
			b = &minuteAcc{}
			s.minutes[k] = b
		}
		b.total += v.total
		b.s401 += v.s401
		b.s403 += v.s403
	}
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// summary renders the statistics. Endpoints are sorted by 401 count, then
// 403 count, then total, then name; the timeline by minute.
func (s *stats) summary(env *secrets.EnvResolver) Summary {
	sum := Summary{
		Exchanges:          s.exchanges,
		Status:             map[string]int{},
		Explained401:       s.explained401,
		Explained403:       s.explained403,
		Window:             Window{First: rfc3339(s.first), Last: rfc3339(s.last), First401: rfc3339(s.first401), Last401: rfc3339(s.last401)},
		Credentials:        len(s.creds),
		EndpointsTruncated: s.epTruncated,
		Endpoints:          []EndpointStat{},
		Timeline:           []Minute{},
	}
	for k, v := range s.status {
		sum.Status[strconv.Itoa(k)] = v
	}
	for k, v := range s.relabeled(env) {
		e := EndpointStat{Environment: k.env, Host: k.host, Method: k.method, Route: k.route, Total: v.total, S401: v.s401, S403: v.s403, Explained401: v.explained, TopCauses: []Cause{}}
		if v.total > 0 {
			e.Rate401 = round4(float64(v.s401) / float64(v.total))
			e.Rate403 = round4(float64(v.s403) / float64(v.total))
		}
		for c, n := range v.causes {
			e.TopCauses = append(e.TopCauses, Cause{Rule: c, Count: n})
		}
		sort.Slice(e.TopCauses, func(i, j int) bool {
			if e.TopCauses[i].Count != e.TopCauses[j].Count {
				return e.TopCauses[i].Count > e.TopCauses[j].Count
			}
			return e.TopCauses[i].Rule < e.TopCauses[j].Rule
		})
		if len(e.TopCauses) > 3 {
			e.TopCauses = e.TopCauses[:3]
		}
		sum.Endpoints = append(sum.Endpoints, e)
	}
	sort.Slice(sum.Endpoints, func(i, j int) bool {
		a, b := sum.Endpoints[i], sum.Endpoints[j]
		if a.S401 != b.S401 {
			return a.S401 > b.S401
		}
		if a.S403 != b.S403 {
			return a.S403 > b.S403
		}
		if a.Total != b.Total {
			return a.Total > b.Total
		}
		return a.Host+a.Route+a.Method < b.Host+b.Route+b.Method
	})
	keys := make([]int64, 0, len(s.minutes))
	for k := range s.minutes {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	for _, k := range keys {
		b := s.minutes[k]
		sum.Timeline = append(sum.Timeline, Minute{Minute: time.Unix(k*60, 0).UTC().Format(time.RFC3339), Total: b.total, S401: b.s401, S403: b.s403})
	}
	return sum
}

// relabeled applies the sandbox-twin rule of environment-mismatch to the
// endpoint table: a host of unknown environment whose sandbox twin
// (api.sandbox.example.com for api.example.com) is among the endpoints is
// production (unless the configuration decides it, even as unknown). Rows
// that then share a key are merged.
func (s *stats) relabeled(env *secrets.EnvResolver) map[endpointKey]*endpointAcc {
	twins := map[string]bool{}
	for k := range s.endpoints {
		if k.env != string(secrets.EnvSandbox) {
			continue
		}
		host, port := k.host, ""
		if h, p, err := net.SplitHostPort(k.host); err == nil {
			host, port = h, ":"+p
		}
		if twin, ok := secrets.SandboxTwin(host); ok {
			twins[twin+port] = true
		}
	}
	if len(twins) == 0 {
		return s.endpoints
	}
	if env == nil {
		env = secrets.NewEnvResolver(nil)
	}
	out := make(map[endpointKey]*endpointAcc, len(s.endpoints))
	for k, v := range s.endpoints {
		if k.env == string(secrets.EnvUnknown) && twins[k.host] {
			if _, why := env.HostReason(k.host); why == "" {
				k.env = string(secrets.EnvProduction)
			}
		}
		if have := out[k]; have != nil {
			merged := &endpointAcc{total: have.total + v.total, s401: have.s401 + v.s401, s403: have.s403 + v.s403,
				explained: have.explained + v.explained, causes: map[string]int{}, order: min(have.order, v.order)}
			for c, n := range have.causes {
				merged.causes[c] += n
			}
			for c, n := range v.causes {
				merged.causes[c] += n
			}
			v = merged
		}
		out[k] = v
	}
	return out
}

func round4(f float64) float64 { return float64(int(f*10000+0.5)) / 10000 }
