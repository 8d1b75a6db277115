package analyze

import (
	"bufio"
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/authtriage/authtriage/rules"
)

// routePaths generates the paths real APIs see: numeric ids, UUIDs, ULIDs,
// hashes, prefixed object ids, credentials put in the path, opaque share
// tokens, dates and version segments.
func routePaths(rng *rand.Rand) []string {
	const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	const crock = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	rnd := func(set string, n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = set[rng.Intn(len(set))]
		}
		return string(b)
	}
	uuid := fmt.Sprintf("%08x-%04x-4%03x-a%03x-%012x", rng.Uint32(), rng.Intn(1<<16), rng.Intn(1<<12), rng.Intn(1<<12), rng.Int63n(1<<48))
	ulid := "01" + rnd(crock, 24)
	return []string{
		fmt.Sprintf("/v1/users/%d", 1+rng.Intn(1000000)),
		fmt.Sprintf("/v1/users/%d/orders/%d/items/%d", 1+rng.Intn(1000), 1000+rng.Intn(9000), 1+rng.Intn(9)),
		"/v1/users/" + uuid + "/profile",
		"/v1/objects/" + ulid,
		fmt.Sprintf("/v2/files/%040x", rng.Uint64()),
		"/v1/customers/cus_" + rnd(alnum, 14),
		"/v1/charges/ch_3" + rnd(alnum, 16) + "/refunds",
		fmt.Sprintf("/v1/orders/ord_%d", 1000+rng.Intn(9000)),
		fmt.Sprintf("/v1/invoices/INV-%d-%04d", 2020+rng.Intn(6), rng.Intn(10000)),
		"/v1/share/" + rnd(alnum+"-_", 32),
		"/v1/keys/sk_live_51" + rnd(alnum, 24) + "/usage",
		"/hooks/" + "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIx" + rnd(alnum, 10) + "In0." + rnd(alnum, 43),
		"/v1/tokens/ghp_" + rnd(alnum, 36),
		fmt.Sprintf("/api/2024-06-%02d/reports/daily", 1+rng.Intn(28)),
		"/v1/users/me",
		fmt.Sprintf("/v1/users/%d/", 1+rng.Intn(1000)),
	}
}

// isVersion matches the segments DESIGN.md keeps: v1, 2024-06-01.
var isVersion = regexp.MustCompile(`^(v[0-9]+|[0-9]{4}-[0-9]{2}-[0-9]{2})$`)

// Segments no route may keep raw; independent of parsers.Route's own
// patterns so the test does not just restate them.
var rawSegment = []*regexp.Regexp{
	regexp.MustCompile(`[0-9]{3,}`),                            // a number of three digits or more
	regexp.MustCompile(`(?i)^[0-9a-f]{8}-[0-9a-f]{4}-`),        // a UUID
	regexp.MustCompile(`^[0-9A-Z]{26}$`),                       // a ULID
	regexp.MustCompile(`(?i)^[0-9a-f]{16,}$`),                  // a hash
	regexp.MustCompile(`^eyJ`),                                 // a JWT
	regexp.MustCompile(`^(sk|rk|pk)_(live|test)_|^gh[pousr]_`), // a key
	regexp.MustCompile(`^.{20,}$`),                             // anything long and opaque
}

// TestRoutesOfLargeLog analyses a generated capture of 40,000 requests:
// /v1/users/123 and /v1/users/456 are one endpoint, and no route keeps a raw
// id, UUID, hash or credential.
func TestRoutesOfLargeLog(t *testing.T) {
	if testing.Short() {
		t.Skip("large input")
	}
	const n = 40000
	path := filepath.Join(t.TempDir(), "large.har")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	rng := rand.New(rand.NewSource(7))
	start := time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)
	fmt.Fprint(w, `{"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},"entries":[`)
	users := 0
	for i := 0; i < n; i++ {
		paths := routePaths(rng)
		p := paths[i%len(paths)]
		if i%len(paths) == 0 {
			users++
		}
		status := 200
		if i%9 == 0 {
			status = 401
		}
		if i > 0 {
			fmt.Fprint(w, ",")
		}
		fmt.Fprintf(w, `{"startedDateTime":%q,"time":1,"request":{"method":"GET","url":"https://api.example.com%s?page=%d","httpVersion":"HTTP/1.1","headers":[],"queryString":[],"cookies":[],"headersSize":-1,"bodySize":0},"response":{"status":%d,"statusText":"","httpVersion":"HTTP/1.1","headers":[],"cookies":[],"content":{"size":0,"mimeType":"application/json"},"redirectURL":"","headersSize":-1,"bodySize":0},"cache":{},"timings":{"send":0,"wait":1,"receive":0}}`,
			start.Add(time.Duration(i)*100*time.Millisecond).Format(time.RFC3339Nano), p, i%5, status)
	}
	fmt.Fprint(w, "]}}")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	res, err := Run(context.Background(), []string{path}, Options{Config: rules.DefaultConfig()})
	if err != nil {
		t.Fatal(err)
	}
	if res.Summary.Exchanges != n {
		t.Fatalf("%d exchanges, want %d", res.Summary.Exchanges, n)
	}
	byRoute := map[string]EndpointStat{}
	for _, e := range res.Summary.Endpoints {
		byRoute[e.Route] = e
		for _, seg := range strings.Split(e.Route, "/") {
			if strings.HasPrefix(seg, "{") || isVersion.MatchString(seg) {
				continue
			}
			for _, re := range rawSegment {
				if re.MatchString(seg) {
					t.Errorf("route %s keeps a raw segment %q (%s)", e.Route, seg, re)
				}
			}
		}
	}
	// 16 path shapes, of which the API-version date takes 28 values.
	if len(res.Summary.Endpoints) > 15+28 {
		var routes []string
		for r := range byRoute {
			routes = append(routes, r)
		}
		t.Errorf("%d endpoints for 16 path shapes: %s", len(res.Summary.Endpoints), strings.Join(routes, " "))
	}
	// /v1/users/123 and /v1/users/456 (and /v1/users/789/) are one endpoint.
	if e := byRoute["/v1/users/{id}"]; e.Total != 2*users {
		t.Errorf("/v1/users/{id}: %d requests, want %d", e.Total, 2*users)
	}
	if _, ok := byRoute["/v1/users/me"]; !ok {
		t.Errorf("route /v1/users/me missing")
	}
}
