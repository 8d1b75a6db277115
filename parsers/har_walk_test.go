package parsers

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWalkHAR(t *testing.T) {
	doc := `{
  "log": {
    "version": "1.2",
    "creator": {"name": "WebInspector", "version": "537.36"},
    "pages": [{"id": "page_1", "title": "https://app.example.com/?token=x"}],
    "entries": [
      {
        "request": {"method": "GET", "url": "https://api.example.com/a"}
      },
      {
        "request": {"method": "GET", "url": "https://api.example.com/b"}
      }
    ],
    "comment": "a/b~c"
  },
  "x/y": 1
}`
	var parts []HARPart
	err := WalkHAR(strings.NewReader(doc), "t.har", func(p *HARPart) error {
		parts = append(parts, *p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		ptr   string
		entry int
		line  int
	}{{"/log/version", -1, 3}, {"/log/creator", -1, 4}, {"/log/pages", -1, 5}, {"/log/entries/0", 0, 7}, {"/log/entries/1", 1, 10}, {"/log/comment", -1, 14}, {"/x~1y", -1, 16}}
	if len(parts) != len(want) {
		t.Fatalf("%d parts: %+v", len(parts), parts)
	}
	for i, w := range want {
		if p := parts[i]; p.Pointer != w.ptr || p.Entry != w.entry || p.Line != w.line {
			t.Errorf("part %d: %s entry %d line %d, want %+v", i, p.Pointer, p.Entry, p.Line, w)
		}
	}
	if m, ok := parts[3].Value.(map[string]any); !ok || m["request"] == nil {
		t.Errorf("entry value %#v", parts[3].Value)
	}
}

func TestWalkHARErrors(t *testing.T) {
	b, err := os.ReadFile("../testdata/demo/demo.har")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	err = WalkHAR(strings.NewReader(string(b[:len(b)/2])), "cut.har", func(p *HARPart) error {
		if p.Entry >= 0 {
			n++
		}
		return nil
	})
	var pe *ParseError
	if !errors.As(err, &pe) || !pe.Fatal || pe.Line < 2 || n == 0 || !strings.Contains(pe.Error(), "truncated") {
		t.Fatalf("truncated HAR: %v after %d entries", err, n)
	}
	stop := errors.New("stop")
	if err := WalkHAR(strings.NewReader(string(b)), "demo.har", func(*HARPart) error { return stop }); err != stop {
		t.Fatalf("fn's error not returned: %v", err)
	}
	if err := WalkHAR(strings.NewReader("log:\n  entries: []\n"), "x.har.yaml", func(*HARPart) error { return nil }); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("YAML: %v", err)
	}
}

func FuzzWalkHAR(f *testing.F) {
	files, _ := filepath.Glob("../testdata/corpus/har/*.har")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil && len(b) < 64<<10 {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"log":{"entries":[{"request":{}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		WalkHAR(strings.NewReader(string(b)), "fuzz.har", func(p *HARPart) error {
			if p.Line < 1 || !strings.HasPrefix(p.Pointer, "/") {
				t.Fatalf("part %+v", p)
			}
			return nil
		})
	})
}
