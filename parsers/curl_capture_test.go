package parsers

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// This file records real curl transcripts for testdata/curl/real-*.txt:
//
//	go test ./parsers -run TestCaptureCurl -curl-capture
//
// It needs a curl binary (Debian 12: curl 7.88.1) and python3 (libcurl
// through ctypes, for libcurl's built-in verbose output). Everything runs on
// loopback: the servers below, reached through curl's connect-to option in
// a private .curlrc so the transcripts show the corpus host names.
// testdata/curl/PROVENANCE.md lists each file with its command.

var curlCapture = flag.Bool("curl-capture", false, "record testdata/curl/real-*.txt with the local curl")

type curlCaptureEnv struct {
	dir, curlHome, ca string
	proxyHome         string // a .curlrc without connect-to: the proxy resolves names
	tlsPort, h2cPort  string
	proxyPort         string
	tokens            map[string]string
}

func TestCaptureCurl(t *testing.T) {
	if !*curlCapture {
		t.Skip("run with -curl-capture to record transcripts")
	}
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("no curl binary")
	}
	env := startCurlCaptureServers(t)
	exp, val := env.tokens["EXPIRED_JWT"], env.tokens["VALID_JWT"]
	skLive := "sk_live_51EXAMPLEz9y8x7w6v5u4t3s2r1q0pOnMlKjIhGf3kWd"
	proxy := "http://127.0.0.1:" + env.proxyPort
	for _, c := range []struct {
		name, cmd string
		prompt    bool // prepend "$ cmd" as a user pasting it would
		viaProxy  bool
	}{
		{"real-v-pipe-h1_curl7", `curl -v -H "Authorization: Bearer ` + exp + `" http://api.example.com/v1/me`, false, false},
		{"real-v-pipe-h2_curl7", `curl -v -H "Authorization: Bearer ` + exp + `" https://api.example.com/v1/me`, false, false},
		{"real-iv-pipe_curl7", `curl -iv -H "Authorization: Bearer ` + exp + `" https://api.example.com/v1/me`, true, false},
		{"real-v-trace-time_curl7", `curl -v -s --trace-time -H "Authorization: Bearer ` + exp + `" https://api.example.com/v1/me`, true, false},
		{"real-trace-ascii-trace-time_curl7", `curl -s --trace-ascii % --trace-time -H "Authorization: Bearer ` + exp + `" -o /dev/null https://api.example.com/v1/me`, false, false},
		{"real-trace-hex-h2-post_curl7", `curl -s --trace - -d "client_id=billing-app&client_secret=cs_EXAMPLE_4f9d2b7e1a6c8d0e&grant_type=client_credentials" https://api.example.com/oauth/token`, false, false},
		{"real-100-continue_curl7", `curl -v -s -H "Expect: 100-continue" --json '{"client_id":"billing-app","client_secret":"cs_EXAMPLE_4f9d2b7e1a6c8d0e","grant_type":"client_credentials"}' http://api.example.com/oauth/token`, true, false},
		{"real-L-i-only-drops-auth_curl7", `curl -s -i -L -H "Authorization: Bearer ` + val + `" https://api.example.com/old/me`, true, false},
		{"real-proxy-connect-407_curl7", `curl -v -s -x ` + proxy + ` -U proxyuser:wrong-pass https://api.example.com/v1/me`, true, true},
		{"real-proxy-plain-http_curl7", `curl -v -s -x ` + proxy + ` -U proxyuser:proxy-pass -H "Authorization: Bearer ` + exp + `" http://api.example.com/v1/me`, true, true},
		{"real-proxy-connect-ok_curl7", `curl -v -s -x ` + proxy + ` -U proxyuser:proxy-pass -H "Authorization: Bearer ` + val + `" https://api.example.com/v1/me https://api.example.com/v1/admin/users`, true, true},
		{"real-form-F-multipart_curl7", `curl -v -s -F "grant_type=client_credentials" -F "client_secret=cs_EXAMPLE_4f9d2b7e1a6c8d0e" http://api.example.com/oauth/token`, true, false},
		{"real-G-data-urlencode_curl7", `curl -v -s -G --data-urlencode "access_token=` + exp + `" https://api.example.com/v1/me`, true, false},
		{"real-connection-refused_curl7", `curl -v http://127.0.0.1:1/v1/me`, true, false},
		{"real-fail-two-urls_curl7", `curl -sS --fail -H "X-Api-Key: ` + skLive + `" https://api.example.com/v1/me https://api.example.com/v1/admin/users`, true, false},
		{"real-write-out-two-urls_curl7", `curl -s -o /dev/null -w '%{http_code}\n' -H "Authorization: Bearer ` + val + `" https://api.example.com/v1/me https://api.example.com/v1/admin/users`, true, false},
		{"real-v-L-post-303_curl7", `curl -v -s -L -d "access_token=` + val + `" http://api.example.com/v1/submit`, true, false},
	} {
		home := env.curlHome
		if c.viaProxy {
			home = env.proxyHome
		}
		out := env.run(t, c.cmd, home)
		if c.prompt {
			out = append([]byte("$ "+c.cmd+"\n"), out...)
		}
		writeCurlCapture(t, c.name, out)
	}
	writeCurlCapture(t, "real-libcurl-verbose_python", env.libcurlVerbose(t, val))
}

func writeCurlCapture(t *testing.T, name string, b []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join("testdata", "curl", name+".txt"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s (%d bytes)", name, len(b))
}

// run runs a shell command as "cmd > file 2>&1" would: curl sees a pipe.
func (e *curlCaptureEnv) run(t *testing.T, cmd, curlHome string) []byte {
	t.Helper()
	c := exec.Command("bash", "-c", cmd)
	c.Dir = e.dir
	c.Env = []string{"HOME=" + e.dir, "PATH=/usr/local/bin:/usr/bin:/bin", "CURL_HOME=" + curlHome}
	var buf bytes.Buffer
	c.Stdout, c.Stderr = &buf, &buf
	_ = c.Run() // curl's exit status is part of the transcript
	return buf.Bytes()
}

// libcurlVerbose runs libcurl with CURLOPT_VERBOSE and no debug callback,
// as PHP and other embedders do: only the first request line gets "> ".
func (e *curlCaptureEnv) libcurlVerbose(t *testing.T, token string) []byte {
	script := fmt.Sprintf(`
import ctypes
c = ctypes.CDLL("libcurl.so.4")
c.curl_easy_init.restype = ctypes.c_void_p
c.curl_slist_append.restype = ctypes.c_void_p
c.curl_slist_append.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
c.curl_easy_setopt.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p]
c.curl_easy_perform.argtypes = [ctypes.c_void_p]
h = c.curl_easy_init()
hdr = c.curl_slist_append(None, b"Authorization: Bearer %s")
hdr = c.curl_slist_append(hdr, b"User-Agent: codeigniter/4.2")
ct = c.curl_slist_append(None, b"api.example.com:443:127.0.0.1:%s")
c.curl_easy_setopt(h, 10002, b"https://api.example.com/v1/admin/users")
c.curl_easy_setopt(h, 41, 1)
c.curl_easy_setopt(h, 10023, hdr)
c.curl_easy_setopt(h, 10243, ct)
c.curl_easy_setopt(h, 10065, b"%s")
c.curl_easy_perform(h)
`, token, e.tlsPort, e.ca)
	c := exec.Command("python3", "-c", script)
	c.Dir = e.dir
	var buf bytes.Buffer
	c.Stdout, c.Stderr = &buf, &buf
	if err := c.Run(); err != nil {
		t.Fatalf("python3 libcurl: %v\n%s", err, buf.Bytes())
	}
	return buf.Bytes()
}

func startCurlCaptureServers(t *testing.T) *curlCaptureEnv {
	t.Helper()
	dir := t.TempDir()
	e := &curlCaptureEnv{dir: dir, curlHome: filepath.Join(dir, "curlhome"), tokens: curlTokens(t)}
	caPEM, cert := curlTestCerts(t)
	e.ca = filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(e.ca, caPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	h := curlCaptureHandler(e.tokens)

	ts := httptest.NewUnstartedServer(h)
	ts.EnableHTTP2 = true
	ts.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	ts.StartTLS()
	t.Cleanup(ts.Close)
	_, e.tlsPort, _ = net.SplitHostPort(ts.Listener.Addr().String())

	p := new(http.Protocols)
	p.SetHTTP1(true)
	p.SetUnencryptedHTTP2(true)
	hs := httptest.NewUnstartedServer(h)
	hs.Config.Protocols = p
	hs.Start()
	t.Cleanup(hs.Close)
	_, e.h2cPort, _ = net.SplitHostPort(hs.Listener.Addr().String())

	targets := map[string]string{}
	for _, name := range []string{"api.example.com", "auth.example.com", "api.sandbox.example.com"} {
		targets[name+":443"] = "127.0.0.1:" + e.tlsPort
		targets[name+":80"] = "127.0.0.1:" + e.h2cPort
	}
	ps := httptest.NewServer(curlCaptureProxy(targets))
	t.Cleanup(ps.Close)
	_, e.proxyPort, _ = net.SplitHostPort(ps.Listener.Addr().String())

	var rc strings.Builder
	rc.WriteString("# test-only: map the corpus host names to loopback servers\n")
	for from, to := range targets {
		host, port, _ := net.SplitHostPort(from)
		_, toPort, _ := net.SplitHostPort(to)
		fmt.Fprintf(&rc, "connect-to = %s:%s:127.0.0.1:%s\n", host, port, toPort)
	}
	fmt.Fprintf(&rc, "cacert = %s\n", e.ca)
	if err := os.MkdirAll(e.curlHome, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(e.curlHome, ".curlrc"), []byte(rc.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	e.proxyHome = filepath.Join(dir, "proxyhome")
	if err := os.MkdirAll(e.proxyHome, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(e.proxyHome, ".curlrc"), []byte("cacert = "+e.ca+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return e
}

// curlTestCerts makes a throwaway CA and a leaf for the corpus host names.
func curlTestCerts(t *testing.T) ([]byte, tls.Certificate) {
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Example Test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour), IsCA: true,
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "api.example.com"},
		DNSNames:    []string{"api.example.com", "auth.example.com", "api.sandbox.example.com", "localhost"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:   time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// curlCaptureHandler is a small fake API with the corpus server's behaviour.
func curlCaptureHandler(tokens map[string]string) http.Handler {
	writeJSON := func(w http.ResponseWriter, code int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		b, _ := json.Marshal(v)
		w.Write(append(b, '\n'))
	}
	bearer := func(w http.ResponseWriter, r *http.Request) bool {
		h := r.Header.Get("Authorization")
		if h == "" {
			h = "Bearer " + r.URL.Query().Get("access_token")
		}
		switch strings.TrimPrefix(h, "Bearer ") {
		case "":
			w.Header().Set("WWW-Authenticate", `Bearer realm="api.example.com"`)
			writeJSON(w, 401, map[string]string{"error": "unauthorized", "message": "Missing Authorization header"})
			return false
		case tokens["VALID_JWT"], tokens["ADMIN_JWT"]:
			return true
		case tokens["EXPIRED_JWT"]:
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="The access token expired"`)
			writeJSON(w, 401, map[string]string{"error": "invalid_token", "error_description": "The access token expired"})
			return false
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="api.example.com", error="invalid_token"`)
		writeJSON(w, 401, map[string]string{"error": "invalid_token"})
		return false
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", fmt.Sprintf("req-%d", time.Now().UnixNano()%1000000))
		switch r.URL.Path {
		case "/v1/me":
			if bearer(w, r) {
				writeJSON(w, 200, map[string]string{"id": "user-1234", "email": "alice@example.com"})
			}
		case "/v1/admin/users":
			if bearer(w, r) {
				w.Header().Set("WWW-Authenticate", `Bearer error="insufficient_scope", scope="admin:users"`)
				writeJSON(w, 403, map[string]string{"error": "insufficient_scope", "required_scope": "admin:users"})
			}
		case "/old/me":
			w.Header().Set("Location", "https://auth.example.com/v1/me")
			w.WriteHeader(302)
			io.WriteString(w, "Moved\n")
		case "/v1/submit":
			io.Copy(io.Discard, r.Body)
			w.Header().Set("Location", "/v1/me")
			w.WriteHeader(303)
		case "/oauth/token":
			body, _ := io.ReadAll(r.Body) // reading sends "100 Continue" when asked
			if !bytes.Contains(body, []byte("client_id")) {
				w.Header().Set("WWW-Authenticate", `Basic realm="oauth"`)
				writeJSON(w, 401, map[string]string{"error": "invalid_client", "error_description": "Client authentication failed"})
				return
			}
			writeJSON(w, 200, map[string]any{"access_token": tokens["EXPIRED_JWT"], "token_type": "Bearer", "expires_in": 3600})
		default:
			writeJSON(w, 404, map[string]string{"error": "not_found"})
		}
	})
}

// curlCaptureProxy is a forward proxy (absolute-form requests and CONNECT) that
// wants Basic proxyuser:proxy-pass and maps the corpus names to loopback.
func curlCaptureProxy(targets map[string]string) http.Handler {
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte("proxyuser:proxy-pass"))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Proxy-Authorization") != want {
			w.Header().Set("Proxy-Authenticate", `Basic realm="proxy"`)
			http.Error(w, "proxy authentication required", http.StatusProxyAuthRequired)
			return
		}
		host := r.Host
		if !strings.Contains(host, ":") {
			host += ":80"
		}
		dst, ok := targets[host]
		if !ok {
			http.Error(w, "unknown host", http.StatusBadGateway)
			return
		}
		if r.Method != http.MethodConnect {
			out, _ := http.NewRequest(r.Method, "http://"+dst+r.URL.RequestURI(), r.Body)
			out.Host = r.Host
			for k, v := range r.Header {
				if !strings.HasPrefix(strings.ToLower(k), "proxy-") {
					out.Header[k] = v
				}
			}
			resp, err := http.DefaultTransport.RoundTrip(out)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
			defer resp.Body.Close()
			for k, v := range resp.Header {
				w.Header()[k] = v
			}
			w.WriteHeader(resp.StatusCode)
			io.Copy(w, resp.Body)
			return
		}
		upstream, err := net.Dial("tcp", dst)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		c, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			upstream.Close()
			return
		}
		c.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n"))
		var wg sync.WaitGroup
		wg.Add(2)
		go func() {
			defer wg.Done()
			if n := buf.Reader.Buffered(); n > 0 {
				b, _ := buf.Peek(n)
				upstream.Write(b)
			}
			io.Copy(upstream, c)
			upstream.(*net.TCPConn).CloseWrite()
		}()
		go func() {
			defer wg.Done()
			io.Copy(c, upstream)
			c.(*net.TCPConn).CloseWrite()
		}()
		wg.Wait()
		c.Close()
		upstream.Close()
	})
}

var curlDerive = flag.Bool("curl-derive", false, "rewrite testdata/curl/derived-*.txt from the real captures")

// TestDeriveCurl makes the paste variants users produce from real captures:
// indented, fenced, CRLF re-saved, a Windows prompt, continued command lines.
//
//	go test ./parsers -run TestDeriveCurl -curl-derive
func TestDeriveCurl(t *testing.T) {
	if !*curlDerive {
		t.Skip("run with -curl-derive to rewrite derived transcripts")
	}
	read := func(name string) []string {
		b, err := os.ReadFile(filepath.Join("testdata", "curl", name))
		if err != nil {
			t.Fatal(err)
		}
		return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	}
	join := func(lines []string, eol string) []byte { return []byte(strings.Join(lines, eol) + eol) }

	// A forum post: prose, the transcript indented four spaces, CRLF.
	var post []string
	post = append(post, "I get a 401 from the API, here is the output:", "")
	for _, l := range read("h2-expired-jwt_curl8.txt") {
		post = append(post, "    "+l)
	}
	post = append(post, "", "What am I doing wrong?")
	writeCurlCapture(t, "derived-indented-crlf-post_curl8", join(post, "\r\n"))

	// A GitHub issue: a fenced block between prose.
	issue := []string{"### Steps to reproduce", "", "```console"}
	issue = append(issue, read("h1-redirect-L-basic-dropped_curl7.txt")...)
	issue = append(issue, "```", "", "The second request has no Authorization header.")
	writeCurlCapture(t, "derived-fenced-issue_curl7", join(issue, "\n"))

	// cmd.exe: a Windows prompt instead of "$ ", CRLF throughout.
	win := read("h1-expired-jwt_curl7.txt")
	win[0] = `C:\Users\dev>` + strings.TrimPrefix(win[0], "$ ")
	writeCurlCapture(t, "derived-windows-prompt-crlf_curl7", join(win, "\r\n"))

	// A pipe capture re-saved with CRLF: "> " lines end in CR CR LF.
	pipe := read("real-v-pipe-h1_curl7.txt")
	writeCurlCapture(t, "derived-pipe-resaved-crlf_curl7", join(pipe, "\r\n"))

	// A command written over several lines with "\" continuations.
	multi := read("h2-two-urls-reuse_curl8.txt")
	cmd := multi[0]
	i := strings.Index(cmd, ` -H "`)
	j := strings.Index(cmd, `" https://`)
	k := strings.LastIndex(cmd, " https://")
	lines := []string{cmd[:i] + ` \`, "  " + cmd[i+1:j+1] + ` \`, "  " + cmd[j+2:k] + ` \`, "  " + cmd[k+1:]}
	writeCurlCapture(t, "derived-continued-command_curl8", join(append(lines, multi[1:]...), "\n"))
}
