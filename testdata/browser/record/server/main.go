// Command server is the loopback HTTPS server behind testdata/browser/*.har:
// a single-page app (app.example.com), a CDN (cdn.other.example), an OAuth 2
// token endpoint (auth.example.com) and resource servers (api.example.com,
// api2.example.net, api.sandbox.example.com), all on one 127.0.0.1 port.
// Chromium maps every host name to it with --host-resolver-rules. It lives
// under testdata/ so `go build ./...` ignores it; run it with
//
//	go run ./testdata/browser/record/server -addr 127.0.0.1:8443
//
// Its behaviour is described in testdata/browser/README.md. Tokens are fake:
// HS256 JWTs signed with signingKey (shared with record.mjs) and API keys
// that contain EXAMPLE.
package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"math/big"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const (
	signingKey = "authtriage-browser-hs256-key-EXAMPLE-not-a-secret"
	appOrigin  = "https://app.example.com"
	apiAud     = "https://api.example.com"
	clientID   = "spa-web"
	scopes     = "openid read:orders read:invoices read:users write:charges"
)

type server struct {
	mu      sync.Mutex
	n       int
	seen    []string          // "METHOD host/path?query" of every request, for the recorder's checks
	revoked map[string]bool   // access token jti
	refresh map[string]string // live refresh token -> jti of the access token issued with it
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8443", "listen address (loopback only)")
	flag.Parse()
	if h, _, err := net.SplitHostPort(*addr); err != nil || !net.ParseIP(h).IsLoopback() {
		log.Fatalf("refusing to listen on %q: loopback addresses only", *addr)
	}
	s := &server{revoked: map[string]bool{"at-revoked-0099": true}, refresh: map[string]string{}}
	srv := &http.Server{Addr: *addr, Handler: s, TLSConfig: &tls.Config{Certificates: []tls.Certificate{selfSigned()}},
		ReadHeaderTimeout: 10 * time.Second}
	log.Printf("listening on https://%s", *addr)
	log.Fatal(srv.ListenAndServeTLS("", ""))
}

// selfSigned makes a throwaway certificate for the fake host names; the
// browser runs with certificate errors ignored, so only its names matter.
func selfSigned() tls.Certificate {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		log.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "authtriage browser captures"},
		DNSNames: []string{"app.example.com", "api.example.com", "api2.example.net", "api.sandbox.example.com",
			"auth.example.com", "cdn.other.example"},
		NotBefore:   time.Now().Add(-time.Hour),
		NotAfter:    time.Now().Add(24 * time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		log.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.n++
	n := s.n
	s.mu.Unlock()
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	log.Printf("%s %s %s%s authz=%.24q origin=%q", r.Proto, r.Method, host, r.URL.RequestURI(), r.Header.Get("Authorization"), r.Header.Get("Origin"))
	if host == "control.test" {
		// The recorder (not the browser) reads what the server saw, to
		// check for example that a blocked request never arrived.
		s.mu.Lock()
		seen := append([]string{}, s.seen...)
		s.mu.Unlock()
		writeJSON(w, 200, seen)
		return
	}
	s.mu.Lock()
	s.seen = append(s.seen, fmt.Sprintf("%s %s%s authorization=%t", r.Method, host, r.URL.RequestURI(), r.Header.Get("Authorization") != ""))
	s.mu.Unlock()
	w.Header().Set("X-Request-Id", fmt.Sprintf("req_%06d", 730000+n))
	switch host {
	case "app.example.com":
		s.app(w, r)
	case "cdn.other.example":
		s.cdn(w, r)
	case "auth.example.com":
		s.cors(w, r, false)
		if r.Method == http.MethodOptions {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		if r.URL.Path == "/oauth/token" && r.Method == http.MethodPost {
			s.token(w, r)
			return
		}
		writeJSON(w, 404, map[string]any{"error": "not_found"})
	case "api.example.com", "api2.example.net", "api.sandbox.example.com":
		s.api(w, r, host)
	default:
		writeJSON(w, 404, map[string]any{"error": "unknown host"})
	}
}

const appHTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Acme Billing</title>
<link rel="icon" href="data:,">
<script src="https://cdn.other.example/lib/acme-fetch.min.js"></script>
<script src="/static/app.js" defer></script>
</head>
<body><h1>Acme Billing</h1><main id="out">loading…</main></body>
</html>
`

const appJS = `// Acme Billing SPA (authtriage browser captures)
window.App = { api: "https://api.example.com", auth: "https://auth.example.com", ready: true };
document.getElementById("out").textContent = "ready";
`

const cdnJS = `/* acme-fetch 1.4.2 */ window.acmeFetch = (u, o) => fetch(u, o);
`

func (s *server) app(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/":
		if _, err := r.Cookie("sid"); err != nil {
			http.SetCookie(w, &http.Cookie{Name: "sid", Value: "sess_EXAMPLE7d1c0e9a4b52f8", Path: "/",
				Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode})
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		fmt.Fprint(w, appHTML)
	case "/static/app.js":
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		fmt.Fprint(w, appJS)
	case "/callback":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<!doctype html><title>signed in</title>")
	default:
		http.NotFound(w, r)
	}
}

func (s *server) cdn(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/lib/acme-fetch.min.js" {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	fmt.Fprint(w, cdnJS)
}

// cors adds the CORS response headers for the SPA's origin. The redirected
// request of the redirect scenario arrives with Origin: null (a tainted
// origin after a cross-origin redirect), which api2 allows with "*".
func (s *server) cors(w http.ResponseWriter, r *http.Request, preflightMaxAge bool) {
	o := r.Header.Get("Origin")
	switch o {
	case appOrigin:
		w.Header().Set("Access-Control-Allow-Origin", o)
		w.Header().Add("Vary", "Origin")
	case "null":
		w.Header().Set("Access-Control-Allow-Origin", "*")
	default:
		return
	}
	w.Header().Set("Access-Control-Expose-Headers", "WWW-Authenticate, X-Request-Id")
	if r.Method == http.MethodOptions {
		w.Header().Set("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS")
		w.Header().Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
		if preflightMaxAge {
			w.Header().Set("Access-Control-Max-Age", "600")
		}
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

func token68(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', strings.ContainsRune("-._~+/", c):
		case c == '=' && strings.Trim(s[i:], "=") == "":
		default:
			return false
		}
	}
	return true
}

func (s *server) api(w http.ResponseWriter, r *http.Request, host string) {
	// The export service sits behind a gateway whose auth filter runs before
	// CORS: it answers the preflight itself, with 401 and no CORS headers.
	if r.Method == http.MethodOptions && strings.HasPrefix(r.URL.Path, "/v2/exports") {
		challenge(w, 401, "", "Authentication required", "")
		return
	}
	s.cors(w, r, true)
	if r.Method == http.MethodOptions {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	// Files moved to the storage API on another origin.
	if host == "api.example.com" && strings.HasPrefix(r.URL.Path, "/v1/files/") {
		w.Header().Set("Location", "https://api2.example.net"+r.URL.RequestURI())
		w.WriteHeader(http.StatusTemporaryRedirect)
		return
	}
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
		challenge(w, 401, "", "This API accepts Bearer tokens only.", "")
		return
	}
	if !token68(tok) {
		challenge(w, 401, "invalid_token", "The access token is malformed", "")
		return
	}
	if strings.HasPrefix(tok, "sk_") {
		sandbox := host == "api.sandbox.example.com"
		switch {
		case strings.HasPrefix(tok, "sk_test_") && !sandbox:
			challenge(w, 401, "invalid_token", "A test mode API key was used against the live API", "")
		case strings.HasPrefix(tok, "sk_live_") && sandbox:
			challenge(w, 401, "invalid_token", "A live mode API key was used against the sandbox API", "")
		default:
			writeJSON(w, 200, map[string]any{"object": "balance", "livemode": !sandbox, "available": []any{map[string]any{"amount": 125000, "currency": "usd"}}})
		}
		return
	}
	if host == "api.sandbox.example.com" {
		challenge(w, 401, "invalid_token", "The access token is invalid", "")
		return
	}
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(tok, claims, func(*jwt.Token) (any, error) { return []byte(signingKey), nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithIssuedAt(), jwt.WithLeeway(30*time.Second), jwt.WithAudience(apiAud))
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
	case strings.HasPrefix(p, "/v1/charges"):
		need = "write:charges"
	}
	if sc, _ := claims["scope"].(string); !hasWord(sc, need) {
		challenge(w, 403, "insufficient_scope", "The request requires higher privileges than provided by the access token", need)
		return
	}
	switch {
	case r.URL.Path == "/v1/me":
		writeJSON(w, 200, map[string]any{"id": claims["sub"], "name": "Alice Example"})
	case strings.HasPrefix(r.URL.Path, "/v1/files/"):
		writeJSON(w, 200, map[string]any{"id": strings.TrimPrefix(r.URL.Path, "/v1/files/"), "size": 48213, "content_type": "application/pdf"})
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

// issue signs an access token and a refresh token for a new session.
func (s *server) issue() (access, refresh string) {
	s.mu.Lock()
	s.n++
	n := s.n
	s.mu.Unlock()
	now := time.Now()
	jti := fmt.Sprintf("at-%04d", n)
	access, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"iss": "https://auth.example.com/", "sub": "user-1234", "aud": apiAud, "client_id": clientID,
		"scope": scopes, "jti": jti, "iat": now.Unix(), "exp": now.Add(15 * time.Minute).Unix(),
	}).SignedString([]byte(signingKey))
	if err != nil {
		panic(err)
	}
	refresh = fmt.Sprintf("rt_EXAMPLE%026x", uint64(now.UnixNano())+uint64(n))
	s.mu.Lock()
	s.refresh[refresh] = jti
	s.mu.Unlock()
	return access, refresh
}

func (s *server) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeJSON(w, 400, map[string]any{"error": "invalid_request"})
		return
	}
	if r.PostForm.Get("client_id") != clientID {
		w.Header().Set("WWW-Authenticate", `Basic realm="oauth"`)
		writeJSON(w, 401, map[string]any{"error": "invalid_client", "error_description": "Client authentication failed: unknown client_id"})
		return
	}
	switch r.PostForm.Get("grant_type") {
	case "authorization_code":
		access, refresh := s.issue()
		writeJSON(w, 200, map[string]any{"access_token": access, "token_type": "Bearer", "expires_in": 900, "refresh_token": refresh, "scope": scopes})
	case "refresh_token":
		rt := r.PostForm.Get("refresh_token")
		s.mu.Lock()
		oldJTI, ok := s.refresh[rt]
		if ok {
			// Rotation: the refresh token is single-use and the access
			// token issued with it is revoked.
			delete(s.refresh, rt)
			s.revoked[oldJTI] = true
		}
		s.mu.Unlock()
		if !ok {
			writeJSON(w, 400, map[string]any{"error": "invalid_grant", "error_description": "The refresh token is invalid, expired or revoked"})
			return
		}
		access, refresh := s.issue()
		writeJSON(w, 200, map[string]any{"access_token": access, "token_type": "Bearer", "expires_in": 900, "refresh_token": refresh, "scope": scopes})
	default:
		writeJSON(w, 400, map[string]any{"error": "unsupported_grant_type"})
	}
}
