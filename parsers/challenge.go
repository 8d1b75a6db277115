package parsers

import "strings"

// Challenge is one challenge of a WWW-Authenticate or Proxy-Authenticate
// field (RFC 9110 §11.6.1): a scheme and either a token68 or parameters.
type Challenge struct {
	Scheme  string
	Token68 string
	// Params are the auth-params with lower-case names, in order.
	Params []ChallengeParam
}

// ChallengeParam is one auth-param; quoted-string values are unquoted.
type ChallengeParam struct{ Name, Value string }

// Param returns a parameter value by name (any case) and whether it was set.
func (c Challenge) Param(name string) (string, bool) {
	for _, p := range c.Params {
		if strings.EqualFold(p.Name, name) {
			return p.Value, true
		}
	}
	return "", false
}

// Challenges parses every WWW-Authenticate (or, with proxy, every
// Proxy-Authenticate) field of a response: several challenges in one field,
// several fields, token and quoted-string parameters.
func Challenges(hs Headers, proxy bool) []Challenge {
	name := "WWW-Authenticate"
	if proxy {
		name = "Proxy-Authenticate"
	}
	var out []Challenge
	for _, h := range hs.All(name) {
		out = append(out, ParseChallenges(h.Value)...)
	}
	return out
}

// ParseChallenges parses one field value:
//
//	challenge = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
//
// A comma followed by a token and then a space (not "=") starts a new
// challenge. Malformed parts are skipped rather than rejected: servers get
// this wrong and the rest is still useful.
func ParseChallenges(v string) []Challenge {
	p := &challengeParser{s: v}
	var out []Challenge
	for {
		p.skip(" \t,")
		if p.eof() {
			return out
		}
		scheme := p.token()
		if scheme == "" {
			// Not a token: skip one byte and try again.
			p.i++
			continue
		}
		c := Challenge{Scheme: scheme}
		p.skip(" \t")
		// token68 or params, until the next challenge.
		for !p.eof() {
			p.skip(" \t")
			if p.peek() == ',' {
				// Does a new challenge start after this comma?
				save := p.i
				p.i++
				p.skip(" \t,")
				tok := p.token()
				after := p.peek()
				p.i = save
				if tok != "" && after != '=' && !p.isParamStart(save) {
					break
				}
				p.i++
				continue
			}
			start := p.i
			name := p.token()
			p.skip(" \t")
			if name != "" && p.peek() == '=' && !p.isToken68Tail() {
				p.i++
				p.skip(" \t")
				c.Params = append(c.Params, ChallengeParam{Name: strings.ToLower(name), Value: p.value()})
				continue
			}
			// token68: token characters plus / + and trailing '='.
			p.i = start
			t := p.token68()
			if t == "" {
				p.i++
				continue
			}
			if c.Token68 == "" && len(c.Params) == 0 {
				c.Token68 = t
			}
		}
		out = append(out, c)
	}
}

type challengeParser struct {
	s string
	i int
}

func (p *challengeParser) eof() bool { return p.i >= len(p.s) }

func (p *challengeParser) peek() byte {
	if p.eof() {
		return 0
	}
	return p.s[p.i]
}

func (p *challengeParser) skip(set string) {
	for !p.eof() && strings.IndexByte(set, p.s[p.i]) >= 0 {
		p.i++
	}
}

// isTokenChar is RFC 9110's tchar: what header names, methods and auth
// schemes are made of.
func isTokenChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

func (p *challengeParser) token() string {
	start := p.i
	for !p.eof() && isTokenChar(p.s[p.i]) {
		p.i++
	}
	return p.s[start:p.i]
}

func (p *challengeParser) token68() string {
	start := p.i
	for !p.eof() && (isTokenChar(p.s[p.i]) || p.s[p.i] == '/' || p.s[p.i] == '+') {
		p.i++
	}
	for !p.eof() && p.s[p.i] == '=' {
		p.i++
	}
	return p.s[start:p.i]
}

// isToken68Tail reports whether the '=' at the cursor is token68 padding
// (followed by more '=' or by the end / a comma) rather than a parameter.
func (p *challengeParser) isToken68Tail() bool {
	j := p.i
	for j < len(p.s) && p.s[j] == '=' {
		j++
	}
	if j-p.i > 1 {
		return true
	}
	k := j
	for k < len(p.s) && (p.s[k] == ' ' || p.s[k] == '\t') {
		k++
	}
	return k >= len(p.s) || p.s[k] == ','
}

// isParamStart reports whether the text after the comma at pos is a
// parameter (name=) rather than a new challenge's scheme.
func (p *challengeParser) isParamStart(pos int) bool {
	q := &challengeParser{s: p.s, i: pos + 1}
	q.skip(" \t")
	if q.token() == "" {
		return false
	}
	q.skip(" \t")
	return q.peek() == '='
}

// value reads a token or a quoted-string (with backslash escapes).
func (p *challengeParser) value() string {
	if p.peek() != '"' {
		return p.token()
	}
	p.i++
	var b strings.Builder
	for !p.eof() {
		c := p.s[p.i]
		p.i++
		switch c {
		case '\\':
			if !p.eof() {
				b.WriteByte(p.s[p.i])
				p.i++
			}
		case '"':
			return b.String()
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
