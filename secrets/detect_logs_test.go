package secrets

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// knownTestCredentials are every credential planted in testdata/logs and
// testdata/curl (see testdata/logs/PROVENANCE.md), with the escaped forms
// the servers wrote.
func knownTestCredentials(t *testing.T) []string {
	env, err := os.ReadFile("testdata/curl/test-tokens.env")
	if err != nil {
		t.Fatal(err)
	}
	known := []string{
		"sk_test_51EXAMPLEa1b2c3d4e5f6g7h8i9j0kLmNoPqRsTuV9xQz",
		"sk_live_51EXAMPLEz9y8x7w6v5u4t3s2r1q0pOnMlKjIhGf3kWd",
		"YWxpY2U6d3JvbmctcGFzcw==",                // alice:wrong-pass
		"YWxpY2U6czNjcjN0LXBhc3M=",                // alice:s3cr3t-pass
		"cHJveHl1c2VyOnByb3h5LXBhc3M=",            // proxyuser:proxy-pass
		"wrong-pass", "s3cr3t-pass", "proxy-pass", // curl -u / -U
		"s%3AEXAMPLE-8c1f2a9b.Zx3kQ",
		"cs_EXAMPLE_4f9d2b7e1a6c8d0e",
		"rt_9f8e7d6c5b4a39281706f5e4d3c2b1a0",
		"tökén-with-ü", `t\xc3\xb6k\xc3\xa9n-with-\xc3\xbc`, `t\xC3\xB6k\xC3\xA9n-with-\xC3\xBC`,
	}
	for _, l := range strings.Split(string(env), "\n") {
		if _, v, ok := strings.Cut(l, "="); ok {
			known = append(known, v)
		}
	}
	return known
}

// TestRealLogs: on real server logs and curl transcripts, every occurrence
// of a planted credential is reported with its exact bytes, and nothing
// else is (a hex dump's fragment of a token counts as that token).
func TestRealLogs(t *testing.T) {
	known := knownTestCredentials(t)
	files, _ := filepath.Glob("testdata/logs/*")
	curl, _ := filepath.Glob("testdata/curl/*.txt")
	files = append(files, curl...)
	found, lines := 0, 0
	for _, f := range files {
		if strings.HasSuffix(f, ".md") {
			continue
		}
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for ln := 1; sc.Scan(); ln++ {
			line := sc.Text()
			lines++
			ms := scanAll(line)
			checkInvariants(t, line, ms)
			for _, m := range ms {
				v := m.Secret.Reveal()
				ok := false
				for _, k := range known {
					ok = ok || strings.Contains(k, v) && len(v) >= 8
				}
				if !ok {
					t.Errorf("%s:%d:%d: %s reported something not planted: %s", f, ln, m.Start+1, m.Detector, m.Secret)
				}
			}
			for _, k := range known {
				for off := 0; ; {
					i := strings.Index(line[off:], k)
					if i < 0 {
						break
					}
					at := off + i
					off = at + len(k)
					if k == "wrong-pass" || k == "s3cr3t-pass" || k == "proxy-pass" {
						if !strings.Contains(line, " -u ") && !strings.Contains(line, " -U ") {
							continue // only a credential after curl -u
						}
					}
					hit := false
					for _, m := range ms {
						hit = hit || m.Start == at && m.End == at+len(k)
					}
					if !hit {
						t.Errorf("%s:%d:%d: planted credential (%d bytes) not reported exactly; got %s", f, ln, at+1, len(k), describe(ms))
					} else {
						found++
					}
				}
			}
		}
		fh.Close()
	}
	if found < 156 {
		t.Errorf("found %d planted credentials in %d lines; the corpus holds more", found, lines)
	}
	t.Logf("%d planted credentials found exactly in %d lines of %d files", found, lines, len(files))
}
