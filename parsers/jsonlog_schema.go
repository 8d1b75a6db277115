package parsers

import (
	"net/textproto"
	"slices"
	"strings"

	"github.com/tidwall/gjson"
)

// JSON access-log schemas: for each producer, where the request's parts
// live. Field lists follow research/formats.md §2–§3 (real corpus lines for
// nginx, Apache, Caddy and Go app logs; vendor docs and source for the rest).
//
// A schema is data: candidate paths per model field, in priority order. It is
// compiled once into a table keyed by full dotted path, and a line is read in
// one walk over its keys (see jsonlog_extract.go), so a flat nginx line costs
// one pass and a map lookup per key instead of one gjson scan per field.

// logField is a model part a log line can hold.
type logField uint8

const (
	lfMethod        logField = iota
	lfURL                    // absolute URL, or an origin-form target with its query
	lfPath                   // path; may carry "?query" (Envoy, Traefik, logrus uri)
	lfQuery                  // query string, with or without the leading "?" (Apache %q)
	lfHost                   // host or host:port
	lfPort                   // port, joined to the host when the host has none
	lfScheme                 // http / https
	lfTLS                    // present means https (Caddy request.tls)
	lfStatus                 // response status
	lfTime                   // request time
	lfProto                  // HTTP version
	lfRequestLine            // "GET /p HTTP/1.1" (nginx $request, Apache %r, AWS routeKey)
	lfReqBody                // request body text (nginx $request_body)
	lfRespBody               // response body text
	lfContentType            // request Content-Type
	lfUser                   // URL user name (ECS url.username)
	lfPassword               // URL password (ECS url.password): a credential
	lfRemoteUser             // authenticated user name (nginx/Apache remote_user)
	lfRequestID              // request id, for finding the line again
	lfGatewayError           // gateway's error type (AWS error.responseType, Envoy details)
	lfResponseFlags          // Envoy response_flags
	lfStatusDetails          // GCP jsonPayload.statusDetails
	lfCount
)

// targetKind says what a matched key feeds.
type targetKind uint8

const (
	tkField       targetKind = iota // one logField
	tkReqHeader                     // one request header, named
	tkRespHeader                    // one response header, named
	tkReqHeaders                    // an object of request headers (name -> string or [string])
	tkRespHeaders                   // an object of response headers
)

type target struct {
	kind  targetKind
	field logField
	name  string // header name for tkReqHeader / tkRespHeader
	prio  int    // lower wins when several candidates of a field are present
}

// headerPrefix turns flat keys into headers: nginx http_x_api_key, Traefik
// request_Authorization, OTel http.request.header.authorization.
type headerPrefix struct {
	prefix string
	resp   bool
}

// logSchema is a compiled schema.
type logSchema struct {
	name string
	// strict: the producer is not an access log (Go app logs, unknown
	// JSON), so a line is an exchange only when it clearly describes one:
	// a known method, a path or URL, and a status.
	strict bool
	// exact maps a full dotted key path to what it feeds; interior holds
	// the paths of objects to walk into; transparent names wrappers whose
	// content counts as top level (OTel attributes, resource).
	exact       map[string][]target
	interior    map[string]bool
	transparent map[string]bool
	prefixes    []headerPrefix
	// emptyArrayRedacted: Caddy ≤2.7 logs a credential header it redacts
	// as [] (2.8+ writes ["REDACTED"]); the header was sent.
	emptyArrayRedacted bool
	// plainWithoutTLS: the producer logs a tls object for every TLS
	// connection, so its absence means http (Caddy).
	plainWithoutTLS bool
}

// cand is a schema source entry: a dotted path and what it feeds.
type cand struct {
	path string
	t    target
}

// candsOf lists the candidate paths that feed t, best first.
func candsOf(t target, paths ...string) []cand {
	out := make([]cand, len(paths))
	for i, p := range paths {
		t.prio = i
		out[i] = cand{p, t}
	}
	return out
}

func fieldCands(f logField, paths ...string) []cand {
	return candsOf(target{kind: tkField, field: f}, paths...)
}

func reqHeader(name string, paths ...string) []cand {
	return candsOf(target{kind: tkReqHeader, name: name}, paths...)
}

func respHeader(name string, paths ...string) []cand {
	return candsOf(target{kind: tkRespHeader, name: name}, paths...)
}

func containers(kind targetKind, paths ...string) []cand {
	return candsOf(target{kind: kind}, paths...)
}

func joinCands(lists ...[]cand) []cand {
	var out []cand
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// compileSchema builds the lookup tables. Every proper prefix of a candidate
// path becomes an interior node, so nested objects ({"http":{"request":
// {"method":…}}}) and dotted keys ("http.request.method") reach the same
// entry.
func compileSchema(s logSchema, cands []cand, transparent ...string) *logSchema {
	s.exact = map[string][]target{}
	s.interior = map[string]bool{}
	addInterior := func(p string) {
		for i := 0; i < len(p); i++ {
			if p[i] == '.' {
				s.interior[p[:i]] = true
			}
		}
	}
	for _, c := range cands {
		s.exact[c.path] = append(s.exact[c.path], c.t)
		addInterior(c.path)
	}
	for _, p := range s.prefixes {
		addInterior(p.prefix)
	}
	if len(transparent) > 0 {
		s.transparent = map[string]bool{}
		for _, t := range transparent {
			s.transparent[t] = true
		}
	}
	return &s
}

// genericCands are the field names of admin-chosen JSON formats (nginx
// log_format, Apache LogFormat) and of Go application logs, from the
// fallback lists of research/formats.md §3.3.
var genericCands = joinCands(
	fieldCands(lfMethod, "request_method", "method", "http_method", "verb", "req_method",
		"request.method", "req.method", "http.method"),
	fieldCands(lfURL, "request_uri", "url", "request_url", "requestUrl", "full_url",
		"request.url", "req.url", "http.url", "request.uri", "req.uri", "http.uri", "originalRequestUriWithArgs"),
	fieldCands(lfPath, "uri", "path", "request_path", "requestPath", "url_path",
		"request.path", "req.path", "http.path", "http.target"),
	fieldCands(lfQuery, "query", "args", "query_string", "querystring", "request_query", "requestQuery"),
	fieldCands(lfHost, "host", "http_host", "server_name", "vhost", "authority",
		"request.host", "req.host", "http.host"),
	fieldCands(lfScheme, "scheme", "request_scheme", "http.scheme"),
	fieldCands(lfStatus, "status", "status_code", "statusCode", "http_status", "response_code",
		"response_status", "http.status", "http.status_code", "response.status", "resp.status", "res.statusCode"),
	fieldCands(lfTime, "msec", "time_iso8601", "@timestamp", "timestamp", "time", "ts", "time_local",
		"date", "datetime", "start_time"),
	fieldCands(lfProto, "server_protocol", "protocol", "proto", "http_version", "request.proto"),
	fieldCands(lfRequestLine, "request", "request_line", "requestLine"),
	fieldCands(lfReqBody, "request_body", "req_body", "requestBody"),
	fieldCands(lfRespBody, "response_body", "resp_body", "responseBody"),
	fieldCands(lfContentType, "content_type", "contentType"),
	fieldCands(lfRemoteUser, "remote_user"),
	fieldCands(lfRequestID, "request_id", "requestId", "req_id", "x_request_id"),
	reqHeader("Authorization", "http_authorization", "authorization", "auth_header", "authorization_header"),
	reqHeader("Proxy-Authorization", "http_proxy_authorization", "proxy_authorization"),
	reqHeader("Cookie", "http_cookie", "cookie", "cookies"),
	reqHeader("X-Api-Key", "http_x_api_key", "x_api_key", "x-api-key"),
	reqHeader("User-Agent", "http_user_agent", "user_agent", "ua", "userAgent", "agent"),
	reqHeader("Referer", "http_referer", "referer", "referrer"),
	respHeader("WWW-Authenticate", "sent_http_www_authenticate", "www_authenticate", "wwwauthenticate", "www-authenticate"),
	containers(tkReqHeaders, "headers", "request_headers", "req_headers", "requestHeaders",
		"request.headers", "req.headers", "http.headers"),
	containers(tkRespHeaders, "resp_headers", "response_headers", "responseHeaders", "response.headers", "res.headers"),
)

// nginxPrefixes: $http_NAME is request header NAME, $sent_http_NAME a
// response header; exact keys above win over them.
var nginxPrefixes = []headerPrefix{{"http_", false}, {"sent_http_", true}, {"upstream_http_", true}}

var (
	schemaGeneric = compileSchema(logSchema{strict: true}, genericCands)
	schemaNginx   = compileSchema(logSchema{name: "nginx", prefixes: nginxPrefixes}, genericCands)
	schemaApache  = compileSchema(logSchema{name: "apache"}, genericCands)

	// Go application logs: same names, strict exchange test.
	schemaSlog    = compileSchema(logSchema{name: "slog", strict: true}, genericCands)
	schemaZap     = compileSchema(logSchema{name: "zap", strict: true}, genericCands)
	schemaLogrus  = compileSchema(logSchema{name: "logrus", strict: true}, genericCands)
	schemaZerolog = compileSchema(logSchema{name: "zerolog", strict: true}, genericCands)
	// pino (Node.js), with pino-http's req/res objects: numeric level and
	// epoch-ms time (real: osv-scalibr testdata/logs/pino/app.log).
	schemaPino = compileSchema(logSchema{name: "pino", strict: true}, genericCands)

	// Caddy: research/formats.md §2.2 [real 2.6.2]; caddyhttp/server.go.
	schemaCaddy = compileSchema(logSchema{name: "caddy", emptyArrayRedacted: true, plainWithoutTLS: true}, joinCands(
		fieldCands(lfMethod, "request.method"),
		fieldCands(lfURL, "request.uri"),
		fieldCands(lfHost, "request.host"),
		fieldCands(lfProto, "request.proto"),
		fieldCands(lfTLS, "request.tls"),
		fieldCands(lfStatus, "status"),
		fieldCands(lfTime, "ts"),
		fieldCands(lfRemoteUser, "user_id"),
		containers(tkReqHeaders, "request.headers"),
		containers(tkRespHeaders, "resp_headers"),
	))

	// Traefik: pkg/middlewares/accesslog/logdata.go; headers are kept as
	// flat request_<Name> / downstream_<Name> / origin_<Name> keys.
	schemaTraefik = compileSchema(logSchema{name: "traefik", prefixes: []headerPrefix{
		{"request_", false}, {"downstream_", true}, {"origin_", true},
	}}, joinCands(
		fieldCands(lfMethod, "RequestMethod"),
		fieldCands(lfPath, "RequestPath"),
		fieldCands(lfHost, "RequestHost", "RequestAddr"),
		fieldCands(lfScheme, "RequestScheme"),
		fieldCands(lfProto, "RequestProtocol"),
		fieldCands(lfStatus, "DownstreamStatus", "OriginStatus"),
		fieldCands(lfTime, "StartUTC", "StartLocal", "time"),
		fieldCands(lfRemoteUser, "ClientUsername"),
	))

	// Kong file-log / http-log: developer.konghq.com/plugins/file-log.
	schemaKong = compileSchema(logSchema{name: "kong"}, joinCands(
		fieldCands(lfMethod, "request.method"),
		fieldCands(lfURL, "request.url", "request.uri"),
		fieldCands(lfStatus, "response.status"),
		fieldCands(lfTime, "started_at"),
		fieldCands(lfRemoteUser, "consumer.username"),
		containers(tkReqHeaders, "request.headers"),
		containers(tkRespHeaders, "response.headers"),
	))

	// Envoy / Istio JSON access log (Istio default keys).
	schemaEnvoy = compileSchema(logSchema{name: "envoy"}, joinCands(
		fieldCands(lfMethod, "method"),
		fieldCands(lfPath, "path"),
		fieldCands(lfHost, "authority"),
		fieldCands(lfScheme, "scheme"),
		fieldCands(lfProto, "protocol"),
		fieldCands(lfStatus, "response_code"),
		fieldCands(lfTime, "start_time"),
		fieldCands(lfRequestID, "request_id"),
		fieldCands(lfGatewayError, "response_code_details"),
		fieldCands(lfResponseFlags, "response_flags"),
		reqHeader("User-Agent", "user_agent"),
		reqHeader("Authorization", "authorization"),
		reqHeader("Cookie", "cookie"),
		reqHeader("X-Api-Key", "x_api_key", "x-api-key"),
		respHeader("WWW-Authenticate", "www_authenticate", "www-authenticate"),
	))

	// AWS API Gateway access logging: $context variables under the names
	// the AWS docs' examples use, flat or nested.
	schemaAWS = compileSchema(logSchema{name: "aws-apigw"}, joinCands(
		fieldCands(lfMethod, "httpMethod", "context.httpMethod"),
		fieldCands(lfPath, "path", "context.path", "resourcePath", "context.resourcePath"),
		fieldCands(lfRequestLine, "routeKey", "context.routeKey"),
		fieldCands(lfHost, "domainName", "context.domainName"),
		fieldCands(lfProto, "protocol", "context.protocol"),
		fieldCands(lfStatus, "status", "context.status"),
		fieldCands(lfTime, "requestTimeEpoch", "requestTime", "context.requestTimeEpoch", "context.requestTime"),
		fieldCands(lfRequestID, "requestId", "context.requestId"),
		fieldCands(lfGatewayError, "error.responseType", "errorResponseType", "responseType",
			"context.error.responseType", "error_responseType"),
		reqHeader("X-Api-Key", "identity.apiKey", "apiKey", "context.identity.apiKey"),
		reqHeader("User-Agent", "identity.userAgent", "userAgent", "context.identity.userAgent"),
	))

	// Google Cloud LogEntry with httpRequest (load balancer, Cloud Run).
	schemaGCP = compileSchema(logSchema{name: "gcp"}, joinCands(
		fieldCands(lfMethod, "httpRequest.requestMethod"),
		fieldCands(lfURL, "httpRequest.requestUrl"),
		fieldCands(lfStatus, "httpRequest.status"),
		fieldCands(lfTime, "timestamp", "receiveTimestamp"),
		fieldCands(lfProto, "httpRequest.protocol"),
		fieldCands(lfStatusDetails, "jsonPayload.statusDetails"),
		reqHeader("User-Agent", "httpRequest.userAgent"),
		reqHeader("Referer", "httpRequest.referer"),
	))

	// Elastic Common Schema: elastic/ecs schemas/http.yml, url.yml.
	schemaECS = compileSchema(logSchema{name: "ecs", prefixes: []headerPrefix{
		{"http.request.headers.", false}, {"http.response.headers.", true},
	}}, joinCands(
		fieldCands(lfMethod, "http.request.method"),
		fieldCands(lfURL, "url.original", "url.full"),
		fieldCands(lfPath, "url.path"),
		fieldCands(lfQuery, "url.query"),
		fieldCands(lfHost, "url.domain", "destination.domain"), // not host.name: that is the observer
		fieldCands(lfPort, "url.port"),
		fieldCands(lfScheme, "url.scheme"),
		fieldCands(lfStatus, "http.response.status_code"),
		fieldCands(lfTime, "@timestamp"),
		fieldCands(lfProto, "http.version"),
		fieldCands(lfReqBody, "http.request.body.content"),
		fieldCands(lfRespBody, "http.response.body.content"),
		fieldCands(lfContentType, "http.request.mime_type"),
		fieldCands(lfUser, "url.username"),
		fieldCands(lfPassword, "url.password"),
		fieldCands(lfRemoteUser, "user.name"),
		fieldCands(lfRequestID, "http.request.id"),
		reqHeader("User-Agent", "user_agent.original"),
		reqHeader("Referer", "http.request.referrer"),
		containers(tkReqHeaders, "http.request.headers"),
		containers(tkRespHeaders, "http.response.headers"),
	))

	// OpenTelemetry semantic conventions, current names first, deprecated
	// ones after (semantic-conventions registry-deprecated.yaml).
	schemaOTel = compileSchema(logSchema{name: "otel", prefixes: []headerPrefix{
		{"http.request.header.", false}, {"http.response.header.", true},
	}}, joinCands(
		fieldCands(lfMethod, "http.request.method", "http.method"),
		fieldCands(lfURL, "url.full", "http.url"),
		fieldCands(lfPath, "url.path", "http.target"),
		fieldCands(lfQuery, "url.query"),
		fieldCands(lfHost, "server.address", "http.host", "net.host.name"),
		fieldCands(lfPort, "server.port", "net.host.port"),
		fieldCands(lfScheme, "url.scheme", "http.scheme"),
		fieldCands(lfStatus, "http.response.status_code", "http.status_code"),
		fieldCands(lfTime, "timeUnixNano", "time_unix_nano", "observedTimeUnixNano", "timestamp", "time", "@timestamp"),
		fieldCands(lfProto, "network.protocol.version", "http.flavor"),
		reqHeader("User-Agent", "user_agent.original", "http.user_agent"),
	), "attributes", "resource", "body")
)

// detectSchema names the producer of one line from its key fingerprint
// (research/formats.md §3.3), or returns nil for a line that fits none. It
// costs a few gjson lookups, so it runs on the first lines only.
func detectSchema(s string) *logSchema {
	has := func(p string) bool { return gjson.Get(s, p).Exists() }
	switch {
	case strings.HasPrefix(gjson.Get(s, "logger").Str, "http.log.access") ||
		has("request.uri") && has("resp_headers"):
		return schemaCaddy
	case has("DownstreamStatus") && (has("RequestMethod") || has("RequestPath")):
		return schemaTraefik
	case has("started_at") && has("latencies") && has("request.method"):
		return schemaKong
	case has("httpRequest.requestMethod") || has("httpRequest.status"):
		return schemaGCP
	case has("response_code") && (has("response_flags") || has("upstream_cluster") || has("authority")):
		return schemaEnvoy
	case (has("httpMethod") || has("context.httpMethod")) &&
		(has("requestId") || has("extendedRequestId") || has("context.requestId") || has("routeKey") || has("resourcePath")):
		return schemaAWS
	case isECS(s):
		return schemaECS
	case isOTel(s):
		return schemaOTel
	case nginxKeys(s) >= 2:
		return schemaNginx
	case isApacheJSON(s):
		return schemaApache
	}
	return detectAppLog(s)
}

// hasDotted finds a dotted name as nested objects or as one dotted key.
func hasDotted(s, name string) bool {
	return gjson.Get(s, name).Exists() || gjson.Get(s, strings.ReplaceAll(name, ".", `\.`)).Exists()
}

// isECS: ECS requires @timestamp; its HTTP fields nest (or are dotted keys).
// A nested http.request.method without @timestamp is ECS-shaped as well:
// OTel attribute names are flat keys by definition.
func isECS(s string) bool {
	httpish := hasDotted(s, "http.request.method") || hasDotted(s, "http.response.status_code") || hasDotted(s, "url.original")
	if !httpish {
		return false
	}
	if hasDotted(s, "@timestamp") || hasDotted(s, "ecs.version") {
		return true
	}
	return gjson.Get(s, "http.request.method").Exists()
}

var otelNames = []string{"http.request.method", "http.method", "http.response.status_code", "http.status_code", "url.full", "http.url"}

// isOTel: OTel attribute names as flat dotted keys, at the top level or in
// an attributes object, or in the OTLP-JSON [{key, value}] form.
func isOTel(s string) bool {
	for _, n := range otelNames {
		esc := strings.ReplaceAll(n, ".", `\.`)
		if gjson.Get(s, esc).Exists() || gjson.Get(s, "attributes."+esc).Exists() ||
			gjson.Get(s, "attributes."+n).Exists() || gjson.Get(s, `attributes.#(key=="`+n+`")`).Exists() {
			return true
		}
	}
	return false
}

// nginxVars are nginx variable names that other producers rarely use as keys.
var nginxVars = []string{"request_method", "request_uri", "time_local", "time_iso8601", "msec",
	"body_bytes_sent", "bytes_sent", "request_time", "http_user_agent", "http_referer",
	"upstream_status", "upstream_addr", "upstream_response_time", "server_protocol",
	"request_length", "http_x_forwarded_for", "http_authorization", "sent_http_www_authenticate"}

func nginxKeys(s string) int {
	n := 0
	for _, k := range nginxVars {
		if gjson.Get(s, k).Exists() {
			n++
		}
	}
	return n
}

// isApacheJSON: Apache's %q writes the query with its leading "?" (or
// nothing), which no nginx variable does; the key is conventionally "query".
func isApacheJSON(s string) bool {
	q := gjson.Get(s, "query")
	if q.Type != gjson.String || q.Str != "" && q.Str[0] != '?' {
		return false
	}
	return (gjson.Get(s, "method").Exists() || gjson.Get(s, "request").Exists()) && gjson.Get(s, "status").Exists()
}

// detectAppLog tells application loggers apart (research/formats.md §2.1,
// corpus go-*.jsonl): zap writes a numeric ts and msg; zerolog writes
// message; slog upper-case levels; logrus lower-case levels and msg; pino a
// numeric level with pid and hostname.
func detectAppLog(s string) *logSchema {
	level := gjson.Get(s, "level")
	if level.Type == gjson.Number && gjson.Get(s, "time").Type == gjson.Number &&
		(gjson.Get(s, "pid").Exists() || gjson.Get(s, "hostname").Exists()) {
		return schemaPino
	}
	if level.Type != gjson.String {
		return nil
	}
	msg, message := gjson.Get(s, "msg").Exists(), gjson.Get(s, "message").Exists()
	lv := level.Str
	upper := lv != "" && strings.ToUpper(lv) == lv && strings.ToLower(lv) != lv
	switch {
	case msg && gjson.Get(s, "ts").Type == gjson.Number:
		return schemaZap
	case message && !msg:
		return schemaZerolog
	case msg && upper:
		return schemaSlog
	case msg:
		return schemaLogrus
	}
	return nil
}

// schemaByName is used for the schema hint from escape style.
func schemaByName(name string) *logSchema {
	switch name {
	case "nginx":
		return schemaNginx
	case "apache":
		return schemaApache
	}
	return nil
}

// userField is one --field NAME=PATH mapping, read with a gjson path per line.
type userField struct {
	path string
	t    target
}

// userFieldTargets are the names --field NAME=PATH accepts (besides
// header.<Name>), in the order LogFieldNames shows them.
var userFieldTargets = []namedTarget{
	{"method", target{kind: tkField, field: lfMethod}},
	{"url", target{kind: tkField, field: lfURL}},
	{"path", target{kind: tkField, field: lfPath}},
	{"query", target{kind: tkField, field: lfQuery}},
	{"host", target{kind: tkField, field: lfHost}},
	{"scheme", target{kind: tkField, field: lfScheme}},
	{"status", target{kind: tkField, field: lfStatus}},
	{"time", target{kind: tkField, field: lfTime}},
	{"authorization", target{kind: tkReqHeader, name: "Authorization"}},
	{"cookie", target{kind: tkReqHeader, name: "Cookie"}},
	{"api_key", target{kind: tkReqHeader, name: "X-Api-Key"}},
	{"user_agent", target{kind: tkReqHeader, name: "User-Agent"}},
	{"www_authenticate", target{kind: tkRespHeader, name: "WWW-Authenticate"}},
	{"request_body", target{kind: tkField, field: lfReqBody}},
	{"response_body", target{kind: tkField, field: lfRespBody}},
}

type namedTarget struct {
	name string
	t    target
}

// LogFieldNames lists the names --field NAME=PATH accepts, besides
// header.<Name>.
func LogFieldNames() []string {
	out := make([]string, len(userFieldTargets))
	for i, u := range userFieldTargets {
		out[i] = u.name
	}
	return out
}

// parseUserFields checks Options.Fields. A user's mapping wins over every
// schema candidate (priority -1).
func parseUserFields(m map[string]string) ([]userField, error) {
	var out []userField
	for name, path := range m {
		i := slices.IndexFunc(userFieldTargets, func(u namedTarget) bool { return u.name == strings.ToLower(name) })
		var t target
		if i >= 0 {
			t = userFieldTargets[i].t
		} else {
			h, ok := strings.CutPrefix(name, "header.")
			if !ok || h == "" {
				return nil, unsupported("--field %s: unknown name (known: %s, header.<Name>)", name, strings.Join(LogFieldNames(), ", "))
			}
			t = target{kind: tkReqHeader, name: textproto.CanonicalMIMEHeaderKey(h)}
		}
		t.prio = -1
		if path == "" {
			return nil, unsupported("--field %s: empty path", name)
		}
		out = append(out, userField{path: path, t: t})
	}
	// Map order is random; keep a fixed order so header order is stable.
	slices.SortFunc(out, func(a, b userField) int { return strings.Compare(a.path, b.path) })
	return out, nil
}
