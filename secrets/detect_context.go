package secrets

// The context detectors start at a ':' or '=' and read the name before
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
		array := q != 0 && line[v] == '['
		for {
			if info.class == nameAuthorization {
				end := s.addAuthorization(line, rs, re, field)
				if !quoted {
					// bare text: separators after the credential are
					// someone else's
					return max(end, p+1)
				}
			} else {
				s.addCookies(line, rs, re, info.class == nameSetCookie, field)
				if !quoted {
					return p + 1
				}
			}
			// the next element of a JSON array: "Set-Cookie":["a=1","b=2"]
			if !array {
				return next
			}
			k := next + 1
			for k < n && isSpace(line[k]) {
				k++
			}
			if k >= n || line[k] != ',' {
				return next
			}
			for k++; k < n && isSpace(line[k]); k++ {
			}
			if k >= n || line[k] != '"' {
				return next
			}
			rs, re = k+1, jsonStringEnd(line, k+1)
			next = re
		}
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
		// A call is code that builds the header (headers.Authorization =
		// auth.header()) or advice (Basic base64(user:password)), not a
		// credential: neither token68 nor base64 has parentheses.
		code := !paramScheme(scheme) && indexByte(line[cs:ce], '(') >= 0
		if ce > cs && !code && plausibleCredential(line[cs:ce], scheme) {
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

// antiForgery: CSRF/XSRF cookies carry a token that is not a credential;
// analytics and preference cookies carry none at all.
func antiForgery(name []byte) bool {
	if containsFold(name, "csrf") || containsFold(name, "xsrf") {
		return true
	}
	var buf [32]byte
	lower, ok := lowerName(buf[:0], name)
	if !ok || len(lower) > len(buf) {
		return false
	}
	return notCredentialCookies[string(lower)] || hasPrefixAt(lower, 0, "_ga_") || hasPrefixAt(lower, 0, "_hj") || hasPrefixAt(lower, 0, "amp_")
}

// notCredentialCookies: analytics, consent and preference cookies found in
// browser captures.
var notCredentialCookies = map[string]bool{
	"_ga": true, "_gid": true, "_gat": true, "_gcl_au": true, "_fbp": true, "_fbc": true, "ajs_anonymous_id": true,
	"theme": true, "lang": true, "language": true, "locale": true, "timezone": true, "tz": true, "consent": true,
	"cookieconsent_status": true, "optanonconsent": true, "optanonalertboxclosed": true,
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
