package secrets

import (
	"encoding/base64"
	"strings"
	"unicode/utf8"
)

// The structural detectors start at a ':' or '=' and read the name before
// it: an Authorization or Cookie header, an API-key header, a credential-
// named query parameter, JSON field or key=value pair. Text forms covered:
//
//	Authorization: Bearer x                     header text, curl "> authorization: x"
//	[authorization: Bearer x]                   curl HTTP/2 "[HTTP/2] [1] [authorization: x]", "h2h3 [...]"
//	"Authorization":"Bearer x"                  JSON, also "http_authorization", "request_Authorization"
//	"Authorization":["Bearer x"]                JSON of a Go http.Header
//	{\"access_token\":\"x\"}                    JSON inside a JSON string
//	?access_token=x&…  …\u0026api_key=x         query string, form body, Go-escaped '&'
//	password=x  PASSWORD: x  token := "x"        key=value, YAML, code
//	https://user:pass@host                      URL userinfo

// nameClass says what a name before a separator denotes.
type nameClass uint8

const (
	nameNone nameClass = iota
	nameAuthorization
	nameCookie
	nameSetCookie
	nameHeader // an API-key-like header name
	nameParam  // a credential-named parameter or field
)

type nameInfo struct {
	class     nameClass
	weak      bool // an ambiguous name (key, token, session): the value must look like a credential
	password  bool // the value is a password
	awsSecret bool // an AWS secret access key by name
	npm       bool // an .npmrc credential key (_authToken, _auth, _password)
	okta      bool
}

// headerPrefixes: the last part of a prefix that log formats put before a
// header name (nginx http_authorization, sent_http_set_cookie; Traefik
// request_Authorization; pino req.headers.authorization).
var headerPrefixes = map[string]bool{
	"http": true, "request": true, "req": true, "response": true, "resp": true, "res": true,
	"header": true, "headers": true, "hdr": true, "hdrs": true, "h": true, "in": true,
	"out": true, "upstream": true, "downstream": true, "requestheaders": true,
	"responseheaders": true, "request_headers": true, "response_headers": true,
}

// weakNames are ambiguous on their own: "key" may be an object key, "token"
// a pagination token, "session" a name. Their values must look random.
var weakNames = map[string]bool{
	"key": true, "token": true, "auth": true, "session": true, "sid": true, "sig": true,
	"signature": true, "secret": true, "jwt": true, "bearer": true, "assertion": true,
	"credentials": true, "credential": true, "code_verifier": true, "pwd": true,
	"ticket": true, "x_token": true, "x_secret": true, "_auth": true,
}

// classifyName reads a name (as written, any case) without allocating.
func classifyName(name []byte) nameInfo {
	var lb [maxNameLen]byte
	var nb [2 * maxNameLen]byte
	lower, ok := lowerName(lb[:0], name)
	if !ok {
		return nameInfo{}
	}
	// plain: lower case with - and . read as _, for header names and the
	// name tables; camel also splits camelCase parts, for suffix rules.
	var pb [maxNameLen]byte
	norm := pb[:len(lower)]
	for i, c := range lower {
		if c == '-' || c == '.' {
			c = '_'
		}
		norm[i] = c
	}
	camel := normalizeName(nb[:0], name)
	hasDash := indexByte(name, '-') >= 0
	if headerNamed(norm, "authorization") || headerNamed(norm, "proxy_authorization") || string(norm) == "x_authorization" {
		return nameInfo{class: nameAuthorization}
	}
	if headerNamed(norm, "set_cookie") {
		return nameInfo{class: nameSetCookie}
	}
	if headerNamed(norm, "cookie") {
		return nameInfo{class: nameCookie}
	}
	var info nameInfo
	if v, ok := credentialHeaders[string(lower)]; ok {
		if !v {
			return nameInfo{}
		}
		info.class = nameHeader
	} else if v, ok := credentialParams[string(lower)]; ok {
		if !v {
			return nameInfo{}
		}
		info.class = nameParam
	} else if isCredentialName(camel) || isCredentialName(norm) {
		info.class = nameParam
		if hasDash {
			info.class = nameHeader
		}
	} else {
		return nameInfo{}
	}
	info.weak = weakNames[string(norm)] || hasSuffix(norm, "_auth") || string(norm) != "secret" && hasSuffix(norm, "secret") && !hasSuffix(norm, "_secret")
	info.password = hasSuffix(norm, "password") || hasSuffix(norm, "passwd") || string(norm) == "pwd"
	info.awsSecret = contains(norm, "secret") && (contains(norm, "aws") || contains(norm, "access_key") || contains(norm, "accesskey"))
	info.npm = string(norm) == "_authtoken" || string(norm) == "_auth" || string(norm) == "_password"
	info.okta = contains(norm, "okta")
	return info
}

// headerNamed reports whether norm is h, or h after a known log prefix
// (http_h, request_h, req_headers_h).
func headerNamed(norm []byte, h string) bool {
	if string(norm) == h {
		return true
	}
	if !hasSuffix(norm, h) || len(norm) <= len(h)+1 || norm[len(norm)-len(h)-1] != '_' {
		return false
	}
	pre := norm[:len(norm)-len(h)-1]
	if headerPrefixes[string(pre)] {
		return true
	}
	// the last part of the prefix: sent_http_, upstream_http_, req_headers_
	for i := len(pre) - 1; i >= 0; i-- {
		if pre[i] == '_' {
			return headerPrefixes[string(pre[i+1:])]
		}
	}
	return false
}

// nameSuffixes lists, by the last three bytes (folded: letters, '_' for
// - . _, one code for digits), every ending a credential name can have, so
// that a name in a log line is rejected by a bitmap lookup and at most a
// couple of suffix comparisons (user_id, trace_id and duration do not end
// like session_id or authorization).
type suffixIndex struct {
	bits  [1 << 10]uint32
	lists map[uint32][]string
}

var nameSuffixes = buildNameSuffixes()

func foldNameByte(c byte) uint32 {
	switch {
	case c >= 'a' && c <= 'z':
		return uint32(c-'a') + 1
	case c >= 'A' && c <= 'Z':
		return uint32(c-'A') + 1
	case c == '_' || c == '-' || c == '.':
		return 27
	case c >= '0' && c <= '9':
		return 28
	}
	return 0
}

func suffixKey(b []byte) uint32 {
	n := len(b)
	return foldNameByte(b[n-3])<<10 | foldNameByte(b[n-2])<<5 | foldNameByte(b[n-1])
}

func buildNameSuffixes() *suffixIndex {
	x := &suffixIndex{lists: map[uint32][]string{}}
	var add func(s string)
	add = func(s string) {
		if len(s) < 3 {
			return
		}
		if strings.ContainsAny(s, "_-.") {
			// camelCase spelling: sessionId, oktaApiToken
			add(strings.NewReplacer("_", "", "-", "", ".", "").Replace(s))
		}
		norm := []byte(s)
		for i, c := range norm {
			if c == '-' || c == '.' {
				norm[i] = '_'
			}
		}
		k := suffixKey(norm)
		for _, have := range x.lists[k] {
			if have == string(norm) {
				return
			}
		}
		x.bits[k>>5] |= 1 << (k & 31)
		x.lists[k] = append(x.lists[k], string(norm))
	}
	for k, v := range credentialHeaders {
		if v {
			add(k)
		}
	}
	for k, v := range credentialParams {
		if v {
			add(k)
		}
	}
	for _, s := range credentialSuffixes {
		add(s)
	}
	for _, s := range []string{"authorization", "cookie", "set-cookie"} {
		add(s)
	}
	return x
}

// maybeCredentialName rejects, without allocating, names that cannot be
// credential names: none of the endings of one.
func maybeCredentialName(name []byte) bool {
	if len(name) < 3 {
		return false
	}
	k := suffixKey(name)
	if nameSuffixes.bits[k>>5]&(1<<(k&31)) == 0 {
		return false
	}
	for _, suf := range nameSuffixes.lists[k] {
		if foldHasSuffix(name, suf) {
			return true
		}
	}
	return false
}

// foldHasSuffix compares the end of name, lower-cased with - and . read as
// _, to a normalized suffix.
func foldHasSuffix(name []byte, suf string) bool {
	if len(name) < len(suf) {
		return false
	}
	off := len(name) - len(suf)
	for i := 0; i < len(suf); i++ {
		c := name[off+i]
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		case c == '-' || c == '.':
			c = '_'
		}
		if c != suf[i] {
			return false
		}
	}
	return true
}

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.'
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' }

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// trySep examines the separator at p and returns the position from which the
// main loop should look at separators again (past a value it consumed).
func (s *Scanner) trySep(line []byte, p int) int {
	n := len(line)
	sep := line[p]
	if sep == ':' {
		if p+2 < n && line[p+1] == '/' && line[p+2] == '/' {
			s.tryURL(line, p, p+3)
			return p + 1
		}
		if p+4 < n && line[p+1] == '\\' && line[p+2] == '/' && line[p+3] == '\\' && line[p+4] == '/' {
			s.tryURL(line, p, p+5)
			return p + 1
		}
	} else {
		if p+1 < n && line[p+1] == '=' {
			return p + 2 // ==
		}
		if p > 0 {
			switch line[p-1] {
			case '=', '!', '<', '>', ':', '+', '-', '*', '/', '|', '&', '^', '%', '~':
				return p + 1 // an operator, or := handled at the ':'
			}
		}
	}

	// The name before the separator, possibly quoted ("name", 'name',
	// \"name\") and followed by blanks.
	j := p - 1
	for j >= 0 && j >= p-32 && isSpace(line[j]) {
		j--
	}
	if j < 0 {
		return p + 1
	}
	var q byte
	esc := false
	nameEnd := j + 1
	if line[j] == '"' || line[j] == '\'' {
		q = line[j]
		nameEnd = j
		if j > 0 && line[j-1] == '\\' {
			esc = true
			nameEnd = j - 1
		}
	}
	k := nameEnd - 1
	for k >= 0 && nameEnd-k <= maxNameLen+1 && isNameByte(line[k]) {
		k--
	}
	nameStart := k + 1
	if nameStart >= nameEnd || nameEnd-nameStart > maxNameLen {
		return p + 1
	}
	if q != 0 {
		if k < 0 || line[k] != q {
			return p + 1
		}
		if esc && (k == 0 || line[k-1] != '\\') {
			return p + 1
		}
	}
	if !maybeCredentialName(line[nameStart:nameEnd]) {
		return p + 1
	}
	if q == 0 && nameStart >= 10 && string(line[nameStart-10:nameStart]) == "<redacted:" {
		// the kind inside a sanitized marker, <redacted:password::12:fp>
		return byteEnd(line, p, '>')
	}
	// An escape before a bare name is not part of it: \nAuthorization:,
	// \u0026access_token=.
	query := false
	if q == 0 && nameStart > 0 && line[nameStart-1] == '\\' {
		switch {
		case nameEnd-nameStart > 5 && line[nameStart] == 'u' && string(line[nameStart+1:nameStart+5]) == "0026":
			nameStart += 5
			query = true
		case line[nameStart] == 'n' || line[nameStart] == 'r' || line[nameStart] == 't':
			nameStart++
		}
	}
	info := classifyName(line[nameStart:nameEnd])
	if info.class == nameNone {
		return p + 1
	}
	// the byte before the name says what context the pair sits in
	var before byte
	if q != 0 {
		if k > 0 {
			before = line[k-1]
		}
	} else if nameStart > 0 {
		before = line[nameStart-1]
	}
	if sep == '=' && q == 0 {
		switch before {
		case '?', '&', '#', ';':
			query = true
		}
	}

	v := p + 1
	if v < n && (sep == ':' && line[v] == '=' || sep == '=' && line[v] == '>') {
		v++
	}
	if !query {
		for v < n && isSpace(line[v]) {
			v++
		}
	}
	field := [2]int{nameStart, nameEnd}
	if q == 0 && (before == '"' || before == '\'') && v < n && line[v] == before {
		// "Password: " + x, 'password = '.$p: the quote after the
		// separator closes the string the name sits in; no value here.
		return v + 1
	}

	switch info.class {
	case nameAuthorization, nameCookie, nameSetCookie:
		rs, re, next, quoted, ok := s.headerRegion(line, v, q, before)
		if !ok {
			return next
		}
		if info.class == nameAuthorization {
			end := s.addAuthorization(line, rs, re, field)
			if quoted {
				return next
			}
			// bare text: separators after the credential are someone else's
			return max(end, p+1)
		}
		s.addCookies(line, rs, re, info.class == nameSetCookie, field)
		if quoted {
			return next
		}
		return p + 1
	}

	// one value: a JSON string, a quoted string or a bare token
	var det *Detector
	switch {
	case q != 0 && sep == ':':
		det = detJSONField
		if info.class == nameHeader {
			det = detAPIKeyHeader
		}
	case query:
		det = detQueryParam
	case info.class == nameHeader && sep == ':':
		det = detAPIKeyHeader
	default:
		det = detKeyValue
	}
	vs, ve, next, ok := singleValue(line, v, q != 0 && sep == ':', query)
	if !ok {
		return next
	}
	if det == detKeyValue && sep == '=' && ve < n && (line[ve] == '&' || hasPrefixAt(line, ve, `\u0026`)) {
		det = detQueryParam // a query string or form body: args="access_token=x&page=2"
	}
	s.addNamed(det, line, vs, ve, info, field, before)
	return next
}

// headerRegion finds the bytes holding a header value that starts at v:
// a JSON string or array of strings, a quoted string, or bare text up to the
// delimiter that opened the name's context ("…" ']' …) or the end of line.
func (s *Scanner) headerRegion(line []byte, v int, q byte, before byte) (rs, re, next int, quoted, ok bool) {
	n := len(line)
	if v >= n {
		return 0, 0, n, false, false
	}
	switch c := line[v]; {
	case c == '[' && q != 0:
		v++
		for v < n && isSpace(line[v]) {
			v++
		}
		if v >= n || line[v] != '"' {
			return 0, 0, v, false, false
		}
		rs, re = v+1, jsonStringEnd(line, v+1)
		return rs, re, re, true, true
	case c == '"':
		rs, re = v+1, jsonStringEnd(line, v+1)
		return rs, re, re, true, true
	case c == '\\' && v+1 < n && line[v+1] == '"':
		rs, re = v+2, escapedStringEnd(line, v+2)
		return rs, re, re, true, true
	case c == '\'':
		rs, re = v+1, byteEnd(line, v+1, '\'')
		return rs, re, re, true, true
	case q != 0:
		return 0, 0, v, false, false // a quoted name with a non-string value: code, not data
	}
	var closer byte
	switch before {
	case '"', '\'':
		closer = before
	case '[':
		closer = ']'
	case '(':
		closer = ')'
	case '{':
		closer = '}'
	}
	// An unquoted header value ends at the closer or the line's end,
	// bounded. The bytes scanned for one header are not scanned again for
	// a header that starts inside its value, so a line of many headers
	// stays linear.
	lim := min(n, v+maxHeaderValue)
	b := &s.bare
	re = v
	from := v
	if b.end >= 0 && v >= b.from && v <= b.end && closer == b.closer {
		if b.end >= lim {
			return v, lim, lim, false, true
		}
		if b.stopped {
			return v, b.end, b.end, false, true
		}
		re, from = b.end, b.from
	}
	for re < lim {
		c := line[re]
		if c == closer && closer != 0 || c == '\r' || c == '\n' || c == '\\' && closer == '"' {
			break // \\ inside a JSON string: an escape, \r\n or \"
		}
		re++
	}
	b.from, b.end, b.closer, b.stopped = from, re, closer, re < lim || lim == n
	return v, re, re, false, true
}

// maxHeaderValue bounds an unquoted header value (servers reject headers
// above 8-16 KiB).
const maxHeaderValue = 16 << 10

// jsonStringEnd returns the index of the closing quote of a JSON string whose
// content starts at i, or len(line) for a truncated line.
func jsonStringEnd(line []byte, i int) int {
	for i < len(line) {
		switch line[i] {
		case '"':
			return i
		case '\\':
			i++
		}
		i++
	}
	return len(line)
}

// escapedStringEnd finds the \" that closes a string inside a JSON string.
func escapedStringEnd(line []byte, i int) int {
	for ; i < len(line); i++ {
		if line[i] == '\\' && i+1 < len(line) && line[i+1] == '"' {
			return i
		}
		if line[i] == '"' {
			return i
		}
	}
	return len(line)
}

func byteEnd(line []byte, i int, c byte) int {
	for ; i < len(line); i++ {
		if line[i] == c {
			return i
		}
	}
	return len(line)
}

// isValueStop ends a bare value: URL and JSON grammar, quotes, blanks.
func isValueStop(c byte, query bool) bool {
	switch c {
	case ' ', '\t', '\r', '\n', '"', '\'', '&', ',', ';', '\\', '<', '>', '(', ')', '[', ']', '{', '}', '|', '`':
		return true
	case '#':
		return query
	}
	return c < 0x20 || c == 0x7f
}

// singleValue locates one value starting at v. jsonName says the name was
// quoted before ':', where only a string counts (a number or an object is
// not a credential value).
func singleValue(line []byte, v int, jsonName, query bool) (vs, ve, next int, ok bool) {
	n := len(line)
	if v >= n {
		return 0, 0, n, false
	}
	switch c := line[v]; {
	case c == '"':
		ve = jsonStringEnd(line, v+1)
		return v + 1, ve, ve, true
	case c == '\\' && v+1 < n && line[v+1] == '"':
		ve = escapedStringEnd(line, v+2)
		return v + 2, ve, ve, true
	case c == '\'' && !query:
		ve = byteEnd(line, v+1, '\'')
		return v + 1, ve, ve, true
	case c == '[' && jsonName:
		w := v + 1
		for w < n && isSpace(line[w]) {
			w++
		}
		if w < n && line[w] == '"' {
			ve = jsonStringEnd(line, w+1)
			return w + 1, ve, ve, true
		}
		return 0, 0, v + 1, false
	case jsonName:
		return 0, 0, v, false
	case c == '<' || c == '[' || c == '{' || c == '$' && v+1 < n && line[v+1] == '{':
		// a marker or placeholder: <redacted:…>, [FILTERED], {{token}}, ${X}
		closer := byte('}')
		switch c {
		case '<':
			closer = '>'
		case '[':
			closer = ']'
		}
		if k := byteEnd(line, v+1, closer); k < n {
			return v, k + 1, k + 1, true
		}
	}
	ve = v
	for ve < n && !isValueStop(line[ve], query) {
		ve++
	}
	return v, ve, ve, ve > v
}

// addNamed adds a credential-named value after the value filters.
func (s *Scanner) addNamed(det *Detector, line []byte, vs, ve int, info nameInfo, field [2]int, before byte) {
	vs, ve = trimSpaceSpan(line, vs, ve)
	val := line[vs:ve]
	if !plausibleValue(val, info.weak) || notASecret(unquote(val)) {
		return
	}
	if det == detKeyValue && (ve >= len(line) || line[ve] != '"' && line[ve] != '\'') && codeValue(val) {
		return // password = env.DB_PASSWORD, token = getToken()
	}
	c := cand{det: det, start: vs, end: ve, f1: field[0], f2: field[1], g1: -1}
	if info.password {
		c.kind = KindPassword
	}
	switch {
	case info.awsSecret && len(val) == 40 && isBase64Std(val):
		c.det, c.provider, c.kind = detAWSSecretKey, "aws", "aws"
	case info.okta && isOktaToken(val):
		c.provider, c.kind = "okta", "okta"
	case info.npm && before == ':' && field[0] >= 2 && line[field[0]-2] == '/' && npmrcLine(line):
		c.provider = "npm"
	}
	s.add(c)
}

// npmrcLine: a scoped-registry line of an .npmrc, //host/path/:_authToken=…
func npmrcLine(line []byte) bool {
	i := 0
	for i < len(line) && isSpace(line[i]) {
		i++
	}
	return hasPrefixAt(line, i, "//") && i+2 < len(line) && line[i+2] != '/'
}

// unquote strips one layer of matching quotes.
func unquote(v []byte) []byte {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		return v[1 : len(v)-1]
	}
	return v
}

// codeValue: an unquoted value that is an expression, not a literal: a
// dotted identifier (env.DB_PASSWORD, self.password) or a call.
func codeValue(v []byte) bool {
	if indexByte(v, '(') >= 0 {
		return true
	}
	dots := 0
	for i, c := range v {
		switch {
		case c == '.':
			if i == 0 || i == len(v)-1 || v[i-1] == '.' {
				return false
			}
			dots++
		case c == '_' || isLetter(c) || c >= '0' && c <= '9' && i > 0 && v[i-1] != '.':
		default:
			return false
		}
	}
	return dots > 0
}

// addAuthorization parses the Authorization value in [rs, re): scheme words,
// then the credential; "Bearer a, Bearer b" (joined duplicates) yields both.
// It returns the end of the last credential.
func (s *Scanner) addAuthorization(line []byte, rs, re int, field [2]int) int {
	i := rs
	last := rs
	for part := 0; part < 4 && i < re; part++ {
		for i < re && isSpace(line[i]) {
			i++
		}
		var scheme string
		schemeWords := 0
		for schemeWords < 3 {
			w := i
			for w < re && isToken68(line[w]) {
				w++
			}
			if w == i || w >= re {
				break
			}
			colon := false
			after := w
			if line[after] == ':' {
				colon = true
				after++
			}
			if after >= re || !isSpace(line[after]) {
				break
			}
			word := string(line[i:w])
			canon, known := CanonicalScheme(word)
			if schemeWords > 0 && !known || schemeWords == 0 && !known && (colon || !isSchemeWord(word)) {
				break
			}
			if scheme == "" {
				scheme = word
				if known {
					scheme = canon
				}
			}
			schemeWords++
			i = after
			for i < re && isSpace(line[i]) {
				i++
			}
		}
		if i >= re {
			break
		}
		cs := i
		ce := cs
		if paramScheme(scheme) || looksLikeAuthParams(line[cs:re]) {
			ce = re // Digest/AWS4/OAuth parameters: keep the whole list
		} else {
			ce = credentialEnd(line, cs, re)
		}
		cs, ce = trimSpaceSpan(line, cs, ce)
		last = max(last, ce)
		if ce > cs && plausibleCredential(line[cs:ce], scheme) {
			c := cand{det: detAuthorization, start: cs, end: ce, f1: field[0], f2: field[1], g1: -1, scheme: scheme}
			if scheme == "Basic" && isBasicCredential(line[cs:ce]) {
				c.kind = KindBasic
			}
			if scheme == "SSWS" && isOktaToken(line[cs:ce]) {
				c.provider, c.kind = "okta", "okta"
			}
			s.add(c)
		}
		// another credential joined by a comma?
		i = ce
		for i < re && isSpace(line[i]) {
			i++
		}
		if i >= re || line[i] != ',' {
			break
		}
		i++
	}
	return last
}

// credentialEnd finds the end of a credential that starts at cs, keeping
// bracketed parts whole so that [REDACTED], ${TOKEN} and <token> reach the
// marker and placeholder tests intact.
func credentialEnd(line []byte, cs, re int) int {
	depth := 0
	ce := cs
	for ce < re {
		c := line[ce]
		if c == '\\' {
			// \xHH (Apache, nginx without escape=json) and \uXXXX keep
			// non-ASCII bytes inside the credential, and so does \/; an
			// escaped quote or line break ends it.
			if n := escapeLen(line[ce:re]); n > 0 {
				ce += n
				continue
			}
			return ce
		}
		switch {
		case c == '[' || c == '{' || c == '(' || c == '<':
			depth++
		case (c == ']' || c == '}' || c == ')' || c == '>') && depth > 0:
			depth--
		case depth == 0 && isCredentialStop(c):
			return ce
		}
		ce++
	}
	return ce
}

// escapeLen is the length of a \xHH, \uXXXX or \/ escape at the start of
// b that stands for a byte of a credential, 0 for any other escape.
func escapeLen(b []byte) int {
	if len(b) < 2 {
		return 0
	}
	switch b[1] {
	case '/':
		return 2
	case 'x':
		if len(b) >= 4 && isHex(b[2]) && isHex(b[3]) && !(b[2] == '2' && b[3] == '2') && !(b[2] == '5' && (b[3] == 'c' || b[3] == 'C')) {
			return 4 // \x22 is a quote, \x5C a backslash
		}
	case 'u':
		if len(b) >= 6 && isHex(b[2]) && isHex(b[3]) && isHex(b[4]) && isHex(b[5]) && !(b[2] == '0' && b[3] == '0' && (b[4] < '8')) {
			return 6 // \u0022, \u0026 … are ASCII punctuation that ends the value
		}
	}
	return 0
}

func isToken68(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' || c == '='
}

func isCredentialStop(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\n', '"', '\'', ',', '\\', ']', '}', ')', ';':
		return true
	}
	return false
}

// paramScheme: schemes whose credentials are auth-params, not one token.
func paramScheme(s string) bool {
	switch s {
	case "Digest", "AWS4-HMAC-SHA256", "OAuth", "Hawk", "HOBA", "Mutual", "Signature", "MAC",
		"SharedAccessSignature", "SCRAM-SHA-256", "vapid":
		return true
	}
	return false
}

// looksLikeAuthParams: name=value, or name="value", followed by more params.
func looksLikeAuthParams(b []byte) bool {
	i := 0
	for i < len(b) && (b[i] >= 'a' && b[i] <= 'z' || b[i] >= 'A' && b[i] <= 'Z' || b[i] == '_' || b[i] == '-') {
		i++
	}
	if i == 0 || i >= len(b)-1 || b[i] != '=' {
		return false
	}
	return b[i+1] == '"' || indexByte(b[i:], ',') >= 0
}

func indexByte(b []byte, c byte) int {
	for i := range b {
		if b[i] == c {
			return i
		}
	}
	return -1
}

// addCookies adds one candidate per cookie value in a Cookie header (for
// Set-Cookie only the first pair is the cookie; the rest are attributes).
func (s *Scanner) addCookies(line []byte, rs, re int, set bool, field [2]int) {
	// a value quoted as a whole: Cookie: "a=1; b=2" in some text logs
	rs, re = trimSpaceSpan(line, rs, re)
	if re-rs >= 2 && line[rs] == '"' && line[re-1] == '"' {
		rs, re = rs+1, re-1
	}
	i := rs
	for i < re {
		for i < re && (isSpace(line[i]) || line[i] == ';') {
			i++
		}
		ns := i
		for i < re && line[i] != '=' && line[i] != ';' && !isSpace(line[i]) {
			i++
		}
		if i >= re || line[i] != '=' {
			if i < re && line[i] == ';' && !set {
				continue
			}
			return
		}
		ne := i
		i++
		vs := i
		for i < re && line[i] != ';' && !isSpace(line[i]) {
			i++
		}
		ve := i
		// \"value\" or "value"
		if ve-vs >= 4 && line[vs] == '\\' && line[vs+1] == '"' && line[ve-2] == '\\' && line[ve-1] == '"' {
			vs, ve = vs+2, ve-2
		} else if ve-vs >= 2 && line[vs] == '"' && line[ve-1] == '"' {
			vs, ve = vs+1, ve-1
		}
		if validCookieName(line[ns:ne]) && !antiForgery(line[ns:ne]) && plausibleCookie(line[vs:ve]) {
			s.add(cand{det: detCookie, start: vs, end: ve, f1: field[0], f2: field[1], g1: ns, g2: ne})
		}
		if set {
			return
		}
		for i < re && isSpace(line[i]) {
			i++
		}
		if i < re && line[i] != ';' {
			return // text after the header value
		}
	}
}

// antiForgery: CSRF/XSRF cookies carry a token that is not a credential.
func antiForgery(name []byte) bool {
	return containsFold(name, "csrf") || containsFold(name, "xsrf")
}

func validCookieName(b []byte) bool {
	if len(b) == 0 || len(b) > 128 {
		return false
	}
	for _, c := range b {
		if c <= ' ' || c >= 0x7f {
			return false
		}
		switch c {
		case '(', ')', '<', '>', '@', ',', ';', ':', '\\', '"', '/', '[', ']', '?', '=', '{', '}', '+', '*', '$':
			return false
		}
	}
	return true
}

func plausibleCookie(v []byte) bool {
	if len(v) == 0 || string(v) == "-" || string(v) == "deleted" || string(v) == `""` {
		return false
	}
	return !notASecret(v)
}

// plausibleCredential filters values under an Authorization header. After
// a registered scheme anything counts; otherwise (no scheme, or a word that
// may be prose: "Authorization: failed for bob") the value must look like a
// credential.
func plausibleCredential(v []byte, scheme string) bool {
	if len(v) == 0 || string(v) == "-" {
		return false
	}
	if _, known := CanonicalScheme(scheme); !known {
		if _, known := CanonicalScheme(string(v)); known {
			return false // a scheme with nothing after it
		}
		if !randomValue(v) && len(v) < 20 {
			return false
		}
	}
	return !notASecret(v)
}

// plausibleValue filters values under a credential name. weak names need a
// value that looks random.
func plausibleValue(v []byte, weak bool) bool {
	if len(v) < 4 || string(v) == "-" {
		return false
	}
	if weak && (!randomValue(v) || indexByte(v, '/') >= 0 && indexByte(v, '.') >= 0) {
		return false // a word, or a path such as uploads/2024/photo.jpg
	}
	return !notASecret(v)
}

// notASecret: redaction markers, placeholders, sanitized JWTs, repeated
// characters and phrases such as this_is_just_a_test.
func notASecret(v []byte) bool {
	if len(v) == 0 || lowDiversity(v) || prose(v) || noAlnum(v) {
		return true
	}
	switch {
	case v[0] == '+' || v[len(v)-1] == '+' && len(v) < 16:
		return true // "…" + x + "…": string concatenation
	case v[0] == '<' || v[0] == '[' || v[0] == '{' || v[0] == '(':
		return true // <token>, [REDACTED], {{token}}, {base64(user:pass)}, (hidden)
	case v[0] == '%' && len(v) > 1 && v[1] == '{':
		return true // a log-format directive: %{Authorization}i
	case v[0] == '$' && len(v) > 1 && (isLetter(v[1]) || v[1] == '_' || v[1] == '{' || v[1] == '('):
		return true // $password, ${X}, $(cmd); bcrypt's $2y$ stays
	case hasPrefixAt(v, 0, "&lt;") || hasPrefixAt(v, 0, "arn:") || hasPrefixAt(v, 0, "http://") || hasPrefixAt(v, 0, "https://"):
		return true
	case (v[0] == '#' || v[0] == '.') && cssSelector(v[1:]):
		return true // #add-password
	case len(v) >= 16 && (sequential(v) || distinct(v, 6) < 6):
		return true // AIzaSyabcdefghijklmnop…, AIzaaaaaaaaa…
	}
	sv := string(v)
	if IsRedactionMarker(sv) || IsPlaceholder(sv) {
		return true
	}
	if _, _, sig, ok := splitJWT(sv); ok && sig != "" && IsRedactionMarker(sig) {
		return true
	}
	return false
}

func noAlnum(v []byte) bool {
	for _, c := range v {
		if isAlnum(c) || c >= 0x80 {
			return false
		}
	}
	return true
}

func cssSelector(v []byte) bool {
	if len(v) == 0 || !(v[0] >= 'a' && v[0] <= 'z') {
		return false
	}
	for _, c := range v {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// sequential: a run of six ascending characters (abcdef, 123456), which
// template keys have and random ones practically never do.
func sequential(v []byte) bool {
	run := 1
	for i := 1; i < len(v); i++ {
		if v[i] == v[i-1]+1 && isAlnum(v[i]) {
			run++
			if run >= 6 {
				return true
			}
		} else {
			run = 1
		}
	}
	return false
}

// lowDiversity: aaaaaaaa, 00000000, xXxXxX — no key is written with two
// distinct bytes.
func lowDiversity(v []byte) bool {
	if len(v) < 4 {
		return false
	}
	a, b := v[0], v[0]
	for _, c := range v {
		if c != a {
			if b != a && c != b {
				return false
			}
			b = c
		}
	}
	return true
}

// prose: four or more lower-case words joined by _ or - and nothing else
// (this_is_just_a_test, your-token-goes-here); keys are never written so.
func prose(v []byte) bool {
	words, letters := 1, 0
	for _, c := range v {
		switch {
		case c >= 'a' && c <= 'z':
			letters++
		case c == '_' || c == '-' || c == ' ':
			words++
		default:
			return false
		}
	}
	return words >= 4 && letters >= 3*words
}

// randomValue: long enough, no blanks, not a word, a path or a URL.
func randomValue(v []byte) bool {
	if len(v) < 8 || v[0] == '/' {
		return false
	}
	var digit, upper, lower int
	lowerOnly := true
	for i, c := range v {
		switch {
		case c >= '0' && c <= '9':
			digit++
		case c >= 'A' && c <= 'Z':
			lowerOnly = false
			if i > 0 && v[i-1] >= 'a' && v[i-1] <= 'z' {
				upper++ // an inner capital: Sec-Ch-Ua has none, base64 many
			}
		case c >= 'a' && c <= 'z':
			lower++
		case c == ' ' || c == '\t':
			return false
		case c == ':' && i+2 < len(v) && v[i+1] == '/' && v[i+2] == '/':
			return false
		}
	}
	if lowerOnly && indexByte(v, '.') >= 0 && digit < len(v)/4 {
		return false // jetbrains.mps.v8_elimination, com.example.app
	}
	return digit > 0 && digit < len(v) || upper >= 2 && lower >= 2
}

func trimSpaceSpan(line []byte, s, e int) (int, int) {
	for s < e && isSpace(line[s]) {
		s++
	}
	for e > s && isSpace(line[e-1]) {
		e--
	}
	return s, e
}

// isBasicCredential: base64 of user:password with printable text.
func isBasicCredential(v []byte) bool {
	if len(v) < 4 || len(v) > 1024 {
		return false
	}
	var buf [768]byte
	enc := base64.StdEncoding
	if v[len(v)-1] != '=' && len(v)%4 != 0 {
		enc = base64.RawStdEncoding
	}
	n, err := enc.Decode(buf[:], v)
	if err != nil {
		return false
	}
	d := buf[:n]
	colon := indexByte(d, ':')
	if colon < 0 || colon == len(d)-1 || !utf8.Valid(d) {
		return false
	}
	for _, c := range d {
		if c < 0x20 || c == 0x7f {
			return false
		}
	}
	return true
}

func isBase64Std(v []byte) bool {
	for _, c := range v {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '/') {
			return false
		}
	}
	return true
}

// isOktaToken: an Okta API token, 00 and 40 more characters.
func isOktaToken(v []byte) bool {
	if len(v) != 42 || v[0] != '0' || v[1] != '0' {
		return false
	}
	for _, c := range v[2:] {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return !lowDiversity(v[2:])
}

// maxAuthority bounds the userinfo@host part of a URL.
const maxAuthority = 2048

// tryURL looks for a password in the userinfo of scheme://user:pass@host.
// colon is the ':' of "://", a the first byte of the authority.
func (s *Scanner) tryURL(line []byte, colon, a int) {
	if colon < 2 || !isLetter(line[colon-1]) {
		return
	}
	e := a
	at := -1
	for lim := min(len(line), a+maxAuthority); e < lim; {
		c := line[e]
		if c == '/' || c == '?' || c == '#' || c == '"' || c == '\'' || c == '<' || c == '>' || c == '\\' ||
			c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ')' || c == ']' || c == '}' || c == '`' {
			break
		}
		if c == '@' {
			at = e
		}
		e++
	}
	if at < 0 {
		return
	}
	uc := -1
	for i := a; i < at; i++ {
		if line[i] == ':' {
			uc = i
			break
		}
	}
	if uc < 0 || uc+1 >= at {
		return
	}
	hs := at + 1
	he := hs
	for he < e && line[he] != ':' {
		he++
	}
	if he == hs || !(isLetter(line[hs]) || line[hs] >= '0' && line[hs] <= '9' || line[hs] == '[') {
		return
	}
	pass := line[uc+1 : at]
	if string(pass) == "-" || notASecret(pass) {
		return
	}
	s.add(cand{det: detURLPassword, start: uc + 1, end: at, f1: hs, f2: he, g1: -1, kind: KindPassword})
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
