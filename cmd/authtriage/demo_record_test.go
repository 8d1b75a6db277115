package main

// TestRecordDemo records testdata/demo/demo.har: a short, genuine HTTP
// session between a Go client and an OAuth 2 resource server + token
// endpoint, captured with martian's har.Logger. The session makes every
// common authentication mistake once, mixed with clean calls, so the demo and
// the analyzer's end-to-end tests have real traffic to explain.
//
// Refresh with:
//
//	go test ./cmd/authtriage -run TestRecordDemo -update
//
// Without -update the test checks that the committed HAR still parses and
// matches testdata/demo/expected.json (which is written from the same step
// table below).
//
// Determinism: a fake clock drives the server (its Date header, token
// validation) and the JWT times; after the recording, each entry's
// startedDateTime is set to the fake-clock instant of its request, time and
// timings are zeroed, and headers are sorted by name (har.Logger writes them
// in map order). Everything else is what went over the wire. Host names are
// real-looking (api.example.com, api.sandbox.example.com, auth.example.com):
// a custom DialContext sends every connection to the loopback test server.

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/martian/v3/har"

	"github.com/authtriage/authtriage/parsers"
)

var update = flag.Bool("update", false, "re-record golden files and captures under testdata/")

const (
	demoHAR      = "../../testdata/demo/demo.har"
	demoExpected = "../../testdata/demo/expected.json"
)

// Fake credentials. Nothing here is real: the HMAC key only signs test JWTs,
// and every opaque key carries EXAMPLE.
var (
	demoSigningKey   = []byte("authtriage-demo-hs256-key-EXAMPLE-not-a-secret")
	demoT0           = time.Date(2026, 11, 24, 10, 15, 0, 0, time.UTC)
	demoClientBasic  = basicAuth("demo-web", "cs_EXAMPLE7Hq2Lz9Wm4Xv1Rk3Tn8Pd")
	demoWorkerBad    = basicAuth("billing-worker", "cs_EXAMPLEold0Secret0Rotated0Aw")
	demoReportsBasic = basicAuth("svc-reporting", "EXAMPLE-pass-8f2kQ7")
	demoTestKey      = "sk_test_51EXAMPLEa9Rk2Lq8Vn4Ws7Xt3Yz6Pb"
	demoLiveKey      = "sk_live_51EXAMPLEm3Hd8Kq1Zx7Wv4Rt9Ny2Lc"
	demoRefresh1     = "rt_EXAMPLE1f8e7d6c5b4a39281706f5e4d3c2b"
	demoRefresh2     = "rt_EXAMPLE2a0b1c2d3e4f5061728394a5b6c7d"
	demoAuthCode     = "ac_EXAMPLEq3Lm8Vx2Kd7Rp4Zt9Wn"
)

const demoScopes = "read:orders read:invoices read:customers read:products read:reports write:charges read:users"

func basicAuth(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

// demoJWT signs an HS256 access token. Times are offsets from demoT0.
func demoJWT(jti string, iat, nbf, exp time.Duration) string {
	c := jwt.MapClaims{
		"iss":       "https://auth.example.com/",
		"sub":       "user-1234",
		"aud":       "https://api.example.com",
		"client_id": "demo-web",
		"scope":     demoScopes,
		"jti":       jti,
		"iat":       demoT0.Add(iat).Unix(),
		"exp":       demoT0.Add(exp).Unix(),
	}
	if nbf != 0 {
		c["nbf"] = demoT0.Add(nbf).Unix()
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(demoSigningKey)
	if err != nil {
		panic(err)
	}
	return s
}

var (
	jwtA       = demoJWT("at-0001", 0, 0, time.Hour)                             // first session token
	jwtExpired = demoJWT("at-0000", -2*time.Hour, 0, -time.Hour)                 // expired an hour before use
	jwtFuture  = demoJWT("at-0003", time.Hour, time.Hour, 2*time.Hour)           // minted by a clock 1 h ahead
	jwtRevoked = demoJWT("at-0099", -10*time.Minute, 0, 50*time.Minute)          // revoked by an admin
	jwtB       = demoJWT("at-0002", 80*time.Second, 0, 80*time.Second+time.Hour) // issued by the refresh (step at t0+80s)
)

// fakeClock is the session's time, shared by client and server.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// demoServer is an OAuth 2 resource server (RFC 6750) for api.example.com and
// api.sandbox.example.com plus a token endpoint (RFC 6749) on
// auth.example.com.
type demoServer struct {
	clock   *fakeClock
	mu      sync.Mutex
	revoked map[string]bool // access token jti
	used    map[string]bool // refresh tokens already exchanged
	reqN    int
}

func newDemoServer(c *fakeClock) *demoServer {
	return &demoServer{clock: c, revoked: map[string]bool{"at-0099": true}, used: map[string]bool{}}
}

func (s *demoServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.reqN++
	n := s.reqN
	s.mu.Unlock()
	w.Header().Set("Date", s.clock.Now().UTC().Format(http.TimeFormat))
	w.Header().Set("X-Request-Id", fmt.Sprintf("req_%06d", 480100+n))
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	switch {
	case host == "auth.example.com" && r.URL.Path == "/oauth/token":
		s.token(w, r)
	case host == "api.example.com" || host == "api.sandbox.example.com":
		s.api(w, r, host)
	default:
		writeJSON(w, 404, map[string]any{"error": "not_found"})
	}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	w.Write(append(b, '\n'))
}

func challenge(w http.ResponseWriter, code int, errCode, desc, scope string) {
	v := `Bearer realm="api"`
	if errCode != "" {
		v += fmt.Sprintf(`, error=%q, error_description=%q`, errCode, desc)
	}
	if scope != "" {
		v += fmt.Sprintf(`, scope=%q`, scope)
	}
	w.Header().Set("WWW-Authenticate", v)
	body := map[string]any{"error": errCode, "error_description": desc}
	if errCode == "" {
		body = map[string]any{"error": "unauthorized", "message": desc}
	}
	writeJSON(w, code, body)
}

// token68 is the credential syntax of RFC 7235 §2.1.
func token68(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9',
			strings.ContainsRune("-._~+/", c):
		case c == '=' && strings.Trim(s[i:], "=") == "":
		default:
			return false
		}
	}
	return true
}

func (s *demoServer) api(w http.ResponseWriter, r *http.Request, host string) {
	authz := r.Header.Get("Authorization")
	query := r.URL.Query().Get("access_token")
	switch {
	case authz != "" && query != "":
		w.Header().Set("WWW-Authenticate", `Bearer realm="api", error="invalid_request", error_description="The request uses more than one method for including an access token"`)
		writeJSON(w, 400, map[string]any{"error": "invalid_request", "error_description": "The request uses more than one method for including an access token"})
		return
	case authz == "" && query != "":
		challenge(w, 401, "invalid_request", "Access tokens in the query string are not accepted; send the Authorization header", "")
		return
	case authz == "":
		challenge(w, 401, "", "No access token provided. Send it in the Authorization header.", "")
		return
	}
	scheme, tok, _ := strings.Cut(authz, " ")
	if !strings.EqualFold(scheme, "Bearer") {
		// RFC 6750 §3.1: no bearer credential at all, so no error code.
		challenge(w, 401, "", "This API accepts Bearer tokens only.", "")
		return
	}
	if !token68(tok) {
		challenge(w, 401, "invalid_token", "The access token is malformed", "")
		return
	}
	if strings.HasPrefix(tok, "sk_") {
		sandboxHost := strings.Contains(host, ".sandbox.")
		switch {
		case strings.HasPrefix(tok, "sk_test_") && !sandboxHost:
			challenge(w, 401, "invalid_token", "A test mode API key was used against the live API", "")
		case strings.HasPrefix(tok, "sk_live_") && sandboxHost:
			challenge(w, 401, "invalid_token", "A live mode API key was used against the sandbox API", "")
		default:
			writeJSON(w, 200, map[string]any{"object": "balance", "livemode": !sandboxHost, "available": []any{map[string]any{"amount": 125000, "currency": "usd"}}})
		}
		return
	}
	if host != "api.example.com" {
		challenge(w, 401, "invalid_token", "The access token is invalid", "")
		return
	}
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(tok, claims, func(*jwt.Token) (any, error) { return demoSigningKey, nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithTimeFunc(s.clock.Now), jwt.WithIssuedAt(),
		jwt.WithLeeway(30*time.Second), jwt.WithAudience("https://api.example.com"))
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		challenge(w, 401, "invalid_token", "The access token expired", "")
		return
	case errors.Is(err, jwt.ErrTokenNotValidYet), errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		challenge(w, 401, "invalid_token", "The access token is not valid yet (nbf/iat in the future)", "")
		return
	case err != nil:
		challenge(w, 401, "invalid_token", "The access token is invalid", "")
		return
	}
	jti, _ := claims["jti"].(string)
	s.mu.Lock()
	revoked := s.revoked[jti]
	s.mu.Unlock()
	if revoked {
		challenge(w, 401, "invalid_token", "The access token has been revoked", "")
		return
	}
	need := "read:orders"
	switch p := r.URL.Path; {
	case strings.HasPrefix(p, "/v1/admin/"):
		need = "admin:users"
	case p == "/v1/me":
		need = "read:users"
	}
	scope, _ := claims["scope"].(string)
	if !hasWord(scope, need) {
		challenge(w, 403, "insufficient_scope", "The request requires higher privileges than provided by the access token", need)
		return
	}
	switch r.URL.Path {
	case "/v1/me":
		writeJSON(w, 200, map[string]any{"id": "user-1234", "name": "Alice Example"})
	default:
		writeJSON(w, 200, map[string]any{"object": "list", "data": []any{map[string]any{"id": "ord_1001", "status": "open"}}, "has_more": false})
	}
}

func hasWord(list, w string) bool {
	for _, x := range strings.Fields(list) {
		if x == w {
			return true
		}
	}
	return false
}

var demoClients = map[string]string{"demo-web": "cs_EXAMPLE7Hq2Lz9Wm4Xv1Rk3Tn8Pd", "billing-worker": "cs_EXAMPLEnew0Secret0Current0Qz"}

func (s *demoServer) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeJSON(w, 400, map[string]any{"error": "invalid_request"})
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok || demoClients[id] != secret {
		w.Header().Set("WWW-Authenticate", `Basic realm="oauth"`)
		writeJSON(w, 401, map[string]any{"error": "invalid_client", "error_description": "Client authentication failed"})
		return
	}
	switch r.PostForm.Get("grant_type") {
	case "authorization_code":
		writeJSON(w, 200, map[string]any{"access_token": jwtA, "token_type": "Bearer", "expires_in": 3600, "refresh_token": demoRefresh1, "scope": demoScopes})
	case "refresh_token":
		rt := r.PostForm.Get("refresh_token")
		s.mu.Lock()
		used := s.used[rt]
		s.used[rt] = true
		if !used {
			s.revoked["at-0001"] = true // rotation: the previous access token stops working
		}
		s.mu.Unlock()
		if used || rt != demoRefresh1 {
			writeJSON(w, 400, map[string]any{"error": "invalid_grant", "error_description": "The refresh token is invalid or has already been used"})
			return
		}
		writeJSON(w, 200, map[string]any{"access_token": jwtB, "token_type": "Bearer", "expires_in": 3600, "refresh_token": demoRefresh2, "scope": demoScopes})
	case "client_credentials":
		writeJSON(w, 200, map[string]any{"access_token": jwtB, "token_type": "Bearer", "expires_in": 3600})
	default:
		writeJSON(w, 400, map[string]any{"error": "unsupported_grant_type"})
	}
}

// demoStep is one request of the session and what a correct analyzer must
// say about it.
type demoStep struct {
	at      time.Duration // offset from demoT0
	method  string
	url     string
	headers map[string]string
	body    string // form or JSON, by Content-Type
	status  int
	rules   []string // must be reported on this entry
	may     []string // may be reported; anything else must not be
	related []int
	note    string
}

const (
	apiProd    = "https://api.example.com"
	apiSandbox = "https://api.sandbox.example.com"
	tokenURL   = "https://auth.example.com/oauth/token"
	formCT     = "application/x-www-form-urlencoded"
	jsonCT     = "application/json"
)

// leakMay: a credential outside request headers; leaked-secret may report it.
var leakMay = []string{"leaked-secret"}

func demoSteps() []demoStep {
	bearer := func(tok string) map[string]string { return map[string]string{"Authorization": "Bearer " + tok} }
	steps := []demoStep{
		{at: 0, method: "POST", url: tokenURL,
			headers: map[string]string{"Authorization": demoClientBasic, "Content-Type": formCT},
			body:    "grant_type=authorization_code&code=" + demoAuthCode + "&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback",
			status:  200, may: leakMay, note: "token endpoint issues the session's access token (JWT at-0001) and refresh token"},
		{at: 3 * time.Second, method: "GET", url: apiProd + "/v1/me", headers: bearer(jwtA), status: 200, note: "clean"},
		{at: 8 * time.Second, method: "GET", url: apiProd + "/v1/orders?limit=20", status: 401,
			rules: []string{"missing-credentials"}, note: "no Authorization at all; other requests to the origin carry one"},
		{at: 13 * time.Second, method: "GET", url: apiProd + "/v1/invoices", headers: bearer("Bearer " + jwtA), status: 401,
			rules: []string{"bearer-twice"}, note: "Authorization: Bearer Bearer <jwt>"},
		{at: 18 * time.Second, method: "GET", url: apiProd + "/v1/customers", headers: bearer(`"` + jwtA + `"`), status: 401,
			rules: []string{"malformed-authorization"}, note: "token wrapped in double quotes"},
		{at: 23 * time.Second, method: "GET", url: apiProd + "/v1/products", headers: bearer("undefined"), status: 401,
			rules: []string{"placeholder-credential"}, note: "Authorization: Bearer undefined"},
		{at: 28 * time.Second, method: "GET", url: apiProd + "/v1/orders?status=open&access_token=" + jwtA, status: 401,
			rules: []string{"token-in-query"}, may: []string{"leaked-secret", "missing-credentials"}, note: "token only in the query string; the API refuses it"},
		{at: 33 * time.Second, method: "GET", url: apiProd + "/v1/invoices?access_token=" + jwtA, headers: bearer(jwtA), status: 400,
			rules: []string{"multiple-credentials", "token-in-query"}, may: leakMay, note: "same token in the header and the query: 400 invalid_request"},
		{at: 38 * time.Second, method: "POST", url: apiProd + "/v1/charges",
			headers: map[string]string{"Content-Type": jsonCT},
			body:    `{"amount":2000,"currency":"usd","customer":"cus_NffrFeUfNV2Hib","access_token":"` + jwtA + `"}`,
			status:  401, rules: []string{"token-in-body"}, may: []string{"leaked-secret", "missing-credentials"},
			note: "token sent in the JSON body instead of the Authorization header"},
		{at: 43 * time.Second, method: "GET", url: apiProd + "/v1/subscriptions", headers: bearer(jwtExpired), status: 401,
			rules: []string{"expired-token"}, note: "JWT exp one hour before the request"},
		{at: 48 * time.Second, method: "GET", url: apiProd + "/v1/reports/daily", headers: bearer(jwtFuture), status: 401,
			rules: []string{"token-not-yet-valid"}, note: "JWT nbf and iat one hour after the request (issuer clock ahead)"},
		{at: 53 * time.Second, method: "GET", url: apiProd + "/v1/admin/users", headers: bearer(jwtA), status: 403,
			rules: []string{"insufficient-scope"}, note: `403 error="insufficient_scope", scope="admin:users"`},
		{at: 58 * time.Second, method: "GET", url: apiProd + "/v1/payouts", headers: map[string]string{"Authorization": demoReportsBasic}, status: 401,
			rules: []string{"scheme-mismatch"}, note: `Basic sent; the server challenges only Bearer realm="api"`},
		{at: 63 * time.Second, method: "GET", url: apiProd + "/v1/balance", headers: bearer(demoTestKey), status: 401,
			rules: []string{"environment-mismatch"}, note: "sk_test_ key sent to the production host (api.example.com: no sandbox label, production by the host heuristic)"},
		{at: 68 * time.Second, method: "GET", url: apiSandbox + "/v1/balance", headers: bearer(demoLiveKey), status: 401,
			rules: []string{"environment-mismatch"}, note: "sk_live_ key sent to the sandbox host"},
		{at: 73 * time.Second, method: "GET", url: apiSandbox + "/v1/balance", headers: bearer(demoTestKey), status: 200, note: "clean: test key on the sandbox host"},
		{at: 80 * time.Second, method: "POST", url: tokenURL,
			headers: map[string]string{"Authorization": demoClientBasic, "Content-Type": formCT},
			body:    "grant_type=refresh_token&refresh_token=" + demoRefresh1,
			status:  200, may: leakMay, note: "refresh: new access token at-0002 and a rotated refresh token; at-0001 is revoked"},
		{at: 85 * time.Second, method: "GET", url: apiProd + "/v1/orders", headers: bearer(jwtA), status: 401,
			rules: []string{"stale-token-after-refresh"}, related: []int{16}, note: "still sends the pre-refresh token (not expired; revoked by rotation)"},
		{at: 90 * time.Second, method: "POST", url: tokenURL,
			headers: map[string]string{"Authorization": demoClientBasic, "Content-Type": formCT},
			body:    "grant_type=refresh_token&refresh_token=" + demoRefresh1,
			status:  400, rules: []string{"refresh-token-rejected"}, may: leakMay, note: "the rotated refresh token is reused: 400 invalid_grant"},
		{at: 95 * time.Second, method: "POST", url: tokenURL,
			headers: map[string]string{"Authorization": demoWorkerBad, "Content-Type": formCT},
			body:    "grant_type=client_credentials&scope=write%3Acharges",
			status:  401, rules: []string{"client-authentication-failed"}, note: `old client secret: 401 invalid_client with WWW-Authenticate: Basic realm="oauth"`},
	}
	// Retry storm: the same failing request six times, one second apart.
	storm := []int{}
	for i := 0; i < 6; i++ {
		storm = append(storm, len(steps)+i)
	}
	for i := 0; i < 6; i++ {
		steps = append(steps, demoStep{at: 100*time.Second + time.Duration(i)*time.Second, method: "GET", url: apiProd + "/v1/orders/8812",
			headers: bearer(jwtRevoked), status: 401,
			rules: []string{"retry-storm", "server-rejected-token"}, related: without(storm, len(steps)),
			note: fmt.Sprintf("retry %d of 6 with the same revoked token; the server says why (invalid_token, revoked)", i+1)})
	}
	steps = append(steps, demoStep{at: 110 * time.Second, method: "GET", url: apiProd + "/v1/orders", headers: bearer(jwtB), status: 200, note: "clean: the refreshed token"})
	for i := range steps {
		if steps[i].headers == nil {
			steps[i].headers = map[string]string{}
		}
		steps[i].headers["Accept"] = "application/json"
		steps[i].headers["User-Agent"] = "acme-billing-sync/2.3.1 (go1.26; linux/amd64)"
	}
	return steps
}

func without(xs []int, x int) []int {
	out := []int{}
	for _, v := range xs {
		if v != x {
			out = append(out, v)
		}
	}
	return out
}

// recorder is the RoundTripper that hands every exchange to har.Logger.
type recorder struct {
	logger *har.Logger
	next   http.RoundTripper
	n      int
}

func (rt *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	id := fmt.Sprintf("demo-%02d", rt.n)
	rt.n++
	if err := rt.logger.RecordRequest(id, req); err != nil {
		return nil, err
	}
	res, err := rt.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	if err := rt.logger.RecordResponse(id, res); err != nil {
		return nil, err
	}
	return res, nil
}

// demoCert is a throwaway certificate for the fake host names.
func demoCert(t *testing.T) (tls.Certificate, *x509.CertPool) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "authtriage demo"},
		DNSNames:     []string{"api.example.com", "api.sandbox.example.com", "auth.example.com"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:         true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

func recordDemo(t *testing.T, steps []demoStep) []byte {
	clock := &fakeClock{t: demoT0}
	ts := httptest.NewUnstartedServer(newDemoServer(clock))
	cert, pool := demoCert(t)
	ts.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	ts.StartTLS()
	defer ts.Close()
	addr := ts.Listener.Addr().String()

	tr := &http.Transport{
		// Every host name goes to the loopback test server; the URL, the
		// Host header and TLS SNI keep the real-looking name.
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		},
		TLSClientConfig:   &tls.Config{RootCAs: pool},
		ForceAttemptHTTP2: false,
	}
	defer tr.CloseIdleConnections()
	logger := har.NewLogger()
	client := &http.Client{
		Transport:     &recorder{logger: logger, next: tr},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}

	for i, s := range steps {
		clock.Set(demoT0.Add(s.at))
		var body io.Reader
		if s.body != "" {
			body = strings.NewReader(s.body)
		}
		req, err := http.NewRequest(s.method, s.url, body)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range s.headers {
			req.Header.Set(k, v)
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != s.status {
			t.Fatalf("step %d %s %s: status %d, want %d", i, s.method, s.url, res.StatusCode, s.status)
		}
	}

	h := logger.Export()
	if len(h.Log.Entries) != len(steps) {
		t.Fatalf("har.Logger recorded %d entries, want %d", len(h.Log.Entries), len(steps))
	}
	for i, e := range h.Log.Entries {
		e.StartedDateTime = demoT0.Add(steps[i].at)
		e.Time = 0
		e.Timings = &har.Timings{}
		sortHeaders(e.Request.Headers)
		// Query and form params come out of a map too: restore wire order.
		u, _ := url.Parse(steps[i].url)
		order := paramOrder(u.RawQuery)
		sort.SliceStable(e.Request.QueryString, func(a, b int) bool {
			return order[e.Request.QueryString[a].Name] < order[e.Request.QueryString[b].Name]
		})
		if pd := e.Request.PostData; pd != nil {
			order := paramOrder(steps[i].body)
			sort.SliceStable(pd.Params, func(a, b int) bool { return order[pd.Params[a].Name] < order[pd.Params[b].Name] })
		}
		if e.Response != nil {
			sortHeaders(e.Response.Headers)
		}
	}
	b, err := json.MarshalIndent(h, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

// paramOrder maps each name of a query or form string to its first position.
func paramOrder(raw string) map[string]int {
	m := map[string]int{}
	for i, kv := range strings.Split(raw, "&") {
		k, _, _ := strings.Cut(kv, "=")
		if k, err := url.QueryUnescape(k); err == nil {
			if _, ok := m[k]; !ok {
				m[k] = i
			}
		}
	}
	return m
}

func sortHeaders(hs []har.Header) {
	sort.SliceStable(hs, func(i, j int) bool { return hs[i].Name < hs[j].Name })
}

// expectations is the shape of testdata/*/expected.json, shared with the
// browser captures (parsers/browser_corpus_test.go reads both).
type expectations struct {
	About     string         `json:"about"`
	Semantics string         `json:"semantics"`
	Files     []expectedFile `json:"files"`
}

type expectedFile struct {
	File      string          `json:"file"`
	Producer  string          `json:"producer"`
	Scenario  string          `json:"scenario"`
	Observed  string          `json:"observed,omitempty"`
	FileRules []string        `json:"file_rules"`
	Entries   []expectedEntry `json:"entries"`
}

type expectedEntry struct {
	Index   int      `json:"index"`
	Method  string   `json:"method"`
	URL     string   `json:"url"`
	Status  int      `json:"status"`
	Rules   []string `json:"rules"`
	May     []string `json:"may,omitempty"`
	Related []int    `json:"related,omitempty"`
	Note    string   `json:"note,omitempty"`
}

const expectSemantics = "For each entry, a correct analyzer reports every rule in `rules` on that entry (as the finding's location or one of its occurrences), may also report rules in `may`, and reports no other rule there. `rules: []` means no finding. `related` lists the entries a cross-request finding should cite. `file_rules` are file-level findings (entry -1)."

func demoExpectations(steps []demoStep) expectations {
	f := expectedFile{
		File:      "demo.har",
		Producer:  "martian har.Logger v3.3.3 via a recording http.RoundTripper (cmd/authtriage/demo_record_test.go)",
		Scenario:  "one client session against an OAuth 2 resource server (api.example.com, api.sandbox.example.com) and its token endpoint (auth.example.com), making each common mistake once between clean calls",
		FileRules: []string{},
	}
	for i, s := range steps {
		rules := s.rules
		if rules == nil {
			rules = []string{}
		}
		f.Entries = append(f.Entries, expectedEntry{Index: i, Method: s.method, URL: s.url, Status: s.status,
			Rules: rules, May: s.may, Related: s.related, Note: s.note})
	}
	return expectations{
		About:     "Expected findings for testdata/demo/demo.har. Written by TestRecordDemo -update from its step table; edit the table, not this file.",
		Semantics: expectSemantics,
		Files:     []expectedFile{f},
	}
}

func TestRecordDemo(t *testing.T) {
	steps := demoSteps()
	if *update {
		b := recordDemo(t, steps)
		if err := os.MkdirAll(filepath.Dir(demoHAR), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(demoHAR, b, 0o644); err != nil {
			t.Fatal(err)
		}
		e, err := json.MarshalIndent(demoExpectations(steps), "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(demoExpected, append(e, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// The committed capture parses with our reader and matches the table.
	f, err := os.Open(demoHAR)
	if err != nil {
		t.Fatalf("%v (record it with: go test ./cmd/authtriage -run TestRecordDemo -update)", err)
	}
	defer f.Close()
	r, err := parsers.NewHARReader(f, demoHAR, parsers.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []*parsers.Record
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("entry %d: %v", len(got), err)
		}
		got = append(got, rec)
	}
	if len(got) != len(steps) {
		t.Fatalf("%s: %d entries, want %d", demoHAR, len(got), len(steps))
	}
	for i, rec := range got {
		x, s := rec.Exchange, steps[i]
		if x == nil {
			t.Fatalf("entry %d: no exchange", i)
		}
		if x.Request.Method != s.method || x.Status() != s.status {
			t.Errorf("entry %d: %s %d, want %s %d", i, x.Request.Method, x.Status(), s.method, s.status)
		}
		if want := demoT0.Add(s.at); !x.Start.Equal(want) {
			t.Errorf("entry %d: start %v, want %v", i, x.Start, want)
		}
		if u, _ := url.Parse(s.url); x.Request.URL.Hostname() != u.Hostname() || x.Request.URL.Path != u.Path {
			t.Errorf("entry %d: URL host/path %s %s, want %s", i, x.Request.URL.Hostname(), x.Request.URL.Path, s.url)
		}
	}

	// expected.json is the table's rendering.
	want, err := json.MarshalIndent(demoExpectations(steps), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	have, err := os.ReadFile(demoExpected)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(bytes.TrimSpace(have), want) {
		t.Errorf("%s is stale; run: go test ./cmd/authtriage -run TestRecordDemo -update", demoExpected)
	}
}
