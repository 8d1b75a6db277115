package secrets

import (
	"slices"
	"strings"
	"sync"
)

// Match is one credential found in a line of text. Its Secret redacts by
// construction, so a Match can be printed or serialised safely.
//
// Invariant: line[Start:End] is exactly Secret.Reveal(), so `sanitize` can
// replace those bytes with Secret.Sanitized() and `scan` can report the
// 1-based column Start+1.
type Match struct {
	// Detector names what found the credential (see Detectors): the
	// context when there is one (authorization-header, cookie,
	// api-key-header, query-param, url-password, json-field, key-value),
	// else the format (jwt, github-pat, stripe-key, aws-access-key, ...).
	Detector string
	// Provider is the service the credential belongs to ("github",
	// "stripe", "aws", ...), or "" when the format does not say.
	Provider string
	// Environment comes from the credential itself: its prefix (sk_live_
	// vs sk_test_), an embedded marker (access-sandbox-, $production$), or
	// a JWT's issuer host. EnvUnknown otherwise.
	Environment Environment
	// Secret is the credential value only: for an Authorization header the
	// credential after the scheme, for a cookie one cookie's value, for a
	// URL the password.
	Secret Secret
	// Start and End are byte offsets of the secret value within the line.
	Start, End int
	// Field is the logical place, without the value: the header, parameter
	// or JSON field name as written ("Authorization", "access_token",
	// "request_X-Api-Key"), "Cookie:session" for a cookie, the host for a
	// URL password, "" for a bare token.
	Field string
	// Scheme is the authentication scheme written before the credential
	// ("Bearer", "Basic", "SSWS"), "" when there is none.
	Scheme string
}

// Scanner finds credentials in lines of text. It keeps buffers between
// calls, so a line without a candidate costs no allocation. A Scanner is not
// safe for concurrent use: give each goroutine its own (NewScanner), or call
// ScanLine, which draws Scanners from a pool.
type Scanner struct {
	cands   []cand
	keep    []int
	scratch []byte
	twilio  int8 // does the line mention Twilio: 0 not looked yet, 1 yes, -1 no
	// the last unquoted header value's end, reused by a header that
	// starts inside it (a line of many Cookie: headers stays linear)
	bare struct {
		from, end int  // [from, end) holds no byte that ends a value
		closer    byte // … for values opened after this byte
		stopped   bool // line[end] ends the value (or the line ends there)
	}
	// built remembers the values of recent matches: a log repeats a
	// session's token on every line, and classifying, fingerprinting and
	// decoding it again each time would cost more than scanning the line.
	built map[string]*builtValue
}

// builtValue is what build derives from a raw value alone. Its Secret is
// immutable, so Matches may share it.
type builtValue struct {
	kind      Kind // the detector's kind the Secret was made with
	sec       Secret
	described bool
	provider  string
	env       Environment
}

// Bounds of the value cache: entries, and the longest value kept.
const (
	maxBuilt     = 256
	maxBuiltSize = 4 << 10
)

// NewScanner returns a Scanner with empty buffers.
func NewScanner() *Scanner { return &Scanner{} }

var scannerPool = sync.Pool{New: func() any { return NewScanner() }}

// ScanLine reports every credential in line to fn, in order of Start. It is
// safe for concurrent use. line should hold one line; a trailing \n or \r\n
// is ignored. fn must not keep line beyond its call, but may keep the Match.
func ScanLine(line []byte, fn func(Match)) {
	s := scannerPool.Get().(*Scanner)
	s.Scan(line, fn)
	scannerPool.Put(s)
}

// cand is a candidate before overlaps are resolved. Offsets only: strings
// and Secrets are built for the survivors.
type cand struct {
	det        *Detector
	start, end int
	// field is [f1, f2) of the name in the line, and [g1, g2) a sub-name
	// (the cookie name); -1 when absent.
	f1, f2, g1, g2 int
	scheme         string
	provider       string
	env            Environment
	kind           Kind // overrides an opaque classification
}

// byte classes of the main loop.
const (
	cWord uint8 = 1 << iota // [A-Za-z0-9]
	cSep                    // ':' or '='
	cEsc                    // '\\' or '%': an escape may end right before a word
)

// Scan reports every credential in line to fn, in order of Start.
//
// One pass over the line does all the prefiltering. At every position it
// looks the next two bytes up in a table built from the format detectors'
// keywords ("ey", "gh", "sk", "AK", …); a hit at a word start hands the
// position to the detectors with that keyword. At each ':' or '=' it checks
// the name before it against the credential names. The branches taken per
// byte are rare, so the loop runs at several hundred MB/s on log text, and a
// line without a candidate allocates nothing.
func (s *Scanner) Scan(line []byte, fn func(Match)) {
	s.cands = s.cands[:0]
	s.twilio = 0
	s.bare.end = -1
	t := tables
	// a trailing line break is not part of the line
	for len(line) > 0 && (line[len(line)-1] == '\n' || line[len(line)-1] == '\r') {
		line = line[:len(line)-1]
	}
	n := len(line)
	sepFrom := 0
	prev := byte(' ')
	for i := 0; i+1 < n; i++ {
		c := line[i]
		if k := t.keywordAt(c, line[i+1]) & t.start[prev]; k != 0 {
			s.tryFormats(line, i, t.lists[k])
		}
		if f := t.class[c]; f&(cSep|cEsc) != 0 {
			if f&cSep != 0 {
				if i >= sepFrom {
					sepFrom = s.trySep(line, i)
				}
			} else if j := escapeEnd(line, i); j > 0 && j+1 < n {
				if k := t.keywordAt(line[j], line[j+1]); k != 0 {
					s.tryFormats(line, j, t.lists[k])
				}
			}
		}
		prev = c
	}
	if len(s.cands) == 0 {
		return
	}
	s.resolve(line, fn)
}

// escapeEnd returns the position after an escape that starts at i and ends
// in an alphanumeric byte — \n, \t, \r in JSON text, %XX in a URL
// (Bearer%20eyJ…, token%3Dghp_…) — so that a word starting there is seen as
// a word start; 0 otherwise.
func escapeEnd(line []byte, i int) int {
	if line[i] == '\\' {
		if i+2 < len(line) {
			switch line[i+1] {
			case 'n', 'r', 't':
				return i + 2
			}
		}
		return 0
	}
	if i+3 < len(line) && isHex(line[i+1]) && isHex(line[i+2]) {
		return i + 3
	}
	return 0
}

func (s *Scanner) tryFormats(line []byte, i int, list []formatEntry) {
	for _, e := range list {
		if !hasPrefixAt(line, i, e.keyword) {
			continue
		}
		r, ok := e.det.match(s, line, i)
		if !ok {
			continue
		}
		s.cands = append(s.cands, cand{det: e.det, start: r.start, end: r.end, f1: -1, g1: -1,
			scheme: r.scheme, provider: e.det.Provider, env: r.env, kind: r.kind})
		return
	}
}

func (s *Scanner) add(c cand) { s.cands = append(s.cands, c) }

// resolve keeps one candidate per overlapping group, then builds Matches.
//
// Precedence, when several detectors found the same bytes: a transport
// context (Authorization header, cookie, URL userinfo, API-key header, query
// parameter) beats a format detector and takes the provider and environment
// the format detector found. So a JWT inside an Authorization header is one
// match, detector authorization-header, whose Secret's kind is jwt. A format
// detector in turn beats the generic "named like a credential" detectors
// (json-field, key-value) and takes their Field: GITHUB_TOKEN=ghp_… is
// github-pat with Field GITHUB_TOKEN. Otherwise the higher rank wins, then
// the longer span. Separate occurrences of one credential on a line stay
// separate matches: sanitize has to replace each.
func (s *Scanner) resolve(line []byte, fn func(Match)) {
	c := s.cands
	slices.SortStableFunc(c, func(a, b cand) int { return a.start - b.start })
	// keep holds the winners so far: sorted by start and pairwise
	// disjoint, so sorted by end too, and the ones a new candidate
	// overlaps are a suffix. The candidate replaces that suffix if it
	// beats all of it, else it is dropped.
	keep := s.keep[:0]
	for i := range c {
		ci := &c[i]
		j := len(keep)
		for j > 0 && c[keep[j-1]].end > ci.start {
			j--
		}
		wins := true
		for _, k := range keep[j:] {
			if !beats(ci, &c[k]) {
				wins = false
				break
			}
		}
		if wins {
			for _, k := range keep[j:] {
				enrich(ci, &c[k])
			}
			keep = append(keep[:j], i)
			continue
		}
		for _, k := range keep[j:] {
			enrich(&c[k], ci)
		}
	}
	s.keep = keep
	for _, k := range keep {
		if displayFormAt(line, c[k].start, c[k].end) {
			continue // authtriage's own redacted output
		}
		m := s.build(line, &c[k])
		if k := m.Secret.Kind(); k == KindRedacted || k == KindPlaceholder || k == KindEmpty {
			continue // not a credential; and these kinds display their value
		} else if sanitizedValue(line, m.Start, m.End) {
			continue // sanitize's output
		}
		fn(m)
	}
}

func beats(a, b *cand) bool {
	if a.det.rank != b.det.rank {
		return a.det.rank > b.det.rank
	}
	return a.end-a.start > b.end-b.start
}

// enrich gives the winner w what the loser l knew: the format's provider
// and environment when l's bytes lie inside w's, the field name when w's lie
// inside l's.
func enrich(w, l *cand) {
	if l.start >= w.start && l.end <= w.end {
		if w.provider == "" {
			w.provider = l.provider
		}
		if w.env == "" || w.env == EnvUnknown {
			w.env = l.env
		}
	}
	if w.start >= l.start && w.end <= l.end && w.f1 < 0 && l.f1 >= 0 {
		w.f1, w.f2, w.g1, w.g2 = l.f1, l.f2, l.g1, l.g2
	}
}

func (s *Scanner) build(line []byte, c *cand) Match {
	val := line[c.start:c.end]
	bv := s.built[string(val)] // no allocation for the lookup
	if bv == nil || bv.kind != c.kind {
		raw := string(val)
		bv = &builtValue{kind: c.kind, sec: newDetectedSecret(raw, c.kind)}
		if len(raw) <= maxBuiltSize {
			if s.built == nil || len(s.built) >= maxBuilt {
				s.built = make(map[string]*builtValue, maxBuilt)
			}
			s.built[raw] = bv
		}
	}
	m := Match{Detector: c.det.Name, Provider: c.provider, Environment: c.env, Secret: bv.sec,
		Start: c.start, End: c.end, Scheme: c.scheme}
	if c.f1 >= 0 {
		m.Field = string(line[c.f1:c.f2])
		if c.g1 >= 0 {
			m.Field += ":" + string(line[c.g1:c.g2])
		}
	}
	if m.Provider == "" || m.Environment == "" || m.Environment == EnvUnknown {
		if !bv.described {
			bv.provider, bv.env = describeValue(bv.sec.Reveal(), bv.sec.Kind())
			bv.described = true
		}
		if m.Provider == "" {
			m.Provider = bv.provider
		}
		if m.Environment == "" || m.Environment == EnvUnknown {
			m.Environment = bv.env
		}
	}
	if m.Environment == "" {
		m.Environment = EnvUnknown
	}
	return m
}

// newDetectedSecret wraps a value a detector found. The detector's kind
// replaces an opaque classification (basic, password, private-key, twilio).
func newDetectedSecret(raw string, kind Kind) Secret {
	k, p := Classify(raw)
	if kind != "" && k == KindOpaque {
		k = kind
	}
	return Secret{&secretData{raw: raw, shape: shapeValue, kind: k, prefix: p, fp: FingerprintOf(raw)}}
}

// describeValue derives provider and environment from the value: the prefix
// table (sk_live_ → stripe, production), or a JWT's issuer host.
func describeValue(raw string, k Kind) (string, Environment) {
	if p, ok := LookupPrefix(raw); ok {
		return providerOf(p.kind), p.env
	}
	if k == KindJWT {
		if j, err := DecodeJWT(raw); err == nil {
			if host := IssuerHost(j.Issuer()); host != "" {
				return "", HostLabelEnvironment(host)
			}
		}
	}
	return "", EnvUnknown
}

// providerOf turns a prefix-table kind into a provider: stripe-publishable →
// stripe.
func providerOf(k Kind) string {
	s := string(k)
	if i := strings.IndexByte(s, '-'); i > 0 {
		return s[:i]
	}
	return s
}

// sanitizedValue reports a value sanitize wrote: one holding its marker, or
// a JWT whose signature is a redaction marker, also when a detector's value
// stopped at the marker's '<' (header.payload. then <redacted:sig::43:fp>).
func sanitizedValue(line []byte, start, end int) bool {
	v := string(line[start:end])
	if strings.Contains(v, "<redacted:") || strings.Contains(v, "%3Credacted%3A") {
		return true // a value sanitize already rewrote (Digest params, URL userinfo)
	}
	if _, _, sig, ok := splitJWT(v); ok {
		if sig != "" {
			return IsRedactionMarker(sig)
		}
		if end < len(line) {
			switch line[end] {
			case '<', '[', '*', '(', '{', '#':
				return true
			}
		}
	}
	return false
}
