package parsers

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// curlTokens are the fake credentials of testdata/curl/test-tokens.env.
func curlTokens(t testing.TB) map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "curl", "test-tokens.env"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok {
			m[k] = v
		}
	}
	return m
}

type curlRead struct {
	recs   []*Record
	errs   []error
	schema string
}

func readCurl(t testing.TB, name string, data []byte, o Options) curlRead {
	t.Helper()
	r, err := NewCurlReader(bytes.NewReader(data), name, o)
	if err != nil {
		t.Fatal(err)
	}
	var out curlRead
	for i := 0; ; i++ {
		if i > 100000 {
			t.Fatalf("%s: reader does not end", name)
		}
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			out.errs = append(out.errs, err)
		}
		if rec != nil {
			out.recs = append(out.recs, rec)
		}
	}
	out.schema = r.Schema()
	return out
}

func readCurlFile(t testing.TB, name string) curlRead {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "curl", name))
	if err != nil {
		t.Fatal(err)
	}
	return readCurl(t, name, b, Options{})
}

type wantEx struct {
	method, url string
	status      int
}

// TestCurlCorpus lists, for every transcript in testdata/curl, the exchanges
// its command (PROVENANCE.md) produced: method, URL and final status. The
// URLs are written raw, as in the command, and compared in their redacted
// rendering.
func TestCurlCorpus(t *testing.T) {
	tok := curlTokens(t)
	const api, apiS, auth = "http://api.example.com", "https://api.example.com", "https://auth.example.com"
	get := func(u string, st int) wantEx { return wantEx{"GET", u, st} }
	cases := map[string]struct {
		want   []wantEx
		schema string
		errs   int
	}{
		// corpus/curl (PROVENANCE.md in /work/shared, copied here)
		"fail-flag_curl7.txt":                               {[]wantEx{get(apiS+"/v1/me", 401)}, "curl7", 0},
		"fail-flag_curl8.txt":                               {[]wantEx{get(apiS+"/v1/me", 401)}, "curl", 0},
		"h1-basic-ok_curl8.txt":                             {[]wantEx{get(api+"/basic", 200)}, "curl8", 0},
		"h1-basic-wrong-pass_curl7.txt":                     {[]wantEx{get(api+"/basic", 401)}, "curl7", 0},
		"h1-bearer-twice_curl7.txt":                         {[]wantEx{get(api+"/v1/me", 401)}, "curl7", 0},
		"h1-client-secret-post_token-in-response_curl8.txt": {[]wantEx{{"POST", api + "/oauth/token", 200}}, "curl8", 0},
		"h1-cookie-session_curl7.txt":                       {[]wantEx{get(api+"/v1/me", 401)}, "curl7", 0},
		"h1-empty-bearer-unset-var_curl7.txt":               {[]wantEx{get(api+"/v1/me", 401)}, "curl7", 0},
		"h1-expired-jwt_curl7.txt":                          {[]wantEx{get(api+"/v1/me", 401)}, "curl7", 0},
		"h1-expired-jwt_curl8.txt":                          {[]wantEx{get(api+"/v1/me", 401)}, "curl8", 0},
		"h1-h2c-upgrade-ignored_curl7.txt":                  {[]wantEx{get(api+"/v1/me", 401)}, "curl7", 0},
		"h1-i-only_curl7.txt":                               {[]wantEx{get(api+"/v1/me", 401)}, "curl", 0},
		"h1-iv_curl7.txt":                                   {[]wantEx{get(api+"/v1/me", 401)}, "curl7", 0},
		"h1-missing-auth_curl7.txt":                         {[]wantEx{get(api+"/v1/me", 401)}, "curl7", 0},
		"h1-missing-auth_curl8.txt":                         {[]wantEx{get(api+"/v1/me", 401)}, "curl8", 0},
		"h1-no-scheme_curl7.txt":                            {[]wantEx{get(api+"/v1/me", 401)}, "curl7", 0},
		"h1-redirect-L-basic-dropped_curl7.txt":             {[]wantEx{get(api+"/old/me-http", 302), get("http://auth.example.com/v1/me", 401)}, "curl7", 0},
		"h1-token-in-form-body_curl8.txt":                   {[]wantEx{{"POST", api + "/v1/charges", 401}}, "curl8", 0},
		"h1-token-in-json-body_curl7.txt":                   {[]wantEx{{"POST", api + "/v1/charges", 401}}, "curl7", 0},
		"h11-over-tls_curl7.txt":                            {[]wantEx{get(apiS+"/v1/me", 401)}, "curl7", 0},
		"h2-expired-jwt_curl7.txt":                          {[]wantEx{get(apiS+"/v1/me", 401)}, "curl7", 0},
		"h2-expired-jwt_curl8.txt":                          {[]wantEx{get(apiS+"/v1/me", 401)}, "curl8", 0},
		"h2-head-I_curl7.txt":                               {[]wantEx{{"HEAD", apiS + "/v1/me", 401}}, "curl", 0},
		"h2-i-only_curl8.txt":                               {[]wantEx{get(apiS+"/v1/me", 401)}, "curl", 0},
		"h2-insufficient-scope-403_curl8.txt":               {[]wantEx{get(apiS+"/v1/admin/users", 403)}, "curl8", 0},
		"h2-oauth2-bearer-flag_curl7.txt":                   {[]wantEx{get(apiS+"/v1/me", 401)}, "curl7", 0},
		"h2-query-string-token_curl8.txt":                   {[]wantEx{get(apiS+"/v1/me?access_token="+tok["EXPIRED_JWT"], 401)}, "curl8", 0},
		"h2-redirect-L-cross-host-drops-auth_curl7.txt":     {[]wantEx{get(apiS+"/old/me", 302), get(auth+"/v1/me", 401)}, "curl7", 0},
		"h2-redirect-L-cross-host-drops-auth_curl8.txt":     {[]wantEx{get(apiS+"/old/me", 302), get(auth+"/v1/me", 401)}, "curl8", 0},
		"h2-redirect-location-trusted_curl8.txt":            {[]wantEx{get(apiS+"/old/me", 302), get(auth+"/v1/me", 200)}, "curl8", 0},
		"h2-redirect-no-L_curl7.txt":                        {[]wantEx{get(apiS+"/old/me", 302)}, "curl7", 0},
		"h2-sandbox-key-on-prod_curl8.txt":                  {[]wantEx{get(apiS+"/v1/me", 401)}, "curl8", 0},
		"h2-sandbox-key-on-sandbox-host_curl8.txt":          {[]wantEx{get("https://api.sandbox.example.com/v1/me", 200)}, "curl8", 0},
		"h2-two-urls-reuse_curl8.txt":                       {[]wantEx{get(apiS+"/v1/me", 200), get(apiS+"/v1/admin/users", 403)}, "curl8", 0},
		"h2c-prior-knowledge_curl7.txt":                     {[]wantEx{get(api+"/v1/me", 401)}, "curl7", 0},
		"proxy-connect_curl7.txt":                           {[]wantEx{get(apiS+"/v1/me", 401)}, "curl7", 0},
		"proxy-connect_curl8.txt":                           {[]wantEx{get(apiS+"/v1/me", 401)}, "curl8", 0},
		"trace-ascii_curl7_stdout.txt":                      {[]wantEx{get(apiS+"/v1/me", 401)}, "curl7", 0},
		"trace-ascii_curl7_tofile.txt":                      {[]wantEx{get(apiS+"/v1/me", 401)}, "curl7", 0},
		"trace-hex_curl7_stdout.txt":                        {[]wantEx{get(api+"/v1/me", 401)}, "curl7", 0},
		"write-out-status_curl8.txt":                        {[]wantEx{get(apiS+"/v1/me", 401)}, "curl", 0},

		// real captures made here (PROVENANCE.md beside them)
		"real-100-continue_curl7.txt":           {[]wantEx{{"POST", api + "/oauth/token", 200}}, "curl7", 0},
		"real-G-data-urlencode_curl7.txt":       {[]wantEx{get(apiS+"/v1/me?access_token="+tok["EXPIRED_JWT"], 401)}, "curl7", 0},
		"real-L-i-only-drops-auth_curl7.txt":    {[]wantEx{get(apiS+"/old/me", 302), get(auth+"/v1/me", 401)}, "curl", 0},
		"real-connection-refused_curl7.txt":     {[]wantEx{get("http://127.0.0.1:1/v1/me", 0)}, "curl", 0},
		"real-fail-two-urls_curl7.txt":          {[]wantEx{get(apiS+"/v1/me", 401), get(apiS+"/v1/admin/users", 401)}, "curl", 0},
		"real-form-F-multipart_curl7.txt":       {[]wantEx{{"POST", api + "/oauth/token", 401}}, "curl7", 0},
		"real-iv-pipe_curl7.txt":                {[]wantEx{get(apiS+"/v1/me", 401)}, "curl7", 0},
		"real-libcurl-verbose_python.txt":       {[]wantEx{get(apiS+"/v1/admin/users", 403)}, "curl", 0},
		"real-proxy-connect-407_curl7.txt":      {[]wantEx{get(apiS+"/v1/me", 0)}, "curl7", 0},
		"real-proxy-connect-ok_curl7.txt":       {[]wantEx{get(apiS+"/v1/me", 200), get(apiS+"/v1/admin/users", 403)}, "curl7", 0},
		"real-proxy-plain-http_curl7.txt":       {[]wantEx{get(api+"/v1/me", 401)}, "curl7", 0},
		"real-trace-ascii-trace-time_curl7.txt": {[]wantEx{get(apiS+"/v1/me", 401)}, "curl7", 0},
		"real-trace-hex-h2-post_curl7.txt":      {[]wantEx{{"POST", apiS + "/oauth/token", 200}}, "curl7", 0},
		"real-v-L-post-303_curl7.txt":           {[]wantEx{{"POST", api + "/v1/submit", 303}, get(api+"/v1/me", 401)}, "curl7", 0},
		"real-v-pipe-h1_curl7.txt":              {[]wantEx{get(api+"/v1/me", 401)}, "curl7", 0},
		"real-v-pipe-h2_curl7.txt":              {[]wantEx{get(apiS+"/v1/me", 401)}, "curl7", 0},
		"real-v-trace-time_curl7.txt":           {[]wantEx{get(apiS+"/v1/me", 401)}, "curl7", 0},
		"real-write-out-two-urls_curl7.txt":     {[]wantEx{get(apiS+"/v1/me", 200), get(apiS+"/v1/admin/users", 403)}, "curl", 0},

		// paste variants derived from real captures
		"derived-continued-command_curl8.txt":   {[]wantEx{get(apiS+"/v1/me", 200), get(apiS+"/v1/admin/users", 403)}, "curl8", 0},
		"derived-fenced-issue_curl7.txt":        {[]wantEx{get(api+"/old/me-http", 302), get("http://auth.example.com/v1/me", 401)}, "curl7", 0},
		"derived-indented-crlf-post_curl8.txt":  {[]wantEx{get(apiS+"/v1/me", 401)}, "curl8", 0},
		"derived-pipe-resaved-crlf_curl7.txt":   {[]wantEx{get(api+"/v1/me", 401)}, "curl7", 0},
		"derived-windows-prompt-crlf_curl7.txt": {[]wantEx{get(api+"/v1/me", 401)}, "curl7", 0},

		// hand-written for what curl 7.88 cannot print
		"synthetic-bare-headers-no-command.txt":  {nil, "curl", 1},
		"synthetic-digest-rounds_curl8.txt":      {[]wantEx{get(api+"/digest", 401), get(api+"/digest", 401)}, "curl8", 0},
		"synthetic-garbled_curl7.txt":            {[]wantEx{get(api+"/v1/items", 401)}, "curl7", 3},
		"synthetic-h3_curl8.txt":                 {[]wantEx{get(apiS+"/v1/me", 401)}, "curl8", 0},
		"synthetic-no-exchange.txt":              {nil, "curl", 0},
		"synthetic-trace-ascii-star_curl821.txt": {[]wantEx{get(apiS+"/v1/me", 401)}, "curl8", 0},
		"synthetic-trace-ids_curl8.txt":          {[]wantEx{get(apiS+"/v1/me", 401)}, "curl8", 0},
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "curl", "*.txt"))
	if len(files) == 0 {
		t.Fatal("no transcripts in testdata/curl")
	}
	exchanges := 0
	for _, f := range files {
		name := filepath.Base(f)
		c, ok := cases[name]
		if !ok {
			t.Errorf("%s: transcript has no expectations in TestCurlCorpus", name)
			continue
		}
		delete(cases, name)
		t.Run(name, func(t *testing.T) {
			got := readCurlFile(t, name)
			if len(got.errs) != c.errs {
				t.Errorf("errors: got %d %v, want %d", len(got.errs), got.errs, c.errs)
			}
			if got.schema != c.schema {
				t.Errorf("schema %q, want %q", got.schema, c.schema)
			}
			if len(got.recs) != len(c.want) {
				t.Fatalf("got %d exchanges %v, want %d", len(got.recs), curlSummarize(got.recs), len(c.want))
			}
			for i, w := range c.want {
				rec := got.recs[i]
				ex := rec.Exchange
				wantURL := ParseURL(w.url).String()
				if ex.Request.Method != w.method || ex.Request.URL.String() != wantURL || ex.Status() != w.status {
					t.Errorf("exchange %d: got %s %s %d, want %s %s %d", i, ex.Request.Method, ex.Request.URL.String(),
						ex.Status(), w.method, wantURL, w.status)
				}
				if rec.Source.Format != FormatCurl || rec.Source.Entry != -1 || rec.Source.Line < 1 || rec.Source.File != name || rec.Text != nil {
					t.Errorf("exchange %d: bad source %+v (text %d bytes)", i, rec.Source, len(rec.Text))
				}
			}
		})
		exchanges += len(c.want)
	}
	for name := range cases {
		t.Errorf("%s: expected transcript missing from testdata/curl", name)
	}
	t.Logf("%d transcripts, %d exchanges", len(files), exchanges)
}

func curlSummarize(recs []*Record) []string {
	var out []string
	for _, r := range recs {
		out = append(out, fmt.Sprintf("%s %s %d", r.Exchange.Request.Method, r.Exchange.Request.URL.String(), r.Exchange.Status()))
	}
	return out
}

func curlOnlyExchange(t *testing.T, name string) *Exchange {
	t.Helper()
	got := readCurlFile(t, name)
	if len(got.recs) != 1 {
		t.Fatalf("%s: %d exchanges", name, len(got.recs))
	}
	return got.recs[0].Exchange
}

func TestCurlSourcePosition(t *testing.T) {
	b, _ := os.ReadFile(filepath.Join("testdata", "curl", "h1-missing-auth_curl7.txt"))
	got := readCurlFile(t, "h1-missing-auth_curl7.txt")
	src := got.recs[0].Source
	if src.Line != 10 || !bytes.HasPrefix(b[src.Offset:], []byte("> GET /v1/me HTTP/1.1\n")) {
		t.Errorf("source %+v does not point at the request line", src)
	}
}

func TestCurlRedirectDropsAuthorization(t *testing.T) {
	for _, name := range []string{"h2-redirect-L-cross-host-drops-auth_curl7.txt", "h2-redirect-L-cross-host-drops-auth_curl8.txt",
		"h1-redirect-L-basic-dropped_curl7.txt", "real-L-i-only-drops-auth_curl7.txt"} {
		got := readCurlFile(t, name)
		hop1, hop2 := got.recs[0].Exchange, got.recs[1].Exchange
		if h, ok := hop1.Request.Headers.Get("Authorization"); !ok || !h.Sensitive() {
			t.Errorf("%s: hop 1 has no Authorization secret", name)
		}
		if hop2.Request.Headers.Has("Authorization") {
			t.Errorf("%s: hop 2 should have no Authorization", name)
		}
		if hop1.Extra(CurlExtraLocation) != "-L" || hop2.Extra(CurlExtraHop) != "2" || hop2.Extra(CurlExtraTransfer) != "1" {
			t.Errorf("%s: extras %v / %v", name, hop1.Extras, hop2.Extras)
		}
		if hop1.Response.RedirectURL == "" || hop1.Response.Date.IsZero() {
			t.Errorf("%s: hop 1 redirect %q date %v", name, hop1.Response.RedirectURL, hop1.Response.Date)
		}
		if !strings.HasPrefix(name, "real-L-i-only") && strings.Join(CurlHeadersNotSent(hop2), ",") != "Authorization" {
			t.Errorf("%s: not-sent %q", name, CurlHeadersNotSent(hop2))
		}
		if names := CurlCommandHeaderNames(hop2); len(names) != 1 || names[0] != "Authorization" {
			t.Errorf("%s: command headers %q", name, names)
		}
	}
	got := readCurlFile(t, "h2-redirect-location-trusted_curl8.txt")
	if hop2 := got.recs[1].Exchange; !hop2.Request.Headers.Has("Authorization") || hop2.Extra(CurlExtraLocationTrusted) != "1" ||
		hop2.Extra(CurlExtraHeadersNotSent) != "" {
		t.Errorf("--location-trusted hop 2: %v", hop2.Extras)
	}
}

func TestCurlRequestBodies(t *testing.T) {
	for _, c := range []struct {
		file, mime, field string
	}{
		{"h1-token-in-json-body_curl7.txt", "application/json", "api_key"},
		{"h1-token-in-form-body_curl8.txt", "application/x-www-form-urlencoded", "access_token"},
		{"h1-client-secret-post_token-in-response_curl8.txt", "application/x-www-form-urlencoded", "client_secret"},
		{"real-form-F-multipart_curl7.txt", "multipart/form-data", "client_secret"},
		{"real-100-continue_curl7.txt", "application/json", "client_secret"},
		{"real-trace-hex-h2-post_curl7.txt", "application/x-www-form-urlencoded", "client_secret"},
	} {
		ex := curlOnlyExchange(t, c.file)
		b := ex.Request.Body
		if !strings.HasPrefix(b.MimeType, c.mime) {
			t.Errorf("%s: mime %q, want %q", c.file, b.MimeType, c.mime)
		}
		if f, ok := b.Field(c.field); !ok || !f.Sensitive() {
			t.Errorf("%s: field %s missing or not a secret: %+v", c.file, c.field, b.Fields)
		}
		if ex.Partial.Has(NoRequestBody) {
			t.Errorf("%s: body marked missing", c.file)
		}
	}
	// The token endpoint's answer is parsed too.
	ex := curlOnlyExchange(t, "h1-client-secret-post_token-in-response_curl8.txt")
	if f, ok := ex.Response.Body.Field("access_token"); !ok || !f.Sensitive() {
		t.Errorf("response access_token field: %+v", ex.Response.Body.Fields)
	}
}

func TestCurlResponseBodies(t *testing.T) {
	const expired = `{"error":"invalid_token","error_description":"The access token expired"}`
	for _, name := range []string{"h1-iv_curl7.txt", "real-iv-pipe_curl7.txt", "real-v-pipe-h1_curl7.txt", "trace-ascii_curl7_stdout.txt",
		"trace-ascii_curl7_tofile.txt", "trace-hex_curl7_stdout.txt", "derived-indented-crlf-post_curl8.txt", "h1-i-only_curl7.txt",
		"synthetic-trace-ids_curl8.txt", "derived-windows-prompt-crlf_curl7.txt"} {
		ex := curlOnlyExchange(t, name)
		if ex.Response.Body.Text != expired {
			t.Errorf("%s: body %q", name, ex.Response.Body.Text)
		}
		if f, ok := ex.Response.Body.Field("error"); !ok || f.Value != "invalid_token" {
			t.Errorf("%s: fields %+v", name, ex.Response.Body.Fields)
		}
	}
	got := readCurlFile(t, "derived-fenced-issue_curl7.txt")
	if b := got.recs[1].Exchange.Response.Body.Text; strings.Contains(b, "second request") || strings.Contains(b, "```") {
		t.Errorf("prose after the fence in the body: %q", b)
	}
	if ex := curlOnlyExchange(t, "h2-head-I_curl7.txt"); ex.Response.Body.Text != "" || len(ex.Response.Headers) != 5 {
		t.Errorf("-I: body %q, %d headers", ex.Response.Body.Text, len(ex.Response.Headers))
	}
}

func TestCurlLineEndings(t *testing.T) {
	// A CRLF re-save of a pipe capture: no CR may stay in the header value.
	ex := curlOnlyExchange(t, "derived-pipe-resaved-crlf_curl7.txt")
	h, _ := ex.Request.Headers.Get("Authorization")
	if v := h.Secret.Reveal(); strings.ContainsAny(v, "\r\n") || !strings.HasPrefix(v, "Bearer eyJ") {
		t.Errorf("authorization %q", v)
	}
	// A pipe capture of a token read from a CRLF file: curl sent the CR, and
	// the value keeps it as evidence (research/formats.md §1.3).
	in := "* Connected to api.example.com (127.0.0.1) port 80 (#0)\n" +
		"> GET /v1/me HTTP/1.1\r\n> Host: api.example.com\r\n> Authorization: Bearer abc123\r\r\n> \r\n" +
		"< HTTP/1.1 400 Bad Request\r\n< Content-Length: 0\r\n< \r\n"
	got := readCurl(t, "cr.txt", []byte(in), Options{})
	if len(got.recs) != 1 {
		t.Fatalf("%d exchanges", len(got.recs))
	}
	h, _ = got.recs[0].Exchange.Request.Headers.Get("Authorization")
	if v := h.Secret.Reveal(); v != "Bearer abc123\r" {
		t.Errorf("authorization %q, want the trailing CR kept", v)
	}
}

func TestCurlProxyTunnel(t *testing.T) {
	for _, name := range []string{"proxy-connect_curl7.txt", "proxy-connect_curl8.txt", "real-proxy-connect-ok_curl7.txt"} {
		got := readCurlFile(t, name)
		for _, rec := range got.recs {
			ex := rec.Exchange
			if ex.Request.Method == "CONNECT" || ex.Request.Headers.Has("Proxy-Authorization") {
				t.Errorf("%s: CONNECT leaked into the exchange", name)
			}
			if ex.Extra(CurlExtraTunnel) != "api.example.com:443" || ex.Extra(CurlExtraTunnelStatus) != "200" || ex.Extra(CurlExtraProxyAuth) != "Basic" {
				t.Errorf("%s: tunnel extras %v", name, ex.Extras)
			}
		}
	}
	ex := curlOnlyExchange(t, "real-proxy-connect-407_curl7.txt")
	if ex.Response != nil || ex.Extra(CurlExtraTunnelStatus) != "407" || ex.Extra(CurlExtraReconstructed) != "1" {
		t.Errorf("407 tunnel: response %v extras %v", ex.Response, ex.Extras)
	}
	// Through a plain-HTTP proxy the request itself carries Proxy-Authorization.
	ex = curlOnlyExchange(t, "real-proxy-plain-http_curl7.txt")
	if h, ok := ex.Request.Headers.Get("Proxy-Authorization"); !ok || !h.Sensitive() {
		t.Errorf("plain proxy: no Proxy-Authorization secret")
	}
}

func TestCurlReconstructedRequests(t *testing.T) {
	tok := curlTokens(t)
	ex := curlOnlyExchange(t, "h1-i-only_curl7.txt")
	h, ok := ex.Request.Headers.Get("Authorization")
	if !ok || h.Secret.Reveal() != "Bearer "+tok["EXPIRED_JWT"] || ex.Extra(CurlExtraReconstructed) != "1" || ex.Extra(CurlExtraEvidence) != "include" {
		t.Errorf("-i: headers %v extras %v", ex.Request.Headers, ex.Extras)
	}
	in := "$ curl -i -u alice:s3cr3t-pass -b 'session=abc' http://api.example.com/basic\nHTTP/1.1 401 Unauthorized\r\nWww-Authenticate: Basic realm=\"admin\"\r\n\r\n"
	got := readCurl(t, "u.txt", []byte(in), Options{})
	if len(got.recs) != 1 {
		t.Fatalf("%d exchanges", len(got.recs))
	}
	ex = got.recs[0].Exchange
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte("alice:s3cr3t-pass"))
	if h, ok := ex.Request.Headers.Get("Authorization"); !ok || h.Secret.Reveal() != want {
		t.Errorf("-u: %v", ex.Request.Headers)
	}
	if h, ok := ex.Request.Headers.Get("Cookie"); !ok || !h.Sensitive() {
		t.Errorf("-b: %v", ex.Request.Headers)
	}
	if ex.Extra(CurlExtraCommandHeaders) != "Authorization,Cookie" {
		t.Errorf("command headers %q", ex.Extra(CurlExtraCommandHeaders))
	}
	ex = curlOnlyExchange(t, "write-out-status_curl8.txt")
	if !ex.Partial.Has(NoResponseHeaders|NoResponseBody) || ex.Extra(CurlExtraEvidence) != "status" {
		t.Errorf("-w: partial %v extras %v", ex.Partial, ex.Extras)
	}
	ex = curlOnlyExchange(t, "fail-flag_curl8.txt")
	if ex.Extra(CurlExtraExit) != "22" {
		t.Errorf("--fail: extras %v", ex.Extras)
	}
	ex = curlOnlyExchange(t, "real-connection-refused_curl7.txt")
	if ex.Response != nil || ex.Extra(CurlExtraExit) != "7" {
		t.Errorf("refused: %v %v", ex.Response, ex.Extras)
	}
}

func TestCurlLibcurlVerbose(t *testing.T) {
	ex := curlOnlyExchange(t, "real-libcurl-verbose_python.txt")
	if len(ex.Request.Headers) != 4 || ex.Request.Headers.Value("User-Agent") != "codeigniter/4.2" {
		t.Errorf("headers %v", ex.Request.Headers)
	}
	if h, ok := ex.Request.Headers.Get("authorization"); !ok || !h.Sensitive() {
		t.Errorf("no authorization secret")
	}
}

func TestCurlInterimAndEcho(t *testing.T) {
	in := "> POST /upload HTTP/1.1\n> Host: api.example.com\n> Expect: 100-continue\n>\n" +
		"< HTTP/1.1 100 Continue\n<\n< HTTP/1.1 401 Unauthorized\n< Content-Type: application/json\n<\n{\"error\":\"x\"}\n"
	got := readCurl(t, "100.txt", []byte(in), Options{})
	if len(got.recs) != 1 || got.recs[0].Exchange.Status() != 401 || got.recs[0].Exchange.Response.Body.Text != `{"error":"x"}` {
		t.Fatalf("got %v", curlSummarize(got.recs))
	}
	// -i alone, with a 1xx block before the final one.
	in = "$ curl -i -d a=b http://api.example.com/x\nHTTP/1.1 100 Continue\n\nHTTP/1.1 403 Forbidden\nContent-Type: text/plain\n\nno\n"
	got = readCurl(t, "i100.txt", []byte(in), Options{})
	if len(got.recs) != 1 || got.recs[0].Exchange.Status() != 403 || got.recs[0].Exchange.Response.Body.Text != "no" {
		t.Fatalf("got %v", curlSummarize(got.recs))
	}
}

func TestCurlBodyCap(t *testing.T) {
	in := "> GET / HTTP/1.1\n> Host: h\n>\n< HTTP/1.1 200 OK\n<\n" + strings.Repeat("0123456789\n", 100)
	got := readCurl(t, "cap.txt", []byte(in), Options{MaxBody: 25})
	b := got.recs[0].Exchange.Response.Body
	if len(b.Text) != 25 || !b.Truncated {
		t.Errorf("body %d bytes, truncated %v", len(b.Text), b.Truncated)
	}
}

func TestCurlErrors(t *testing.T) {
	tok := curlTokens(t)
	got := readCurlFile(t, "synthetic-garbled_curl7.txt")
	for _, err := range got.errs {
		var pe *ParseError
		if !errors.As(err, &pe) || pe.File != "synthetic-garbled_curl7.txt" || pe.Line < 1 || pe.Offset < 0 || pe.Entry != -1 {
			t.Errorf("not a positioned ParseError: %#v", err)
		}
		if strings.Contains(err.Error(), "sk_test_") {
			t.Errorf("error quotes a credential: %v", err)
		}
	}
	// A line over the limit is an error; reading goes on.
	in := "$ curl -v http://api.example.com/v1/me\n> GET /v1/me HTTP/1.1\n> Host: api.example.com\n> Authorization: Bearer " +
		tok["VALID_JWT"] + strings.Repeat("x", 5000) + "\n>\n< HTTP/1.1 401 Unauthorized\n<\n"
	got = readCurl(t, "long.txt", []byte(in), Options{MaxLine: 1024})
	if len(got.errs) != 1 || len(got.recs) != 1 || got.recs[0].Exchange.Status() != 401 {
		t.Errorf("long line: %d errors %v, %v", len(got.errs), got.errs, curlSummarize(got.recs))
	}
}

func TestCurlNoExchange(t *testing.T) {
	for _, in := range []string{"", "\n\n", "just some prose\nand more\n", "* Could not resolve host: x\ncurl: (6) Could not resolve host: x\n"} {
		r, _ := NewCurlReader(strings.NewReader(in), "x.txt", Options{})
		if rec, err := r.Next(); rec != nil || !errors.Is(err, io.EOF) {
			t.Errorf("%q: got %v %v, want io.EOF", in, rec, err)
		}
	}
}

// TestCurlNoLeak renders everything the reader yields the way a report
// might (%v and %+v of records and exchanges, header and URL display forms,
// extras, error messages) and looks for every raw credential of the
// testdata. Body.Text is excluded: it is documented to hold raw bodies and
// is never rendered.
func TestCurlNoLeak(t *testing.T) {
	tok := curlTokens(t)
	var raw []string
	for _, v := range tok {
		raw = append(raw, v)
		if i := strings.LastIndexByte(v, '.'); i > 0 {
			raw = append(raw, v[i+1:]) // a JWT signature alone
		}
	}
	for _, userpass := range []string{"alice:s3cr3t-pass", "alice:wrong-pass", "proxyuser:proxy-pass", "proxyuser:wrong-pass"} {
		raw = append(raw, userpass, base64.StdEncoding.EncodeToString([]byte(userpass)))
	}
	raw = append(raw, "s3cr3t-pass", "wrong-pass", "proxy-pass", "cs_EXAMPLE_4f9d2b7e1a6c8d0e",
		"sk_test_51EXAMPLEa1b2c3d4e5f6g7h8i9j0kLmNoPqRsTuV9xQz", "sk_live_51EXAMPLEz9y8x7w6v5u4t3s2r1q0pOnMlKjIhGf3kWd",
		"s%3AEXAMPLE-8c1f2a9b.Zx3kQ", "EXAMPLE-8c1f2a9b.Zx3kQ", "EXAMPLEcsrf123")
	files, _ := filepath.Glob(filepath.Join("testdata", "curl", "*.txt"))
	for _, f := range files {
		name := filepath.Base(f)
		got := readCurlFile(t, name)
		var b strings.Builder
		for _, rec := range got.recs {
			ex := *rec.Exchange
			ex.Request.Body.Text = ""
			if ex.Response != nil {
				resp := *ex.Response
				resp.Body.Text = ""
				ex.Response = &resp
			}
			fmt.Fprintf(&b, "%v %+v %#v %v %+v\n", rec, rec, rec.Source, ex, ex)
			fmt.Fprintf(&b, "%s %s %v\n", ex.Request.URL.String(), ex.Request.URL.PathOnly(), ex.Extras)
			for _, h := range ex.Request.Headers {
				b.WriteString(h.Display() + "\n")
			}
			for _, p := range ex.Request.Body.Fields {
				b.WriteString(p.Display() + "\n")
			}
			if ex.Response != nil {
				for _, h := range ex.Response.Headers {
					b.WriteString(h.Display() + "\n")
				}
			}
		}
		for _, err := range got.errs {
			b.WriteString(err.Error() + "\n")
		}
		// The file names say what they hold ("…-wrong-pass_curl7"): not a leak.
		out := strings.ReplaceAll(b.String(), name, "FILE")
		for _, secret := range raw {
			if strings.Contains(out, secret) {
				t.Errorf("%s: raw credential %.12s… in rendered output", name, secret)
			}
		}
	}
}

func TestSniffCurl(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "curl", "*.txt"))
	notCurl := map[string]bool{
		// Neither holds anything only curl prints: text is right for them.
		"synthetic-no-exchange.txt": true, "synthetic-bare-headers-no-command.txt": true,
	}
	for _, f := range files {
		name := filepath.Base(f)
		b, _ := os.ReadFile(f)
		if len(b) > 32<<10 {
			b = b[:32<<10]
		}
		want := FormatCurl
		if notCurl[name] {
			want = FormatText
		}
		if got := Sniff(b, name); got != want {
			t.Errorf("%s: sniffed %q, want %q", name, got, want)
		}
	}
	for _, c := range []struct{ name, head string }{
		{"app.jsonl", `{"time":"2026-11-30T06:40:48Z","msg":"> GET /v1/me HTTP/1.1","status":401}` + "\n"},
		{"access.log", `127.0.0.1 - - [30/Nov/2026:06:40:48 +0000] "GET /v1/me HTTP/1.1" 401 66 "-" "curl/8.14.1"` + "\n"},
		{"x.har", `{"log": {"version": "1.2", "entries": [{"request": {"url": "$ curl https://x.example.com"}}]}}`},
		{"notes.txt", "We use curl to call the API.\nIt fails with 401.\n"},
	} {
		if got := Sniff([]byte(c.head), c.name); got == FormatCurl {
			t.Errorf("%s: sniffed as curl", c.name)
		}
	}
}

func TestOpenCurl(t *testing.T) {
	b, _ := os.ReadFile(filepath.Join("testdata", "curl", "derived-indented-crlf-post_curl8.txt"))
	r, err := Open(bytes.NewReader(b), "paste.txt", "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Format() != FormatCurl {
		t.Fatalf("format %s", r.Format())
	}
	rec, err := r.Next()
	if err != nil || rec.Exchange.Status() != 401 {
		t.Fatalf("%v %v", rec, err)
	}
}

func TestCurlProvenanceComplete(t *testing.T) {
	// Keeps the testdata PROVENANCE table and the files in step.
	prov, err := os.ReadFile(filepath.Join("testdata", "curl", "PROVENANCE.md"))
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "curl", "*.txt"))
	var missing []string
	for _, f := range files {
		if !bytes.Contains(prov, []byte("`"+filepath.Base(f)+"`")) {
			missing = append(missing, filepath.Base(f))
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("testdata/curl/PROVENANCE.md does not describe: %v", missing)
	}
}

func TestCurlTwoCommandsInOnePaste(t *testing.T) {
	a, _ := os.ReadFile(filepath.Join("testdata", "curl", "h1-missing-auth_curl7.txt"))
	b, _ := os.ReadFile(filepath.Join("testdata", "curl", "h2-two-urls-reuse_curl8.txt"))
	got := readCurl(t, "two.txt", append(append(a, "\nand then:\n\n"...), b...), Options{})
	want := []string{"GET http://api.example.com/v1/me 401", "GET https://api.example.com/v1/me 200", "GET https://api.example.com/v1/admin/users 403"}
	if s := curlSummarize(got.recs); strings.Join(s, "|") != strings.Join(want, "|") {
		t.Errorf("got %q", s)
	}
	if body := got.recs[0].Exchange.Response.Body.Text; strings.Contains(body, "and then") {
		t.Errorf("prose in the body: %q", body)
	}
}

func TestCurlTypoWordsAreNotTransfers(t *testing.T) {
	// cmd.exe does not know single quotes: curl took "Bearer" and the token
	// for URLs, failed on them, then ran the real transfer.
	in := `C:\Users\dev>curl -v -H 'Authorization: Bearer abc' http://api.example.com/v1/me` + "\n" +
		"* Could not resolve host: Bearer\n* Closing connection 0\ncurl: (6) Could not resolve host: Bearer\n" +
		"* URL rejected: Malformed input to a URL function\ncurl: (3) URL rejected: Malformed input to a URL function\n" +
		"*   Trying 127.0.0.1:80...\n* Connected to api.example.com (127.0.0.1) port 80 (#2)\n" +
		"> GET /v1/me HTTP/1.1\n> Host: api.example.com\n> User-Agent: curl/8.14.1\n>\n" +
		"< HTTP/1.1 401 Unauthorized\n< Content-Length: 0\n<\n"
	got := readCurl(t, "typo.txt", []byte(in), Options{})
	if s := curlSummarize(got.recs); len(s) != 1 || s[0] != "GET http://api.example.com/v1/me 401" {
		t.Errorf("got %q", s)
	}
}

func TestCurlHexDumpTrimmed(t *testing.T) {
	// --trace output copied from a terminal: trailing spaces of the ASCII
	// column are gone.
	in := "=> Send header, 40 bytes (0x28)\n" +
		"0000: 47 45 54 20 2f 20 48 54 54 50 2f 31 2e 31 0d 0a GET / HTTP/1.1..\n" +
		"0010: 48 6f 73 74 3a 20 61 70 69 2e 65 78 61 6d 70 6c Host: api.exampl\n" +
		"0020: 65 2e 63 6f 6d 0d 0a 0d 0a                      e.com....\n" +
		"<= Recv header, 17 bytes (0x11)\n" +
		"0000: 48 54 54 50 2f 31 2e 31 20 34 30 31 20 0d 0a    HTTP/1.1 401\n" +
		"<= Recv header, 2 bytes (0x2)\n0000: 0d 0a                                           ..\n"
	got := readCurl(t, "hex.txt", []byte(in), Options{})
	if s := curlSummarize(got.recs); len(s) != 1 || s[0] != "GET http://api.example.com/ 401" || len(got.errs) > 0 {
		t.Errorf("got %q %v", s, got.errs)
	}
}

// TestCurlQuotedEmptyCredential: "Authorization: Bearer ”" is what an unset
// variable inside quotes sends. It once made NewHeader panic for every
// reader (found by FuzzCurlReader, fixed in secrets).
func TestCurlQuotedEmptyCredential(t *testing.T) {
	in := "> GET /v1/me HTTP/1.1\n> Host: api.example.com\n> Authorization: Bearer ''\n>\n< HTTP/1.1 401 Unauthorized\n<\n"
	got := readCurl(t, "q.txt", []byte(in), Options{})
	if len(got.recs) != 1 {
		t.Fatalf("%d exchanges", len(got.recs))
	}
	if h, ok := got.recs[0].Exchange.Request.Headers.Get("Authorization"); !ok || h.Secret.Reveal() != "Bearer ''" {
		t.Errorf("authorization %v", h.Display())
	}
}
