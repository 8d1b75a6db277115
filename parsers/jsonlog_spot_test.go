package parsers

import (
	"testing"
	"time"

	"github.com/authtriage/authtriage/secrets"
)

// spot is what one line of a testdata log must yield.
type spot struct {
	file string
	line int
	text bool // a text record, no exchange

	method string
	url    string // URL.String()
	status int
	proto  string
	start  string // RFC 3339, UTC
	// auth: absent, redacted, placeholder or credential.
	auth string
	// secret headers: name -> raw value (Reveal); plain: name -> Value
	// ("" = the header must be absent).
	secret map[string]string
	plain  map[string]string
	resp   map[string]string // response headers, plain
	extras map[string]string
	// partial, when set, is the exact PartialSet (noPartial for none).
	partial PartialSet
	// bodySecret: request body field name -> raw value.
	bodySecret map[string]string
}

const noPartial PartialSet = 1 << 7 // spot sentinel: "Partial must be 0"

const allPartial = NoRequestHeaders | NoResponseHeaders | NoRequestBody | NoResponseBody

// q renders a query credential the way URL.String shows it.
func q(raw string) string { return "<" + secrets.New(raw).String() + ">" }

func authState(ex *Exchange) string {
	h, ok := ex.Request.Headers.Get("Authorization")
	if !ok {
		return "absent"
	}
	switch h.Secret.Kind() {
	case secrets.KindRedacted:
		return "redacted"
	case secrets.KindPlaceholder:
		return "placeholder"
	}
	return "credential"
}

var spots = []spot{
	// nginx escape=json: "" means not sent; the line records that.
	{file: "nginx-access.json", line: 1, method: "GET", url: "http://127.0.0.1/nginx-401", status: 401, proto: "HTTP/1.1",
		start: "2026-11-30T06:40:29.832Z", auth: "absent", partial: NoResponseBody,
		resp: map[string]string{"WWW-Authenticate": `Bearer realm="nginx", error="invalid_token"`}, plain: map[string]string{"User-Agent": "curl/7.88.1", "Cookie": "", "X-Api-Key": ""}},
	{file: "nginx-access.json", line: 3, method: "GET", url: "http://api.example.com/v1/me", status: 401, auth: "credential",
		secret: map[string]string{"Authorization": "Bearer " + expiredJWT}, extras: map[string]string{"request_id": "cbf0da5232e9be5c336355401ebc5f9f"}},
	{file: "nginx-access.json", line: 4, status: 401, auth: "credential", url: "http://api.example.com/v1/me", method: "GET",
		secret: map[string]string{"Authorization": "Bearer Bearer " + validJWT}},
	{file: "nginx-access.json", line: 5, method: "GET", url: "http://api.example.com/v1/me?access_token=" + q(expiredJWT) + "&page=2", status: 401, auth: "absent"},
	{file: "nginx-access.json", line: 6, method: "GET", url: "http://api.example.com/v1/admin/users", status: 403, auth: "credential"},
	{file: "nginx-access.json", line: 8, method: "GET", url: "http://api.example.com/v2/items", status: 401, auth: "absent",
		secret: map[string]string{"X-Api-Key": skTest}},
	{file: "nginx-access.json", line: 10, method: "GET", url: "http://api.example.com/basic", status: 401, auth: "credential",
		secret: map[string]string{"Authorization": "Basic YWxpY2U6d3JvbmctcGFzcw=="}, extras: map[string]string{"remote_user": "alice"}},
	{file: "nginx-access.json", line: 11, method: "POST", url: "http://api.example.com/v1/charges", status: 401, auth: "absent",
		bodySecret: map[string]string{"api_key": skLive}, partial: NoResponseBody},
	{file: "nginx-access.json", line: 12, method: "GET", status: 401, url: "http://api.example.com/v1/me", auth: "absent",
		secret: map[string]string{"Cookie": "session=s%3AEXAMPLE-8c1f2a9b.Zx3kQ; csrftoken=EXAMPLEcsrf123"}},
	{file: "nginx-access.json", line: 13, method: "POST", url: "http://api.example.com/oauth/token", status: 200, auth: "absent",
		bodySecret: map[string]string{"client_secret": "cs_EXAMPLE_4f9d2b7e1a6c8d0e"}},
	{file: "nginx-access.json", line: 14, method: "GET", url: "http://api.example.com/v1/me", status: 401, auth: "credential",
		secret: map[string]string{"Authorization": "Bearer tökén-with-ü"}, plain: map[string]string{"User-Agent": `Mozilla/5.0 "quoted" agent`}},
	{file: "nginx-access.json", line: 15, method: "GET", status: 401, url: "http://api.example.com/v1/me", auth: "credential",
		secret: map[string]string{"Authorization": validJWT}},

	// nginx default escaping: \x22 and \xC3\xB6 translated; "-" is absent.
	{file: "nginx-access-default-escape.log", line: 1, method: "GET", url: "/nginx-401", status: 401, auth: "absent",
		start: "2026-11-30T06:40:29Z", partial: NoResponseHeaders | NoRequestBody | NoResponseBody},
	{file: "nginx-access-default-escape.log", line: 5, method: "GET", url: "/v1/me?access_token=" + q(expiredJWT) + "&page=2", status: 401, auth: "absent"},
	{file: "nginx-access-default-escape.log", line: 10, method: "GET", url: "/basic", status: 401, auth: "credential",
		secret: map[string]string{"Authorization": "Basic YWxpY2U6d3JvbmctcGFzcw=="}},
	{file: "nginx-access-default-escape.log", line: 14, method: "GET", url: "/v1/me", status: 401, auth: "credential",
		secret: map[string]string{"Authorization": "Bearer tökén-with-ü"}, plain: map[string]string{"User-Agent": `Mozilla/5.0 "quoted" agent`}},

	// CLF: no headers, host or scheme recorded.
	{file: "nginx-access-combined.log", line: 5, method: "GET", url: "/v1/me?access_token=" + q(expiredJWT) + "&page=2", status: 401,
		proto: "HTTP/1.1", start: "2026-11-30T06:40:48Z", auth: "absent", partial: allPartial},
	{file: "nginx-access-combined.log", line: 10, method: "GET", url: "/basic", status: 401, auth: "absent", extras: map[string]string{"remote_user": "alice"}},
	{file: "nginx-access-combined.log", line: 14, method: "GET", url: "/v1/me", status: 401, plain: map[string]string{"User-Agent": `Mozilla/5.0 "quoted" agent`, "Referer": ""}},
	{file: "apache-access-combined.log", line: 13, method: "GET", url: "/v1/me", status: 401, start: "2026-11-30T06:43:21Z",
		plain: map[string]string{"User-Agent": `Mozilla/5.0 "quoted" agent`}},
	{file: "apache-access-combined.log", line: 10, method: "POST", url: "/v1/charges", status: 401, extras: map[string]string{"remote_user": ""}},

	// Caddy 2.6.2: [] is a header Caddy emptied (sent, value withheld).
	{file: "caddy-access-default.json", line: 1, method: "GET", url: "http://api.example.com:8083/v1/me", status: 401, proto: "HTTP/1.1",
		start: "2026-11-30T06:40:49.363112Z", auth: "absent", partial: NoRequestBody | NoResponseBody,
		resp: map[string]string{"Www-Authenticate": `Bearer realm="api.example.com"`}},
	{file: "caddy-access-default.json", line: 2, method: "GET", url: "http://api.example.com:8083/v1/me", status: 401, auth: "redacted",
		start: "2026-11-30T06:40:49.3777063Z"},
	{file: "caddy-access-default.json", line: 4, method: "GET", url: "http://api.example.com:8083/v1/me?access_token=" + q(expiredJWT) + "&page=2", status: 401, auth: "absent"},
	{file: "caddy-access-default.json", line: 7, method: "GET", url: "http://api.example.com:8083/v2/items", status: 401, auth: "absent",
		secret: map[string]string{"X-Api-Key": skTest}},
	{file: "caddy-access-default.json", line: 11, method: "GET", status: 401, url: "http://api.example.com:8083/v1/me", auth: "absent",
		secret: map[string]string{"Cookie": "REDACTED"}},
	{file: "caddy-access-default.json", line: 15, method: "GET", url: "https://api.example.com:8443/v1/me", status: 401, proto: "HTTP/2.0", auth: "absent"},
	{file: "caddy-access-default.json", line: 16, method: "GET", url: "https://api.example.com:8443/v1/me", status: 401, auth: "redacted"},
	{file: "caddy-access-log_credentials.json", line: 2, method: "GET", url: "http://api.example.com:8084/v1/me", status: 401, auth: "credential",
		secret: map[string]string{"Authorization": "Bearer " + expiredJWT}},
	{file: "caddy-access-log_credentials.json", line: 11, method: "GET", url: "http://api.example.com:8084/v1/me", status: 401, auth: "absent",
		secret: map[string]string{"Cookie": "session=s%3AEXAMPLE-8c1f2a9b.Zx3kQ; csrftoken=EXAMPLEcsrf123"}},

	// Apache JSON: "-" is absent; %q keeps its "?"; \xc3 translated.
	{file: "apache-access.json", line: 1, method: "GET", url: "api.example.com:8085/v1/me", status: 401, proto: "HTTP/1.1",
		start: "2026-11-30T06:43:21Z", auth: "absent", partial: NoRequestBody | NoResponseBody,
		resp: map[string]string{"WWW-Authenticate": `Bearer realm="api.example.com"`}, plain: map[string]string{"Cookie": "", "X-Api-Key": ""}},
	{file: "apache-access.json", line: 4, method: "GET", url: "api.example.com:8085/v1/me?access_token=" + q(expiredJWT) + "&page=2", status: 401, auth: "absent"},
	{file: "apache-access.json", line: 7, method: "GET", url: "api.example.com:8085/v2/items", status: 401, secret: map[string]string{"X-Api-Key": skTest}},
	{file: "apache-access.json", line: 13, method: "GET", url: "api.example.com:8085/v1/me", status: 401, auth: "credential",
		secret: map[string]string{"Authorization": "Bearer tökén-with-ü"}, plain: map[string]string{"User-Agent": `Mozilla/5.0 "quoted" agent`}},

	// Go app logs.
	{file: "go-slog.jsonl", line: 1, method: "GET", url: "https://api.example.com/v1/me?api_key=" + q(skLive), status: 401,
		start: "2026-11-30T06:41:49.457198672Z", auth: "credential", secret: map[string]string{"Authorization": "Bearer " + expiredJWT},
		plain: map[string]string{"User-Agent": "okhttp/4.12.0"}, partial: NoResponseHeaders | NoRequestBody | NoResponseBody},
	{file: "go-slog.jsonl", line: 2, text: true},
	{file: "go-slog.jsonl", line: 3, method: "GET", url: "/v1/me", status: 401, auth: "credential"},
	{file: "go-zap.jsonl", line: 1, method: "GET", url: "https://api.example.com/v1/me?api_key=" + q(skLive), status: 401,
		start: "2026-11-30T06:41:49.4638088Z", auth: "credential", secret: map[string]string{"Authorization": "Bearer " + expiredJWT}},
	{file: "go-zap.jsonl", line: 2, text: true},
	{file: "go-logrus.jsonl", line: 1, method: "GET", url: "/v1/me?api_key=" + q(skLive), status: 401, auth: "absent", partial: allPartial},
	{file: "go-logrus.jsonl", line: 2, text: true},
	{file: "go-zerolog.jsonl", line: 1, method: "GET", url: "https://api.example.com/v1/me?api_key=" + q(skLive), status: 401, auth: "absent",
		plain: map[string]string{"User-Agent": "okhttp/4.12.0"}},
	{file: "go-zerolog.jsonl", line: 2, text: true},

	// osv-scalibr fixtures.
	{file: "osv-scalibr-nginx-named-fields.log", line: 1, method: "GET", url: "/", status: 200, auth: "credential",
		secret: map[string]string{"Authorization": "Bearer nginx_prod_jwt_token_777"}, partial: NoResponseHeaders | NoRequestBody | NoResponseBody},
	{file: "osv-scalibr-nginx-named-fields.log", line: 2, auth: "credential", method: "GET", url: "/", status: 200,
		secret: map[string]string{"Authorization": "Basic YWRtaW46cGFzc3dvcmQxMjM="}, extras: map[string]string{"remote_user": "admin"}},
	{file: "osv-scalibr-nginx-named-fields.log", line: 3, auth: "absent", method: "GET", url: "/", status: 200,
		secret: map[string]string{"Cookie": "tracking_id=evil_corp_999"}},
	{file: "osv-scalibr-pino.jsonl", line: 1, text: true},
	{file: "osv-scalibr-pino.jsonl", line: 2, method: "GET", url: "localhost:3000/", status: 200, auth: "credential",
		start: "2026-04-24T10:29:30.252Z", secret: map[string]string{"authorization": "Bearer pino_secret_jwt_456"},
		plain: map[string]string{"user-agent": "curl/8.7.1", "x-csrf-token": ""}},

	// Synthetic, per schema.
	{file: "envoy.jsonl", line: 1, method: "GET", url: "api.example.com/v1/me?access_token=" + q(jwtOf("envoyQ", 1796020000)), status: 401,
		proto: "HTTP/2", start: "2026-11-30T06:40:49.125Z", auth: "absent", partial: allPartial,
		extras: map[string]string{"gateway_error": "jwt_authn_access_denied{Jwt_is_expired}", "request_id": "5f8c1c3e-0d7a-4f7b-9a51-0c2f8e1d9b11", "response_flags": ""},
		plain:  map[string]string{"User-Agent": "curl/8.5.0"}},
	{file: "envoy.jsonl", line: 2, method: "GET", url: "api.example.com/v1/me", status: 200, auth: "credential",
		partial: NoResponseHeaders | NoRequestBody | NoResponseBody, extras: map[string]string{"gateway_error": ""}},
	{file: "envoy.jsonl", line: 3, method: "POST", url: "api.example.com/v1/charges", status: 0,
		extras: map[string]string{"response_flags": "UC", "gateway_error": "upstream_reset_before_response_started{connection_termination}"}},
	{file: "envoy.jsonl", line: 4, method: "DELETE", url: "api.example.com:8443/v1/admin/users/42", status: 403,
		extras: map[string]string{"gateway_error": "rbac_access_denied_matched_policy[none]"}},
	{file: "traefik.jsonl", line: 1, method: "GET", url: "https://api.example.com/v1/me?access_token=" + q(jwtOf("traefikQ", 1796020000)) + "&page=2",
		status: 401, proto: "HTTP/2.0", start: "2026-11-30T06:40:49.125Z", auth: "redacted", partial: NoRequestBody | NoResponseBody,
		resp: map[string]string{"WWW-Authenticate": `Bearer error="invalid_token"`}},
	{file: "traefik.jsonl", line: 2, method: "GET", url: "https://api.example.com/v1/me", status: 200, auth: "absent", partial: allPartial},
	{file: "traefik.jsonl", line: 3, method: "PUT", url: "https://api.example.com/v1/admin/users/42", status: 403, auth: "credential",
		secret: map[string]string{"Cookie": "session=CANARYtraefikSession"}, resp: map[string]string{"WWW-Authenticate": `Bearer error="insufficient_scope", scope="admin:users"`}},
	{file: "kong.jsonl", line: 1, method: "GET", url: "https://api.example.com:8443/v1/me?apikey=" + q("CANARYkongQueryKey0123456789"), status: 401,
		start: "2026-11-30T06:40:49.125Z", auth: "redacted", partial: NoRequestBody | NoResponseBody,
		resp: map[string]string{"www-authenticate": `Key realm="kong"`}},
	{file: "kong.jsonl", line: 2, method: "POST", url: "https://api.example.com:8443/v1/charges", status: 201, auth: "redacted",
		secret: map[string]string{"cookie": "kong_session=CANARYkongCookie"}, extras: map[string]string{"remote_user": "billing-app"}},
	{file: "aws-apigw.jsonl", line: 1, method: "GET", url: "/prod/v1/users/42", status: 403, proto: "HTTP/1.1", start: "2026-11-30T06:40:49Z",
		auth: "absent", partial: allPartial, extras: map[string]string{"gateway_error": "EXPIRED_TOKEN", "request_id": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"}},
	{file: "aws-apigw.jsonl", line: 2, method: "GET", url: "api.example.com/v1/me", status: 401, start: "2026-11-30T06:40:50.125Z",
		extras: map[string]string{"gateway_error": "UNAUTHORIZED"}},
	{file: "aws-apigw.jsonl", line: 3, method: "POST", url: "api.example.com/v1/charges", status: 403,
		secret: map[string]string{"X-Api-Key": "CANARYawsApiKey0123456789abcdef"}, extras: map[string]string{"gateway_error": "INVALID_API_KEY"}},
	{file: "aws-apigw.jsonl", line: 4, method: "GET", url: "/v1/missing", status: 403, extras: map[string]string{"gateway_error": "MISSING_AUTHENTICATION_TOKEN"}},
	{file: "gcp.jsonl", line: 1, method: "GET", url: "https://api.example.com/v1/me?access_token=" + q(jwtOf("gcpQ", 1796020000)), status: 401,
		proto: "HTTP/2.0", start: "2026-11-30T06:40:49.125Z", auth: "absent", partial: allPartial,
		extras: map[string]string{"status_details": "response_sent_by_backend"}, plain: map[string]string{"User-Agent": "curl/8.5.0"}},
	{file: "gcp.jsonl", line: 2, method: "POST", url: "https://svc-abc123-uc.a.run.app/oauth/token", status: 200,
		secret: map[string]string{"Referer": "https://app.example.com/callback?code=abc&access_token=CANARYgcpReferer0123456789"}},
	{file: "gcp.jsonl", line: 3, text: true},
	{file: "ecs.jsonl", line: 1, method: "GET", url: "https://api.example.com:443/v1/me?api_key=" + q("sk_live_CANARYecs0123456789abcdefghij"), status: 401,
		proto: "1.1", start: "2026-11-30T06:40:49.125Z", auth: "credential", partial: NoResponseHeaders | NoRequestBody | NoResponseBody},
	{file: "ecs.jsonl", line: 2, method: "POST", url: "https://api.example.com/v1/charges?expand=customer", status: 403, auth: "absent",
		partial: NoRequestHeaders | NoResponseHeaders | NoResponseBody, bodySecret: map[string]string{"api_key": "sk_live_CANARYecsBody0123456789abcdef"}},
	{file: "ecs.jsonl", line: 3, method: "DELETE", url: "https://deploy:***@api.example.com/v1/items/7", status: 401},
	{file: "ecs.jsonl", line: 4, text: true},
	{file: "otel.jsonl", line: 1, method: "GET", url: "https://api.example.com/v1/me", status: 401, proto: "1.1", start: "2026-11-30T06:40:49.125Z",
		auth: "credential", partial: NoRequestBody | NoResponseBody, resp: map[string]string{"Www-Authenticate": `Bearer error="invalid_token"`}},
	{file: "otel.jsonl", line: 2, method: "POST", url: "https://api.example.com/oauth/token", status: 200, start: "2026-11-30T06:40:50.125Z",
		auth: "absent", partial: allPartial, plain: map[string]string{"User-Agent": "curl/8.5.0"}},
	{file: "otel.jsonl", line: 3, method: "GET", url: "https://api.example.com:8443/v1/admin/users?token=" + q("CANARYotelQuery0123456789"), status: 403,
		start: "2026-11-30T06:40:51Z", auth: "credential"},
	{file: "otel.jsonl", line: 4, method: "GET", status: 403,
		url: "https://REDACTED:***@api.example.com/v1/files/report.pdf?X-Amz-Signature=" + q("REDACTED") + "&X-Amz-Credential=REDACTED&X-Amz-Date=20261130T064052Z"},
	{file: "otel.jsonl", line: 5, text: true},
	{file: "markers-nginx.jsonl", line: 1, method: "GET", url: "api.example.com/v1/a", status: 401, auth: "redacted",
		secret: map[string]string{"Cookie": "***", "X-Api-Key": "<token>"}},
	{file: "markers-nginx.jsonl", line: 2, method: "GET", url: "api.example.com/v1/b", status: 401, auth: "placeholder",
		secret: map[string]string{"Cookie": "[REDACTED]", "X-Api-Key": "${API_KEY}"}},
	{file: "markers-nginx.jsonl", line: 3, method: "GET", url: "api.example.com/v1/c", status: 401, auth: "placeholder",
		plain: map[string]string{"Cookie": "", "X-Api-Key": ""}, partial: NoResponseHeaders | NoRequestBody | NoResponseBody},
	{file: "custom-fields.jsonl", line: 1, method: "GET", url: "api.example.com/v1/me?x=1", status: 401, start: "2026-11-30T06:40:49.125Z",
		auth: "credential", plain: map[string]string{"X-Tenant": "acme"}, resp: map[string]string{"WWW-Authenticate": `Bearer error="invalid_token"`}},
	{file: "custom-fields.jsonl", line: 2, method: "POST", url: "api.example.com/v1/charges", status: 201, auth: "absent",
		partial: NoResponseHeaders | NoRequestBody | NoResponseBody},

	// clf-variants.log
	{file: "clf-variants.log", line: 1, method: "GET", url: "/v1/me?api_key=" + q("sk_live_CANARYclf0123456789abcdef") + "&page=2", status: 401, partial: allPartial},
	{file: "clf-variants.log", line: 2, method: "GET", url: `/search?q=%22x%22`, status: 200, plain: map[string]string{"User-Agent": `Mozilla/5.0 "quoted" agent`}},
	{file: "clf-variants.log", line: 3, method: "GET", url: "/caf%C3%A9", status: 404},
	{file: "clf-variants.log", line: 4, text: true},
	{file: "clf-variants.log", line: 5, text: true},
	{file: "clf-variants.log", line: 6, method: "POST", url: "api.example.com:443/oauth/token", status: 200,
		secret: map[string]string{"Referer": "https://app.example.com/cb?code=abc&access_token=CANARYclfReferer0123456789"},
		extras: map[string]string{"remote_user": "bob"}},
	{file: "clf-variants.log", line: 7, method: "GET", url: "http://proxyuser:***@api.example.com/v1/me", status: 407},
	{file: "clf-variants.log", line: 9, method: "HEAD", url: "/", status: 200, proto: "HTTP/2.0"},
	{file: "clf-variants.log", line: 10, method: "GET", url: "/v1/me", status: 401, auth: "credential",
		secret: map[string]string{"Authorization": "Bearer CANARYclfNamed0123456789"}, partial: NoResponseHeaders | NoRequestBody | NoResponseBody},
	{file: "clf-variants.log", line: 11, method: "GET", url: "/a%22b", status: 404},
	{file: "clf-variants.log", line: 15, method: "GET", url: "/lower", status: 301, proto: "HTTP/1.0"},
	{file: "clf-variants.log", line: 16, method: "GET", url: "/basic", status: 401, extras: map[string]string{"remote_user": "alice"}},
}

// jwtOf rebuilds the synthetic fixtures' JWTs (see PROVENANCE.md).
func jwtOf(tag string, exp int) string {
	return syntheticJWT(tag, exp)
}

func TestLogSpots(t *testing.T) {
	cache := map[string]readResult{}
	fieldsOf := map[string]map[string]string{}
	for _, c := range corpusCases {
		fieldsOf[c.file] = c.fields
	}
	for _, s := range spots {
		res, ok := cache[s.file]
		if !ok {
			res = readLog(t, s.file, "", Options{Fields: fieldsOf[s.file]})
			cache[s.file] = res
		}
		rec := res.byLine(s.line)
		if rec == nil {
			t.Errorf("%s:%d: no record", s.file, s.line)
			continue
		}
		ex := rec.Exchange
		if s.text {
			if ex != nil {
				t.Errorf("%s:%d: got an exchange, want a text record", s.file, s.line)
			}
			continue
		}
		if ex == nil {
			t.Errorf("%s:%d: no exchange", s.file, s.line)
			continue
		}
		checkSpot(t, s, ex)
	}
}

func checkSpot(t *testing.T, s spot, ex *Exchange) {
	t.Helper()
	at := func(format string, a ...any) {
		t.Helper()
		t.Errorf("%s:%d: "+format, append([]any{s.file, s.line}, a...)...)
	}
	if ex.Request.Method != s.method {
		at("method %q, want %q", ex.Request.Method, s.method)
	}
	if got := ex.Request.URL.String(); got != s.url {
		at("URL %q,\n\twant %q", got, s.url)
	}
	if ex.Status() != s.status {
		at("status %d, want %d", ex.Status(), s.status)
	}
	if s.proto != "" && ex.Request.Proto != s.proto {
		at("proto %q, want %q", ex.Request.Proto, s.proto)
	}
	if s.start != "" {
		want, err := time.Parse(time.RFC3339Nano, s.start)
		if err != nil {
			t.Fatal(err)
		}
		if !ex.Start.Equal(want) || ex.Start.Location() != time.UTC {
			at("start %s, want %s (UTC)", ex.Start.Format(time.RFC3339Nano), s.start)
		}
	}
	if s.auth != "" && authState(ex) != s.auth {
		at("authorization %s, want %s", authState(ex), s.auth)
	}
	for name, raw := range s.secret {
		h, ok := ex.Request.Headers.Get(name)
		switch {
		case !ok:
			at("no %s header", name)
		case !h.Sensitive():
			at("%s is not held as a secret", name)
		case h.Secret.Reveal() != raw:
			at("%s = %q, want %q", name, h.Secret.Reveal(), raw)
		}
		if n := len(ex.Request.Headers.All(name)); n > 1 {
			at("%d %s headers, want 1", n, name)
		}
	}
	for name, want := range s.plain {
		h, ok := ex.Request.Headers.Get(name)
		if want == "" {
			if ok {
				at("%s header present (%s), want absent", name, h.Display())
			}
			continue
		}
		if !ok || h.Value != want {
			at("%s = %q, want %q", name, h.Value, want)
		}
	}
	for name, want := range s.resp {
		if ex.Response == nil {
			at("no response")
			break
		}
		if got := ex.Response.Headers.Value(name); got != want {
			at("response %s = %q, want %q", name, got, want)
		}
	}
	for k, want := range s.extras {
		if got := ex.Extra(k); got != want {
			at("extra %s = %q, want %q", k, got, want)
		}
	}
	switch {
	case s.partial == noPartial && ex.Partial != 0:
		at("partial %04b, want none", ex.Partial)
	case s.partial != 0 && s.partial != noPartial && ex.Partial != s.partial:
		at("partial %04b, want %04b", ex.Partial, s.partial)
	}
	for name, raw := range s.bodySecret {
		f, ok := ex.Request.Body.Field(name)
		if !ok || !f.Sensitive() || f.Secret.Reveal() != raw {
			at("body field %s: ok=%v sensitive=%v", name, ok, f.Sensitive())
		}
	}
}
