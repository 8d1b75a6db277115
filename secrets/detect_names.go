package secrets

import "strings"

// The names before a ':' or '=' that say a credential follows, tested
// without allocating: a bitmap and suffix lists reject almost every name in
// a log line with one lookup.

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
	norm := plainName(pb[:0], lower)
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
