package parsers

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
)

// readAll drains a reader, returning records and errors.
func readAll(t testing.TB, r Reader) ([]*Record, []error) {
	t.Helper()
	var recs []*Record
	var errs []error
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return recs, errs
		}
		if err != nil {
			errs = append(errs, err)
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Fatal {
				return recs, errs // anything but a per-record error ends the input
			}
		}
		if rec != nil {
			recs = append(recs, rec)
		}
	}
}

func harOf(t testing.TB, s string) ([]*Record, []error, Reader) {
	t.Helper()
	r, err := NewHARReader(strings.NewReader(s), "t.har", Options{})
	if err != nil {
		t.Fatal(err)
	}
	recs, errs := readAll(t, r)
	return recs, errs, r
}

const harHead = `{"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},"entries":[`

func TestHARQuirks(t *testing.T) {
	tests := []struct {
		name  string
		entry string
		check func(t *testing.T, ex *Exchange)
	}{
		{"fractional time and h2 pseudo-headers, empty statusText",
			`{"startedDateTime":"2026-11-30T06:40:00.123Z","time":14.666000031866133,"request":{"method":"GET","url":"https://api.example.com/v1/me","httpVersion":"http/2.0","headers":[{"name":":authority","value":"api.example.com"},{"name":"authorization","value":"Bearer abc"}]},"response":{"status":401,"statusText":"","httpVersion":"http/2.0","headers":[{"name":"www-authenticate","value":"Bearer"}],"content":{"size":0,"mimeType":""}},"cache":{},"timings":{"send":0.1,"wait":12.5,"receive":0.2}}`,
			func(t *testing.T, ex *Exchange) {
				if ex.Status() != 401 || !ex.Request.Headers.Has("Authorization") || ex.Start.IsZero() {
					t.Fatalf("%+v", ex)
				}
			}},
		{"header value as array (Polly 1.x)",
			`{"request":{"method":"GET","url":"https://a.example/","headers":[{"name":"accept","value":["application/json","text/plain"]}]},"response":{"status":200,"headers":[]}}`,
			func(t *testing.T, ex *Exchange) {
				if v := ex.Request.Headers.Value("Accept"); v != "application/json, text/plain" {
					t.Fatalf("value %q", v)
				}
			}},
		{"cookies as an object (IE11), httpOnly as a string (Fiddler 2), cache as an array",
			`{"request":{"method":"GET","url":"https://a.example/","headers":[],"cookies":{"a":"b"}},"response":{"status":200,"headers":[],"cookies":[{"name":"s","value":"v","httpOnly":"true"}]},"cache":[]}`,
			func(t *testing.T, ex *Exchange) {
				if ex.Extra("request_cookies") != "1" {
					t.Fatalf("cookie count %q", ex.Extra("request_cookies"))
				}
			}},
		{"base64 body with bad padding keeps decoding; invalid base64 keeps the raw text",
			`{"request":{"method":"GET","url":"https://a.example/"},"response":{"status":401,"headers":[],"content":{"mimeType":"application/json","encoding":"base64","text":"eyJlcnJvciI6ImludmFsaWRfdG9rZW4ifQ="}}}`,
			func(t *testing.T, ex *Exchange) {
				if ex.Response.Body.Text != `{"error":"invalid_token"}` {
					t.Fatalf("body %q", ex.Response.Body.Text)
				}
				if f, ok := ex.Response.Body.Field("error"); !ok || f.Value != "invalid_token" {
					t.Fatalf("fields %+v", ex.Response.Body.Fields)
				}
			}},
		{"invalid base64",
			`{"request":{"method":"GET","url":"https://a.example/"},"response":{"status":200,"headers":[],"content":{"mimeType":"text/plain","encoding":"base64","text":"Not base 64"}}}`,
			func(t *testing.T, ex *Exchange) {
				if !ex.Response.Body.Undecodable || ex.Response.Body.Text != "Not base 64" {
					t.Fatalf("body %+v", ex.Response.Body)
				}
			}},
		{"status 0 with _error is no response",
			`{"request":{"method":"GET","url":"https://a.example/"},"response":{"status":0,"headers":[],"_error":"net::ERR_ABORTED"},"_resourceType":"fetch"}`,
			func(t *testing.T, ex *Exchange) {
				if ex.Response != nil || ex.Extra("_error") != "net::ERR_ABORTED" || ex.Extra("_resourceType") != "fetch" {
					t.Fatalf("%+v", ex)
				}
			}},
		{"params whose value is an object (chrome-har), form body in params only (martian)",
			`{"request":{"method":"POST","url":"https://a.example/token","postData":{"mimeType":"application/x-www-form-urlencoded","text":"","params":[{"name":"client_secret","value":"s3cr3t-value"},{"name":"x","value":{"a":1}}]}},"response":{"status":200,"headers":[]}}`,
			func(t *testing.T, ex *Exchange) {
				p, ok := ex.Request.Body.Field("client_secret")
				if !ok || !p.Sensitive() || p.Secret.Reveal() != "s3cr3t-value" {
					t.Fatalf("fields %+v", ex.Request.Body.Fields)
				}
			}},
		{"query credentials and userinfo become secrets",
			`{"request":{"method":"GET","url":"https://u:pw@a.example/x?access_token=tok123&page=2"},"response":{"status":200,"headers":[]}}`,
			func(t *testing.T, ex *Exchange) {
				u := ex.Request.URL
				if u.Password.Reveal() != "pw" || !u.Query[0].Sensitive() || u.Query[1].Value != "2" {
					t.Fatalf("%+v", u)
				}
				if s := u.String(); strings.Contains(s, "tok123") || strings.Contains(s, ":pw@") {
					t.Fatalf("URL.String leaks: %s", s)
				}
			}},
		{"header names compare case-insensitively",
			`{"request":{"method":"get","url":"https://a.example/","headers":[{"name":"X-API-KEY","value":"k-123456"}]},"response":{"status":403,"headers":[{"name":"Www-Authenticate","value":"Bearer error=\"insufficient_scope\""}]}}`,
			func(t *testing.T, ex *Exchange) {
				h, ok := ex.Request.Headers.Get("x-api-key")
				if !ok || !h.Sensitive() || ex.Request.Method != "GET" || len(Challenges(ex.Response.Headers, false)) != 1 {
					t.Fatalf("%+v", ex)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, errs, _ := harOf(t, harHead+tt.entry+`]}}`)
			if len(errs) > 0 || len(recs) != 1 {
				t.Fatalf("records %d, errors %v", len(recs), errs)
			}
			tt.check(t, recs[0].Exchange)
		})
	}
}

func TestHARBOMAndJSONP(t *testing.T) {
	body := harHead + `{"request":{"method":"GET","url":"https://a.example/"},"response":{"status":200,"headers":[]}}]}}`
	for name, s := range map[string]string{"bom": "\uFEFF" + body, "jsonp": "onInputData(" + body + ");"} {
		recs, errs, r := harOf(t, s)
		if len(recs) != 1 || len(errs) != 0 || r.Schema() != "chrome" {
			t.Fatalf("%s: %d records, %v, schema %q", name, len(recs), errs, r.Schema())
		}
	}
}

func TestHARCreatorAfterEntries(t *testing.T) {
	_, _, r := harOf(t, `{"log":{"entries":[{"request":{"method":"GET","url":"https://a/"}}],"creator":{"name":"Fiddler","version":"4.6"}}}`)
	if r.Schema() != "fiddler" || r.(*harReader).Creator() != "Fiddler 4.6" {
		t.Fatalf("schema %q", r.Schema())
	}
}

// TestHARTruncated: a file cut inside an entry yields every complete entry
// before the cut and one fatal error naming the entry and the byte offset.
func TestHARTruncated(t *testing.T) {
	b, err := os.ReadFile("../testdata/corpus/har/martian-generated.har")
	if err != nil {
		t.Fatal(err)
	}
	full, _, _ := harOf(t, string(b))
	for _, cut := range []int{len(b) / 2, len(b) - 40, len(b) * 3 / 4} {
		recs, errs, _ := harOf(t, string(b[:cut]))
		if len(errs) != 1 {
			t.Fatalf("cut %d: errors %v", cut, errs)
		}
		var pe *ParseError
		if !errors.As(errs[0], &pe) || !pe.Fatal || pe.Entry != len(recs) || pe.Offset <= 0 || pe.File != "t.har" {
			t.Fatalf("cut %d: %#v", cut, errs[0])
		}
		if !strings.Contains(pe.Error(), fmt.Sprintf("entry %d", len(recs))) || !strings.Contains(pe.Error(), "byte") {
			t.Fatalf("message %q", pe.Error())
		}
		if len(recs) == 0 || len(recs) >= len(full) {
			t.Fatalf("cut %d: %d of %d entries", cut, len(recs), len(full))
		}
	}
}

func TestHARLineNumbers(t *testing.T) {
	s := harHead + "\n" + `{"request":{"method":"GET","url":"https://a/1"}},` + "\n\n" + `{"request":{"method":"GET","url":"https://a/2"}}` + "\n]}}"
	recs, _, _ := harOf(t, s)
	if len(recs) != 2 || recs[0].Source.Line != 2 || recs[1].Source.Line != 4 || recs[1].Source.Pointer != "/log/entries/1" {
		t.Fatalf("lines %d %d", recs[0].Source.Line, recs[1].Source.Line)
	}
}

func TestHARRefusals(t *testing.T) {
	for name, s := range map[string]string{
		"yaml":         "log:\n  version: '1.2'\n",
		"empty":        "",
		"not json":     "hello world",
		"not an array": `{"log":{"entries":{}}}`,
		"no log":       `{"foo":1}`,
	} {
		r, err := NewHARReader(strings.NewReader(s), "t.har", Options{})
		if err != nil {
			if !errors.Is(err, ErrUnsupported) {
				t.Errorf("%s: %v", name, err)
			}
			continue
		}
		recs, errs := readAll(t, r)
		if len(recs) != 0 || len(errs) != 1 {
			t.Errorf("%s: %d records, errors %v", name, len(recs), errs)
		}
	}
}

// TestHARStreamsFlat: memory held by the reader does not grow with the
// number of entries (the line tracker keeps about one entry).
func TestHARStreamsFlat(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(harHead)
	for i := 0; i < 20000; i++ {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, `{"request":{"method":"GET","url":"https://a.example/v1/items/%d","headers":[{"name":"Authorization","value":"Bearer tok%08d"}]},"response":{"status":200,"headers":[]}}`, i, i)
	}
	b.WriteString("]}}")
	r, _ := NewHARReader(bytes.NewReader(b.Bytes()), "big.har", Options{})
	n := 0
	maxBuf := 0
	for {
		_, err := r.Next()
		if err != nil {
			break
		}
		n++
		maxBuf = max(maxBuf, cap(r.(*harReader).track.buf))
	}
	if n != 20000 || maxBuf > 4<<20 {
		t.Fatalf("entries %d, tracker buffer peaked at %d bytes", n, maxBuf)
	}
}

func BenchmarkHARReader(b *testing.B) {
	data, err := os.ReadFile("../testdata/corpus/har/chrome-h3-401s__har-to-openapi__request-generator-all-status-and-method.har")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		r, _ := NewHARReader(bytes.NewReader(data), "bench.har", Options{})
		readAll(b, r)
	}
}

// BenchmarkHARReaderSession: an app's session as a browser exports it, the
// same bearer JWT and cookie on every request.
func BenchmarkHARReaderSession(b *testing.B) {
	const jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTEiLCJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwiZXhwIjoxNzAwMDAzNjAwfQ.drG-CLZ4X8vp72Ak4qgSUSEmwijs456o55lXfADa-2U"
	var buf bytes.Buffer
	buf.WriteString(harHead)
	for i := 0; i < 2000; i++ {
		if i > 0 {
			buf.WriteString(",\n")
		}
		fmt.Fprintf(&buf, `{"startedDateTime":"2026-11-30T06:40:00.000Z","request":{"method":"GET","url":"https://api.example.com/v1/items/%d?page=2","httpVersion":"HTTP/2","headers":[{"name":":authority","value":"api.example.com"},{"name":"accept","value":"application/json"},{"name":"authorization","value":"Bearer %s"},{"name":"cookie","value":"sid=3f2a9c1b7d4e5a6b; theme=dark"},{"name":"referer","value":"https://app.example.com/items?page=1"},{"name":"user-agent","value":"Mozilla/5.0"}]},"response":{"status":200,"headers":[{"name":"content-type","value":"application/json"},{"name":"date","value":"Mon, 30 Nov 2026 06:40:00 GMT"}],"content":{"size":11,"mimeType":"application/json","text":"{\"ok\":true}"}}}`, i, jwt)
	}
	buf.WriteString("]}}")
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		r, _ := NewHARReader(bytes.NewReader(data), "bench.har", Options{})
		readAll(b, r)
	}
}

func FuzzHARReader(f *testing.F) {
	for _, p := range []string{"martian-generated.har", "polly141-header-arrays__pollyjs__users-recording.har", "handwritten-invalid-base64__zap__response-base64-invalid.har", "firefox126-noresponse__zap__noresponse.har"} {
		if b, err := os.ReadFile("../testdata/corpus/har/" + p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(harHead + `{}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewHARReader(bytes.NewReader(data), "fuzz.har", Options{MaxBody: 1 << 16})
		if err != nil {
			return
		}
		for i := 0; i < 100000; i++ {
			rec, err := r.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			var pe *ParseError
			if err != nil && errors.As(err, &pe) && pe.Fatal {
				return
			}
			if rec != nil && (rec.Exchange == nil || rec.Source.Entry < 0 || rec.Exchange.Request.Method == "") {
				t.Fatalf("bad record %+v", rec)
			}
		}
		t.Fatal("reader did not end")
	})
}
