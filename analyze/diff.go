package analyze

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/authtriage/authtriage/parsers"
	"github.com/authtriage/authtriage/rules"
	"github.com/authtriage/authtriage/secrets"
)

// Diff compares a capture that works with one that fails ("works in
// Postman, fails in the app"): requests are paired by method and route
// template, and for each pair where one side succeeded and the other got
// 401 or 403, what differs in authentication is listed — scheme, credential
// (by fingerprint), token claims, host environment, credential headers,
// cookies, origin, HTTP version. Nothing raw is kept: credentials are held
// as display forms and fingerprints from the moment they are read.

// DiffOptions configure a comparison.
type DiffOptions struct {
	// InputFormat forces a reader for both inputs ("" or "auto" sniffs).
	InputFormat parsers.Format
	Parser      parsers.Options
	// Env decides host and credential environments (nil: built-in tables).
	Env *secrets.EnvResolver
	// Stdin is read for the path "-".
	Stdin io.Reader
	// MaxExchanges bounds the exchanges kept per input (default 100000);
	// the rest are counted and skipped.
	MaxExchanges int
	// OnError, when set, receives every per-record error with its
	// position (the CLI prints them on stderr).
	OnError func(Error)
}

// DiffResult is the outcome of a comparison.
type DiffResult struct {
	Good, Bad DiffInput
	// Pairs are the request pairs where one side succeeded and the other
	// was refused with 401 or 403, in the order of the failing side.
	Pairs []DiffPair
	// Routes counts the method+route templates on both sides; SameOutcome
	// those of them with no success/refusal pair.
	Routes, SameOutcome int
	// OnlyGood and OnlyBad are the endpoints ("GET /v1/me") seen on one
	// side only (at most 20 each; the counts are exact).
	OnlyGood, OnlyBad           []string
	OnlyGoodCount, OnlyBadCount int
}

// DiffInput describes one side.
type DiffInput struct {
	Path      string
	Format    string
	Exchanges int
	Errors    int
	Skipped   int
	// Failed is set when the input yielded no exchange.
	Failed string
}

// DiffPair is one request of each side and what differs between them.
type DiffPair struct {
	// Endpoint is "GET /v1/me".
	Endpoint  string
	Good, Bad DiffRequest
	// Rows lists the aspects compared; Differs marks those that differ.
	Rows []DiffRow
}

// DiffRequest identifies a request of one side.
type DiffRequest struct {
	Location Location
	Host     string
	Status   int
	Time     string // RFC 3339 UTC, "" when unknown
}

// DiffRow is one aspect of authentication on both sides. Values are
// display forms: never a raw credential.
type DiffRow struct {
	Aspect    string
	Good, Bad string
	Note      string
	Differs   bool
}

// authView is what diff keeps of one exchange.
type authView struct {
	loc             Location
	method, route   string
	host            string
	hostEnv         string
	status          int
	proto           string
	origin          string
	when            time.Time
	auth            *credView // Authorization (Proxy-Authorization for 407)
	headers         map[string]*credView
	headerNames     []string          // credential headers other than Authorization, as written
	cookies         map[string]string // name -> source fingerprint
	cookieNames     []string
	params          map[string]*credView // query/body/userinfo credentials by place+name
	paramNames      []string
	credentialCount int
	// sig identifies the credentials carried (credSignature)
	sig string
	// challenge is the response's WWW-Authenticate (Proxy-Authenticate
	// for a 407), scrubbed: what the server said about the credential
	challenge string
}

// credView is a credential as diff compares it.
type credView struct {
	display string
	fp      string // source fingerprint (the original's, for a sanitized value)
	kind    string
	scheme  string
	env     string
	envWhy  string
	basicFP string // fingerprint of a Basic credential's user name
	jwt     *secrets.JWT
}

const defaultMaxDiffExchanges = 100000

// Diff reads both inputs and pairs their requests.
func Diff(ctx context.Context, goodPath, badPath string, o DiffOptions) (*DiffResult, error) {
	if o.Env == nil {
		o.Env = secrets.NewEnvResolver(nil)
	}
	if o.MaxExchanges <= 0 {
		o.MaxExchanges = defaultMaxDiffExchanges
	}
	res := &DiffResult{OnlyGood: []string{}, OnlyBad: []string{}, Pairs: []DiffPair{}}
	good, err := readViews(ctx, goodPath, &res.Good, &o)
	if err != nil {
		return nil, err
	}
	bad, err := readViews(ctx, badPath, &res.Bad, &o)
	if err != nil {
		return nil, err
	}
	pairViews(res, good, bad, o.Env)
	return res, nil
}

// readViews reads one input into views.
func readViews(ctx context.Context, path string, in *DiffInput, o *DiffOptions) ([]*authView, error) {
	in.Path = path
	src, _, err := openInput(path, o.Stdin)
	if err != nil {
		in.Failed = err.Error()
		return nil, nil
	}
	defer src.Close()
	rd, err := parsers.Open(src, path, o.InputFormat, o.Parser)
	if err != nil {
		in.Failed = fmt.Sprintf("%s: %v", path, err)
		return nil, nil
	}
	in.Format = string(rd.Format())
	facts := rules.NewFacts(o.Env)
	var views []*authView
	err = readRecords(ctx, rd, path, func(rec *parsers.Record) {
		if rec.Exchange == nil {
			return
		}
		in.Exchanges++
		if len(views) >= o.MaxExchanges {
			in.Skipped++
			return
		}
		facts.Reset(rec)
		v := newAuthView(rec, facts, o.Env)
		v.sig = v.credSignature()
		views = append(views, v)
	}, func(e Error) {
		in.Errors++
		if o.OnError != nil {
			o.OnError(e)
		}
	})
	if err != nil {
		return nil, err
	}
	if in.Exchanges == 0 {
		in.Failed = fmt.Sprintf("%s: no HTTP exchange could be read", path)
	}
	return views, nil
}

func newAuthView(rec *parsers.Record, f *rules.Facts, env *secrets.EnvResolver) *authView {
	ex := rec.Exchange
	ep := rules.EndpointOf(ex, env)
	v := &authView{
		loc:    Location{File: rec.Source.File, Entry: rec.Source.Entry, Line: rec.Source.Line, Pointer: rec.Source.Pointer},
		method: ex.Request.Method, route: ep.Route, host: ep.Host, hostEnv: ep.Environment,
		status: ex.Status(), proto: normalizeProto(ex.Request.Proto), when: ex.RequestTime(),
		origin:  originView(ex.Request.Headers.Value("Origin")),
		headers: map[string]*credView{}, cookies: map[string]string{}, params: map[string]*credView{},
	}
	if ex.Response != nil {
		name := "WWW-Authenticate"
		if ex.Status() == 407 {
			name = "Proxy-Authenticate"
		}
		var chs []string
		for _, h := range ex.Response.Headers.All(name) {
			chs = append(chs, secrets.ScrubText(strings.Join(strings.Fields(h.Value), " ")))
		}
		v.challenge = strings.Join(chs, "; ")
		if len(v.challenge) > 300 {
			v.challenge = v.challenge[:300] + "…"
		}
	}
	authName := "authorization"
	if ex.Status() == 407 {
		authName = "proxy-authorization"
	}
	for _, c := range f.Credentials() {
		v.credentialCount++
		cv := &credView{display: c.Value.String(), fp: c.Token.SourceFingerprint(), kind: string(c.Token.SanitizedKind()), jwt: c.JWT}
		e, why := env.Credential(c.Token)
		cv.env, cv.envWhy = string(e), why
		switch {
		case c.Auth != nil:
			cv.scheme = strings.Join(c.Auth.Schemes, " ")
			if strings.EqualFold(c.Auth.Scheme(), "basic") {
				cv.basicFP = basicUserFP(c.Token.Reveal())
			}
			if strings.EqualFold(c.Name, authName) {
				if v.auth == nil {
					v.auth = cv
				}
				continue
			}
			fallthrough
		case c.Place == "header":
			key := strings.ToLower(c.Name)
			if _, ok := v.headers[key]; !ok {
				v.headers[key] = cv
				v.headerNames = append(v.headerNames, c.Name)
			}
		case c.Place == "cookie":
			if _, ok := v.cookies[c.Name]; !ok {
				v.cookieNames = append(v.cookieNames, c.Name)
			}
			v.cookies[c.Name] = cv.fp
		default:
			key := c.Place + " " + c.Name
			if _, ok := v.params[key]; !ok {
				v.params[key] = cv
				v.paramNames = append(v.paramNames, key)
			}
		}
	}
	return v
}

// basicUserFP fingerprints the user name of a Basic credential, so two
// captures can say "same user, other password" without showing either.
func basicUserFP(cred string) string {
	cred = strings.Trim(strings.TrimSpace(cred), `"'`)
	if secrets.IsSanitized(cred) {
		return ""
	}
	dec, ok := parsers.DecodeBase64(cred)
	if !ok {
		return ""
	}
	user, _, found := strings.Cut(string(dec), ":")
	if !found {
		return ""
	}
	return secrets.FingerprintOf(user).Short()
}

func normalizeProto(p string) string {
	l := strings.ToLower(strings.TrimSpace(p))
	switch {
	case l == "":
		return ""
	case l == "h3" || strings.HasPrefix(l, "http/3"):
		return "HTTP/3"
	case l == "h2" || strings.HasPrefix(l, "http/2"):
		return "HTTP/2"
	case strings.HasPrefix(l, "http/1.1"):
		return "HTTP/1.1"
	case strings.HasPrefix(l, "http/1.0"):
		return "HTTP/1.0"
	}
	return secrets.ScrubText(p) // whatever the input wrote there
}

// originView shows an Origin header as what an origin is: scheme://host
// and port. A client can send more (userinfo, a path, a query with a
// token); the rest is shown only by fingerprint, so that two such values
// still compare.
func originView(raw string) string {
	raw = strings.TrimSpace(raw)
	if raw == "" || raw == "null" {
		return raw
	}
	fp := secrets.FingerprintOf(raw).Short()
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "(not an origin #" + fp + ")"
	}
	o := u.Scheme + "://" + u.Host
	more := !strings.EqualFold(o, raw) && !strings.EqualFold(o+"/", raw)
	// a host can be anything a client wrote there, a key included
	o = secrets.ScrubText(o)
	if more {
		o += " (and more, #" + fp + ")"
	}
	return o
}

func succeeded(status int) bool { return status >= 200 && status < 400 }
func refused(status int) bool   { return status == 401 || status == 403 }

// pairViews pairs requests by method and route: a refused request on one
// side with a successful one on the other, to the same host when the other
// side has such a request, else to another host (the difference of host is
// then the first thing to look at).
func pairViews(res *DiffResult, good, bad []*authView, env *secrets.EnvResolver) {
	type group struct{ good, bad []*authView }
	groups := map[string]*group{}
	var order []string
	add := func(v *authView, isGood bool) {
		k := v.method + " " + v.route
		g := groups[k]
		if g == nil {
			g = &group{}
			groups[k] = g
			order = append(order, k)
		}
		if isGood {
			g.good = append(g.good, v)
		} else {
			g.bad = append(g.bad, v)
		}
	}
	for _, v := range good {
		add(v, true)
	}
	for _, v := range bad {
		add(v, false)
	}
	// One pair per host pair and credential of the refused request:
	// retries of the same request collapse, another credential on the
	// same route is its own pair.
	type pairKey struct{ fail, dir, cred string }
	for _, k := range order {
		g := groups[k]
		switch {
		case len(g.good) == 0:
			res.OnlyBadCount++
			if len(res.OnlyBad) < 20 {
				res.OnlyBad = append(res.OnlyBad, k)
			}
			continue
		case len(g.bad) == 0:
			res.OnlyGoodCount++
			if len(res.OnlyGood) < 20 {
				res.OnlyGood = append(res.OnlyGood, k)
			}
			continue
		}
		res.Routes++
		seen := map[pairKey]bool{}
		n := 0
		// GOOD succeeded, BAD refused: the usual case; then the reverse.
		for _, dir := range []string{"bad", "good"} {
			oks, fails := g.good, g.bad
			if dir == "good" {
				oks, fails = g.bad, g.good
			}
			for _, f := range fails {
				if !refused(f.status) {
					continue
				}
				pk := pairKey{f.host, dir, f.sig}
				if seen[pk] || len(res.Pairs) >= maxDiffPairs {
					continue
				}
				seen[pk] = true
				ok := pickSuccess(oks, f)
				if ok == nil {
					continue
				}
				gv, bv := ok, f
				if dir == "good" {
					gv, bv = f, ok
				}
				res.Pairs = append(res.Pairs, comparePair(k, gv, bv))
				n++
			}
		}
		if n == 0 {
			res.SameOutcome++
		}
	}
}

// pickSuccess returns the successful request to pair with a refused one:
// to the same host and with the same credentials when there is one (what
// else differs then stands out), else to the same host, else with the same
// credentials, else the first.
func pickSuccess(vs []*authView, f *authView) *authView {
	var best *authView
	bestScore := -1
	for _, v := range vs {
		if !succeeded(v.status) {
			continue
		}
		score := 0
		if f.host == "" || v.host == "" || strings.EqualFold(v.host, f.host) {
			score += 2
		}
		if v.sig == f.sig {
			score++
		}
		if score > bestScore {
			best, bestScore = v, score
		}
		if score == 3 {
			break
		}
	}
	return best
}

func request(v *authView) DiffRequest {
	r := DiffRequest{Location: v.loc, Host: v.host, Status: v.status}
	if !v.when.IsZero() {
		r.Time = v.when.UTC().Format(time.RFC3339)
	}
	return r
}

// comparePair lists the aspects of authentication of two requests.
func comparePair(endpoint string, g, b *authView) DiffPair {
	p := DiffPair{Endpoint: endpoint, Good: request(g), Bad: request(b)}
	row := func(aspect, gv, bv, note string, always bool) {
		differs := gv != bv
		if !differs && !always {
			return
		}
		if note == "" {
			note = "same"
			if differs {
				note = "differs"
			}
		}
		p.Rows = append(p.Rows, DiffRow{Aspect: aspect, Good: orNone(gv), Bad: orNone(bv), Note: note, Differs: differs})
	}
	row("status", parsers.StatusString(g.status), parsers.StatusString(b.status), "", true)
	row("host", hostDisplay(g), hostDisplay(b), "", false)
	if g.proto != "" && b.proto != "" {
		row("HTTP version", g.proto, b.proto, "", false)
	}
	row("Origin header", g.origin, b.origin, "", false)

	// the Authorization header
	ga, ba := g.auth, b.auth
	row("Authorization scheme", schemeOf(ga), schemeOf(ba), "", ga != nil || ba != nil)
	compareCred(&p, "Authorization", ga, ba)

	// other credential headers, by name in any case
	for _, name := range unionNames(g.headerNames, b.headerNames) {
		key := strings.ToLower(name)
		compareCred(&p, name+" header", g.headers[key], b.headers[key])
	}
	// credentials in the query, the body, the URL
	for _, key := range unionNames(g.paramNames, b.paramNames) {
		compareCred(&p, key, g.params[key], b.params[key])
	}
	// cookies: names, and whether each value is the same
	if len(g.cookieNames)+len(b.cookieNames) > 0 {
		row("cookies", strings.Join(g.cookieNames, ", "), strings.Join(b.cookieNames, ", "), "", false)
		for _, name := range unionNames(g.cookieNames, b.cookieNames) {
			gf, gok := g.cookies[name]
			bf, bok := b.cookies[name]
			switch {
			case gok && bok && gf != bf:
				p.Rows = append(p.Rows, DiffRow{Aspect: "cookie " + name, Good: "#" + gf, Bad: "#" + bf, Note: "other value", Differs: true})
			case gok && !bok:
				p.Rows = append(p.Rows, DiffRow{Aspect: "cookie " + name, Good: "#" + gf, Bad: "(none)", Note: "only in GOOD", Differs: true})
			case !gok && bok:
				p.Rows = append(p.Rows, DiffRow{Aspect: "cookie " + name, Good: "(none)", Bad: "#" + bf, Note: "only in BAD", Differs: true})
			}
		}
	}
	row("WWW-Authenticate", g.challenge, b.challenge, "", false)
	if g.credentialCount == 0 && b.credentialCount == 0 {
		p.Rows = append(p.Rows, DiffRow{Aspect: "credentials", Good: "(none)", Bad: "(none)", Note: "neither request carries a credential"})
	}
	return p
}

// compareCred compares one credential slot (a header, a parameter).
func compareCred(p *DiffPair, aspect string, g, b *credView) {
	if g == nil && b == nil {
		return
	}
	disp := func(c *credView) string {
		if c == nil {
			return "(none)"
		}
		return c.display
	}
	switch {
	case g == nil:
		p.Rows = append(p.Rows, DiffRow{Aspect: aspect, Good: "(none)", Bad: disp(b), Note: "only in BAD", Differs: true})
		return
	case b == nil:
		p.Rows = append(p.Rows, DiffRow{Aspect: aspect, Good: disp(g), Bad: "(none)", Note: "only in GOOD", Differs: true})
		return
	}
	same := g.fp != "" && g.fp == b.fp
	note := "same credential"
	if !same {
		note = "different credential"
	}
	p.Rows = append(p.Rows, DiffRow{Aspect: aspect, Good: disp(g), Bad: disp(b), Note: note, Differs: !same})
	if g.kind != b.kind {
		p.Rows = append(p.Rows, DiffRow{Aspect: aspect + " kind", Good: g.kind, Bad: b.kind, Note: "differs", Differs: true})
	}
	if g.basicFP != "" && b.basicFP != "" && !same {
		if g.basicFP == b.basicFP {
			p.Rows = append(p.Rows, DiffRow{Aspect: aspect + " Basic user", Good: "#" + g.basicFP, Bad: "#" + b.basicFP, Note: "same user, other password"})
		} else {
			p.Rows = append(p.Rows, DiffRow{Aspect: aspect + " Basic user", Good: "#" + g.basicFP, Bad: "#" + b.basicFP, Note: "other user", Differs: true})
		}
	}
	// the credential's environment (prefix, JWT issuer), shown whenever
	// one side knows it: beside the host's, it explains "test key on the
	// live host"
	if ge, be := envDisplay(g), envDisplay(b); ge != be || g.env != string(secrets.EnvUnknown) {
		note := "same"
		if ge != be {
			note = "differs"
		}
		p.Rows = append(p.Rows, DiffRow{Aspect: aspect + " environment", Good: ge, Bad: be, Note: note, Differs: ge != be})
	}
	compareJWT(p, aspect, g, b)
}

func envDisplay(c *credView) string {
	if c.envWhy == "" {
		return c.env
	}
	return c.env + " (" + c.envWhy + ")"
}

// compareJWT compares the claims that matter; exp and nbf are judged
// against each request's own time.
func compareJWT(p *DiffPair, aspect string, g, b *credView) {
	gj, bj := g.jwt, b.jwt
	if gj == nil && bj == nil {
		return
	}
	claim := func(j *secrets.JWT, f func(*secrets.JWT) string) string {
		if j == nil {
			return "(not a JWT)"
		}
		return f(j)
	}
	for _, c := range []struct {
		name string
		f    func(*secrets.JWT) string
	}{
		{"alg", (*secrets.JWT).Alg},
		{"iss", (*secrets.JWT).Issuer},
		{"aud", func(j *secrets.JWT) string { return strings.Join(j.Audience(), " ") }},
		{"scope", func(j *secrets.JWT) string { return strings.Join(j.Scopes(), " ") }},
		{"client_id", (*secrets.JWT).ClientID},
	} {
		gv, bv := claim(gj, c.f), claim(bj, c.f)
		if gv != bv {
			p.Rows = append(p.Rows, DiffRow{Aspect: aspect + " JWT " + c.name, Good: orNone(gv), Bad: orNone(bv), Note: "differs", Differs: true})
		}
	}
	ge, bexp := expiry(gj, p.Good.Time), expiry(bj, p.Bad.Time)
	gExp, bExp := ge.state, bexp.state
	note := "same"
	if gExp != bExp {
		note = "differs"
	}
	p.Rows = append(p.Rows, DiffRow{Aspect: aspect + " JWT exp", Good: ge.text, Bad: bexp.text, Note: note, Differs: gExp != bExp})
	gn, bn := notBefore(gj, p.Good.Time), notBefore(bj, p.Bad.Time)
	if gn != bn {
		p.Rows = append(p.Rows, DiffRow{Aspect: aspect + " JWT nbf", Good: orNone(gn), Bad: orNone(bn), Note: "differs", Differs: true})
	}
}

type expState struct {
	state string // valid, expired, none, unknown
	text  string
}

// expiry says how exp relates to the request's time: "expired 2h before
// the request" or "valid for 40m after the request".
func expiry(j *secrets.JWT, reqTime string) expState {
	if j == nil {
		return expState{"none", "(not a JWT)"}
	}
	exp, ok := j.Expiry()
	if !ok {
		return expState{"none", "(no exp)"}
	}
	at := exp.UTC().Format(time.RFC3339)
	t, err := time.Parse(time.RFC3339, reqTime)
	if err != nil {
		return expState{"unknown", "exp " + at + " (request time unknown)"}
	}
	if exp.Before(t) {
		return expState{"expired", "expired " + rules.HumanDuration(t.Sub(exp)) + " before the request (exp " + at + ")"}
	}
	return expState{"valid", "valid for " + rules.HumanDuration(exp.Sub(t)) + " after the request (exp " + at + ")"}
}

func notBefore(j *secrets.JWT, reqTime string) string {
	if j == nil {
		return ""
	}
	nbf, ok := j.NotBefore()
	if !ok {
		return ""
	}
	t, err := time.Parse(time.RFC3339, reqTime)
	if err != nil || !nbf.After(t) {
		return "" // only a token not valid yet is worth a row
	}
	return "not valid until " + rules.HumanDuration(nbf.Sub(t)) + " after the request"
}

func schemeOf(c *credView) string {
	if c == nil {
		return "(no Authorization header)"
	}
	if c.scheme == "" {
		return "(no scheme)"
	}
	return c.scheme
}

func hostDisplay(v *authView) string {
	if v.host == "" {
		return ""
	}
	return v.host + " (" + v.hostEnv + ")"
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// unionNames merges two name lists, case-insensitively, in first-seen
// order.
func unionNames(a, b []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range [][]string{a, b} {
		for _, n := range l {
			k := strings.ToLower(n)
			if !seen[k] {
				seen[k] = true
				out = append(out, n)
			}
		}
	}
	return out
}

// maxDiffPairs bounds the pairs reported.
const maxDiffPairs = 1000

// credSignature identifies the credentials a request carries, by place,
// name and fingerprint.
func (v *authView) credSignature() string {
	var b strings.Builder
	if v.auth != nil {
		b.WriteString(v.auth.scheme + " " + v.auth.fp + ";")
	}
	for _, n := range v.headerNames {
		b.WriteString(n + "=" + v.headers[strings.ToLower(n)].fp + ";")
	}
	for _, n := range v.paramNames {
		b.WriteString(n + "=" + v.params[n].fp + ";")
	}
	for _, n := range v.cookieNames {
		b.WriteString("cookie " + n + "=" + v.cookies[n] + ";")
	}
	return b.String()
}
