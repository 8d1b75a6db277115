package sanitize

import (
	"regexp"
	"strings"

	"github.com/authtriage/authtriage/secrets"
)

// What the log readers know about a line's shape, applied before the
// detectors: a JSON log's fields by name (http_authorization, http_cookie,
// request.headers.Authorization, identity.apiKey, referer, uri, args), the
// key=value pairs of logfmt and of nginx/Apache log_format extensions, and
// every URL and quoted request line in the text.

// logText sanitizes one line of a log or of any text: its structure
// (logLine), then the detectors.
func (r *replacer) logText(line, field string) string {
	out, parsed := r.logLine(line, field)
	if parsed {
		// Values were already compared with the known ones; keys were
		// not. Replacing a value keeps its key, the context a detector
		// needs, so redetect is not needed.
		return r.detectLoop(out, field)
	}
	// text, or a line that only looks like JSON (a NUL, a cut): the
	// known values are looked for in the whole line
	return r.textLine(line, out, field)
}

// logLine applies what a log line's structure says about its values;
// parsed says whether the line was read as a JSON object.
func (r *replacer) logLine(line, field string) (string, bool) {
	if isJSONLine(line) {
		if root, err := parseJSON([]byte(line)); err == nil {
			root.walkStrings("", func(key string, n *jnode) {
				n.set(r.applyKnown(r.logValue(key, n.str(), field), field))
			})
			return string(root.render([]byte(line))), true
		}
	}
	return r.urlsInText(r.logPairs(line, field), field), false
}

// logValue sanitizes a JSON log field by its name and shape.
func (r *replacer) logValue(key, v, field string) string {
	f := field
	if key != "" {
		f = field + " " + key
	}
	if h := headerKey(key); h != "" && (secrets.IsAuthorizationHeader(h) || secrets.IsCookieHeader(h) || secrets.IsCredentialHeader(h) || isURLHeader(h)) {
		return r.header(h, v, f)
	}
	switch {
	case credentialField(key, v):
		return r.whole(v, "", f)
	case strings.HasSuffix(v, " HTTP/1.1") || strings.HasSuffix(v, " HTTP/1.0") || strings.HasSuffix(v, " HTTP/2.0") || strings.HasSuffix(v, " HTTP/2"):
		// nginx $request: "GET /v1/me?access_token=… HTTP/1.1"
		if m := reRequestLine.FindStringSubmatchIndex(v); m != nil {
			return v[:m[2]] + r.url(v[m[2]:m[3]], f) + v[m[3]:]
		}
	case strings.HasPrefix(v, "/") && !strings.ContainsAny(v, " \t"):
		return r.url(v, f)
	case looksLikeQuery(v):
		return r.query(v, f)
	}
	return r.urlsInText(v, f)
}

// headerKey turns a log field name into the header it records:
// http_authorization, sent_http_set_cookie, request_Authorization,
// req.headers.x-api-key, Authorization. "" when the name has no header in it.
func headerKey(key string) string {
	k := strings.ToLower(key)
	for _, p := range []string{"sent_http_", "upstream_http_", "http_", "request_headers_", "req_headers_", "request.headers.",
		"req.headers.", "request_header_", "req_header_", "response_header_", "resp_header_", "request_", "req_", "header_", "headers."} {
		if strings.HasPrefix(k, p) {
			k = k[len(p):]
			break
		}
	}
	if k == "" {
		return ""
	}
	return strings.ReplaceAll(k, "_", "-")
}

// looksLikeQuery: name=value pairs joined by & (or one credential-named
// pair), nothing else.
func looksLikeQuery(v string) bool {
	if !strings.Contains(v, "=") || strings.ContainsAny(v, " \t\"{}<>") {
		return false
	}
	name, _, _ := strings.Cut(v, "=")
	return strings.Contains(v, "&") || secrets.IsCredentialParam(name)
}

var (
	reLogPair     = regexp.MustCompile(`(?:^|[\s,;])([A-Za-z_][A-Za-z0-9_.\-]*)=("(?:[^"\\]|\\.)*"|[^\s"]+)`)
	reURL         = regexp.MustCompile(`(?:https?|wss?)://(?:[^\s"'<>\\` + "`" + `]|<redacted:[^<>\s]*>)+`)
	reRequestLine = regexp.MustCompile(`^[A-Z]+ (\S+) HTTP/[0-9.]+$`)
	reReqLine     = regexp.MustCompile(`"(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|CONNECT|TRACE) (\S+) HTTP/[0-9.]+"`)
)

// logPairs sanitizes key=value and key="value" pairs by their key.
func (r *replacer) logPairs(line, field string) string {
	if !strings.Contains(line, "=") {
		return line
	}
	ms := reLogPair.FindAllStringSubmatchIndex(line, -1)
	if ms == nil {
		return line
	}
	var b strings.Builder
	last := 0
	for _, m := range ms {
		key := line[m[2]:m[3]]
		vs, ve := m[4], m[5]
		quoted := line[vs] == '"'
		if quoted {
			vs, ve = vs+1, ve-1
			if strings.Contains(line[vs:ve], `\`) {
				continue
			}
		}
		v := line[vs:ve]
		var out string
		if h := headerKey(key); h != "" && (secrets.IsAuthorizationHeader(h) || secrets.IsCookieHeader(h) || secrets.IsCredentialHeader(h)) {
			out = r.header(h, v, field+" "+key)
		} else if credentialField(key, v) {
			out = r.whole(v, "", field+" "+key)
		} else {
			continue
		}
		if out == v {
			continue
		}
		if !quoted && strings.ContainsAny(out, " \t\"") {
			continue
		}
		b.WriteString(line[last:vs])
		b.WriteString(out)
		last = ve
	}
	if last == 0 {
		return line
	}
	b.WriteString(line[last:])
	return b.String()
}

// urlsInText sanitizes every absolute URL in free text, and the target of a
// quoted request line ("GET /v1/me?access_token=… HTTP/1.1").
func (r *replacer) urlsInText(s, field string) string {
	if strings.Contains(s, "://") {
		s = reURL.ReplaceAllStringFunc(s, func(u string) string { return r.url(u, field+" url") })
	}
	if strings.Contains(s, " HTTP/") && strings.Contains(s, `"`) {
		var b strings.Builder
		last := 0
		for _, m := range reReqLine.FindAllStringSubmatchIndex(s, -1) {
			target := s[m[2]:m[3]]
			if out := r.url(target, field+" request"); out != target {
				b.WriteString(s[last:m[2]])
				b.WriteString(out)
				last = m[3]
			}
		}
		if last > 0 {
			b.WriteString(s[last:])
			s = b.String()
		}
	}
	return s
}

// credentialField reports a JSON or log field that holds a credential by its
// name. Names that are also everyday structure (key, sid, session, auth,
// sig, signature: {"key":"url.path"}, {"key":"uploads/a.jpg"}) count only
// when the value looks like a secret.
func credentialField(name, v string) bool {
	if name == "" || !secrets.IsCredentialParam(name) {
		return false
	}
	switch strings.ToLower(name) {
	case "key", "keys", "sid", "session", "auth", "sig", "signature", "credential", "credentials":
		return looksSecret(v)
	}
	return true
}

// looksSecret: no blanks or slashes, at least 8 bytes, and not a plain
// lower-case identifier (http.request.method, page_size).
func looksSecret(v string) bool {
	v = strings.TrimSpace(v)
	if len(v) < 8 || strings.ContainsAny(v, " \t/") {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'a' && c <= 'z' || c == '.' || c == '-' || c == '_') {
			return true
		}
	}
	return false
}
