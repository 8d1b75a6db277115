package sanitize

import (
	"encoding/base64"
	"net/url"
	"regexp"
	"strings"

	"github.com/authtriage/authtriage/secrets"
)

// The sanitizers of single values: what a header, a cookie, a URL, a query
// string or a form body holds. Each keeps everything but the credentials
// byte for byte (scheme words, quotes, separators, attribute order), and
// runs the detectors last as a safety net for what the structure does not
// name.

// header sanitizes one header value by its name (any case).
func (r *replacer) header(name, v, field string) string {
	lname := strings.ToLower(name)
	switch {
	case secrets.IsAuthorizationHeader(name):
		v = r.authorization(v, field)
	case lname == "cookie":
		v = r.cookieHeader(v, field)
	case lname == "set-cookie":
		// several Set-Cookie values may be joined by newlines (Firefox)
		lines := strings.Split(v, "\n")
		for i, l := range lines {
			lines[i] = r.setCookie(l, field)
		}
		v = strings.Join(lines, "\n")
	case secrets.IsCredentialHeader(name):
		v = r.whole(v, "", field)
	case isURLHeader(lname):
		v = r.url(v, field)
	case lname == "refresh":
		// Refresh: 0; url=https://…
		if i := strings.Index(strings.ToLower(v), "url="); i >= 0 {
			v = v[:i+4] + r.url(v[i+4:], field)
		}
	}
	return r.detectPrefixed(name+": ", v, field)
}

func isURLHeader(lname string) bool {
	switch lname {
	case "location", "content-location", "referer", "referrer", "origin", "link", "x-original-url",
		"x-rewrite-url", "x-forwarded-uri", "x-original-uri", ":authority", ":path", "destination":
		return true
	}
	return false
}

// whole sanitizes a value that is a credential as a whole (an API-key
// header, a cookie value, a token parameter), keeping blanks and quotes
// around it outside the marker.
func (r *replacer) whole(v string, hint secrets.Kind, field string) string {
	i, j := innerBounds(v)
	if i >= j {
		return v
	}
	inner := v[i:j]
	out, ok := r.value(inner, hint, field, "")
	if !ok {
		return v
	}
	return v[:i] + out + v[j:]
}

// innerBounds finds the credential inside blanks and quotes.
func innerBounds(v string) (int, int) {
	i, j := 0, len(v)
	for i < j && strings.IndexByte(" \t\r\n\"'", v[i]) >= 0 {
		i++
	}
	for j > i && strings.IndexByte(" \t\r\n\"'", v[j-1]) >= 0 {
		j--
	}
	return i, j
}

// authorization sanitizes an Authorization (or Proxy-Authorization) value:
// the scheme words stay, the credential after them is replaced. Values
// joined by a comma ("Bearer a, Bearer b", as browsers merge duplicates)
// are handled part by part.
func (r *replacer) authorization(v, field string) string {
	var b strings.Builder
	start := 0
	for i := 0; i <= len(v); i++ {
		if i < len(v) && (v[i] != ',' || !schemeFollows(v[i+1:])) {
			continue
		}
		b.WriteString(r.authorizationPart(v[start:i], field))
		if i < len(v) {
			b.WriteByte(',')
		}
		start = i + 1
	}
	return b.String()
}

// schemeFollows reports whether a known scheme word starts s (after blanks).
func schemeFollows(s string) bool {
	s = strings.TrimLeft(s, " \t")
	w := s
	if i := strings.IndexAny(s, " \t"); i >= 0 {
		w = s[:i]
	}
	_, ok := secrets.CanonicalScheme(strings.TrimSuffix(w, ":"))
	return ok
}

func (r *replacer) authorizationPart(part, field string) string {
	a := secrets.ParseAuthorization(part)
	cred := a.Credential.Reveal()
	if cred == "" || !strings.HasSuffix(part, cred) {
		return part
	}
	pre := part[:len(part)-len(cred)]
	scheme, _ := secrets.CanonicalScheme(a.Scheme())
	i, j := innerBounds(cred)
	if i >= j {
		return part
	}
	inner := cred[i:j]
	var out string
	switch k, _ := secrets.Classify(inner); {
	case k == secrets.KindRedacted || k == secrets.KindPlaceholder || secrets.IsSanitized(inner):
		out, _ = r.value(inner, "", field, "") // kept (a JWT may lose claims)
	case scheme != "Basic" && scheme != "Bearer" && isAuthParams(inner):
		out = r.authParams(inner, field)
	case (scheme == "Bearer" || scheme == "DPoP") && !isToken68(inner):
		// bytes a Bearer token may not hold (non-ASCII, quotes, commas,
		// blanks) stay visible between the markers, so the sanitized
		// header is as malformed as the original was
		out = r.token68Runs(inner, field)
	case strings.ContainsAny(inner, " \t"):
		// several words where one token belongs: keep the blanks
		// between them, so the sanitized header is as malformed as the
		// original was
		out = r.words(inner, field)
	case scheme == "Basic":
		out = r.basic(inner, field)
	default:
		out, _ = r.value(inner, "", field, "")
	}
	return pre + cred[:i] + out + cred[j:]
}

// basic replaces a Basic credential. Its kind says whether it was well
// formed: "basic" when it is base64 of user:password, else what it looks
// like, so a sanitized capture still shows a malformed Basic header.
func (r *replacer) basic(inner, field string) string {
	var hint secrets.Kind
	if dec, err := base64.StdEncoding.DecodeString(inner); err == nil && strings.Contains(string(dec), ":") {
		hint = secrets.KindBasic
	}
	out, _ := r.value(inner, hint, field, "")
	return out
}

// words replaces each blank-separated word of a value.
func (r *replacer) words(v, field string) string {
	return r.runs(v, field, func(c byte) bool { return c != ' ' && c != '\t' })
}

// isAuthParams reports an auth-param list (Digest username="x", response="…";
// AWS4-HMAC-SHA256 Credential=…, Signature=…; OAuth oauth_token="…"): a
// name=value where the value is not just base64 padding.
func isAuthParams(s string) bool {
	i := strings.IndexByte(s, '=')
	if i <= 0 {
		return false
	}
	rest := strings.TrimLeft(s[i:], "=")
	return rest != "" && strings.IndexAny(s[:i], " \t,\"") < 0
}

// authParams replaces the secret parameters of an auth-param list (response,
// signatures, tokens, passwords) and keeps the rest (username, realm, nonce,
// algorithm), which say what was attempted.
func (r *replacer) authParams(s, field string) string {
	var b strings.Builder
	for len(s) > 0 {
		// name
		eq := strings.IndexByte(s, '=')
		comma := strings.IndexByte(s, ',')
		if eq < 0 || comma >= 0 && comma < eq {
			if comma < 0 {
				b.WriteString(s)
				break
			}
			b.WriteString(s[:comma+1])
			s = s[comma+1:]
			continue
		}
		name := strings.TrimSpace(s[:eq])
		b.WriteString(s[:eq+1])
		s = s[eq+1:]
		// value: quoted string or token up to the next comma
		var val, rest string
		if strings.HasPrefix(s, `"`) {
			end := 1
			for end < len(s) && s[end] != '"' {
				if s[end] == '\\' {
					end++
				}
				end++
			}
			if end < len(s) {
				end++
			}
			val, rest = s[:end], s[min(end, len(s)):]
		} else if c := strings.IndexByte(s, ','); c >= 0 {
			val, rest = s[:c], s[c:]
		} else {
			val, rest = s, ""
		}
		ln := strings.ToLower(name)
		if secrets.IsCredentialParam(name) || strings.Contains(ln, "signature") || ln == "response" {
			val = r.whole(val, "", field)
		}
		b.WriteString(val)
		s = rest
	}
	return b.String()
}

// cookieHeader replaces each cookie value of a Cookie header.
func (r *replacer) cookieHeader(v, field string) string {
	parts := strings.Split(v, ";")
	for i, p := range parts {
		parts[i] = r.cookiePair(p, field)
	}
	return strings.Join(parts, ";")
}

// setCookie replaces the cookie value of a Set-Cookie header; the
// attributes (Path, Expires, HttpOnly, SameSite) stay.
func (r *replacer) setCookie(v, field string) string {
	first, attrs, has := strings.Cut(v, ";")
	out := r.cookiePair(first, field)
	if has {
		out += ";" + attrs
	}
	return out
}

// cookiePair replaces the value of one name=value.
func (r *replacer) cookiePair(p, field string) string {
	eq := strings.IndexByte(p, '=')
	if eq < 0 {
		// a nameless cookie: the whole text is the value
		if len(strings.TrimSpace(p)) < 8 {
			return p
		}
		return r.whole(p, kindCookie, field)
	}
	name := strings.TrimSpace(p[:eq])
	f := field
	if name != "" {
		f = field + " cookie " + name
	}
	return p[:eq+1] + r.whole(p[eq+1:], kindCookie, f)
}

// url sanitizes a URL (absolute, or a path with a query): the password of
// its userinfo, credential-named query and fragment parameters, path
// segments in a credential's format, then whatever the detectors find.
func (r *replacer) url(u, field string) string {
	if u == "" {
		return u
	}
	pathStart := 0
	if i := strings.Index(u, "://"); i > 0 && i < 32 && !strings.ContainsAny(u[:i], "/?#") {
		auth := i + 3
		end := len(u)
		if k := strings.IndexAny(u[auth:], "/?#"); k >= 0 {
			end = auth + k
		}
		if at := strings.LastIndexByte(u[auth:end], '@'); at >= 0 {
			ui := u[auth : auth+at]
			if c := strings.IndexByte(ui, ':'); c >= 0 {
				pw := ui[c+1:]
				dec, err := url.PathUnescape(pw)
				if err != nil {
					dec = pw
				}
				if out, ok := r.value(dec, kindPassword, field+" password", ""); ok {
					// userinfo may not hold < > : unescaped
					esc := escapeMarker(out)
					u = u[:auth+c+1] + esc + u[auth+at:]
					end += len(esc) - len(pw)
				}
			}
		}
		pathStart = end
	}
	// path, query, fragment
	rest := u[pathStart:]
	path, query, frag := rest, "", ""
	hasQ, hasF := false, false
	if k := strings.IndexByte(path, '#'); k >= 0 {
		path, frag, hasF = path[:k], path[k+1:], true
	}
	if k := strings.IndexByte(path, '?'); k >= 0 {
		path, query, hasQ = path[:k], path[k+1:], true
	}
	path = r.path(path, field)
	out := u[:pathStart] + path
	if hasQ {
		out += "?" + r.query(query, field+" query")
	}
	if hasF {
		out += "#" + r.query(frag, field+" fragment")
	}
	return r.detectURL(out, pathStart, field)
}

// escapeMarker percent-encodes the bytes a marker has that URL userinfo may
// not: %3Credacted%3Apassword%3A%3A12%3A3f9a1c02b7d4%3E. The parsers decode
// it back to the marker.
func escapeMarker(s string) string {
	return strings.NewReplacer("<", "%3C", ">", "%3E", ":", "%3A").Replace(s)
}

// path replaces path segments that are credentials in a known format (a JWT,
// a provider key): an opaque id stays.
func (r *replacer) path(p, field string) string {
	if len(p) < 16 {
		return p
	}
	segs := strings.Split(p, "/")
	changed := false
	for i, s := range segs {
		if len(s) < 16 {
			continue
		}
		dec, err := url.PathUnescape(s)
		if err != nil {
			dec = s
		}
		switch k, _ := secrets.Classify(dec); k {
		case secrets.KindOpaque, secrets.KindEmpty, secrets.KindPlaceholder, secrets.KindRedacted:
			continue
		}
		if out, ok := r.value(dec, "", field+" path", ""); ok {
			segs[i] = out
			changed = true
		}
	}
	if !changed {
		return p
	}
	return strings.Join(segs, "/")
}

// query replaces the values of credential-named parameters in a query
// string, fragment or form body (a=b&c=d); names, order and separators stay.
// A replaced value is written as the marker itself, unescaped, which every
// query parser reads back as the marker.
func (r *replacer) query(q, field string) string {
	if q == "" {
		return q
	}
	var b strings.Builder
	start := 0
	for i := 0; i <= len(q); i++ {
		if i < len(q) && q[i] != '&' && q[i] != ';' {
			continue
		}
		b.WriteString(r.queryPair(q[start:i], field))
		if i < len(q) {
			b.WriteByte(q[i])
		}
		start = i + 1
	}
	return b.String()
}

func (r *replacer) queryPair(kv, field string) string {
	k, v, ok := strings.Cut(kv, "=")
	if !ok || v == "" {
		return kv
	}
	name, err := url.QueryUnescape(k)
	if err != nil {
		name = k
	}
	if !secrets.IsCredentialParam(name) {
		return kv
	}
	val, err := url.QueryUnescape(v)
	if err != nil {
		val = v
	}
	out, changed := r.value(val, "", field+" "+name, "")
	if !changed {
		return kv
	}
	return k + "=" + out
}

// param sanitizes a name/value pair (HAR queryString, postData.params): the
// value is replaced when the name says it is a credential.
func (r *replacer) param(name, v, field string) string {
	if secrets.IsCredentialParam(name) {
		v = r.whole(v, "", field)
	}
	return r.detectPrefixed(name+"=", v, field)
}

func token68Byte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~+/", c) >= 0
}

// isToken68 reports a valid Bearer token (RFC 6750 §2.1): token68 bytes,
// then '=' padding.
func isToken68(s string) bool {
	body := strings.TrimRight(s, "=")
	for i := 0; i < len(body); i++ {
		if !token68Byte(body[i]) {
			return false
		}
	}
	return body != ""
}

// token68Runs replaces each run of token68 bytes and keeps the others.
func (r *replacer) token68Runs(v, field string) string {
	return r.runs(v, field, token68Byte)
}

// jwtHeadPayload reports the "header.payload." of a JWT whose signature an
// earlier sanitization replaced by a marker: two base64url segments of JSON
// objects. Only that stays as it is before a marker; any other run there
// (SECRET.<redacted:…>) is a value like the rest.
func jwtHeadPayload(run string) bool {
	h, p, ok := strings.Cut(strings.TrimSuffix(run, "."), ".")
	return ok && strings.HasSuffix(run, ".") && jsonSegment(h) && jsonSegment(p)
}

func jsonSegment(seg string) bool {
	dec, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(seg, "="))
	return err == nil && len(dec) > 1 && dec[0] == '{'
}

// runs replaces each run of the bytes in the set and keeps the others, and
// the markers of an earlier sanitization.
func (r *replacer) runs(v, field string, inRun func(byte) bool) string {
	var b strings.Builder
	start := -1
	for i := 0; i <= len(v); i++ {
		if i < len(v) && v[i] == '<' {
			if m := reMarker.FindStringIndex(v[i:]); m != nil && m[0] == 0 {
				if start >= 0 {
					run := v[start:i]
					if !jwtHeadPayload(run) {
						run, _ = r.value(run, "", field, "")
					}
					b.WriteString(run) // a sanitized JWT's header.payload. stays
					start = -1
				}
				b.WriteString(v[i : i+m[1]])
				i += m[1] - 1
				continue
			}
		}
		if i < len(v) && inRun(v[i]) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out, _ := r.value(v[start:i], "", field, "")
			b.WriteString(out)
			start = -1
		}
		if i < len(v) {
			b.WriteByte(v[i])
		}
	}
	return b.String()
}

// reMarker finds the markers of an earlier sanitization.
var reMarker = regexp.MustCompile(`<redacted:[^<>\s]*>`)
