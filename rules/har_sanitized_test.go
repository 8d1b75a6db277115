package rules

import (
	"strings"
	"testing"

	"github.com/authtriage/authtriage/parsers"
)

// runHAR runs har-sanitized over hops as one HAR exported by schema.
func runHAR(t *testing.T, schema, creator string, hops ...hop) []Finding {
	t.Helper()
	r := newHARSanitized()
	cfg := DefaultConfig()
	sink := &collect{}
	facts := NewFacts(cfg.Env)
	ctx := NewContext(&cfg, r.Meta(), sink, facts)
	for _, rec := range records(hops...) {
		facts.Reset(rec)
		r.Check(ctx, rec)
	}
	facts.Reset(nil)
	r.(FileFinisher).FinishFile(ctx, Input{File: "t.har", Format: parsers.FormatHAR, Schema: schema, Creator: creator})
	return sink.fs
}

func TestHARSanitized(t *testing.T) {
	gap := func(h hop, n string) hop {
		h.extras = map[string]string{"request_headers_missing_bytes": n}
		return h
	}
	page := hop{method: "GET", url: "https://app.example.com/", status: 200, resp: []string{"Set-Cookie: sid=sess_7f3a9c0e5b1d; Secure; HttpOnly; SameSite=Lax"}}
	appJS := hop{method: "GET", url: "https://app.example.com/app.js", req: []string{"Cookie: sid=sess_7f3a9c0e5b1d"}, status: 200}
	apiOK := hop{method: "GET", url: "https://api.example.com/v1/me", req: []string{"Authorization: Bearer 9f8e7d6c5b4a39281706f5e4"}, status: 200}
	api401 := hop{method: "GET", url: "https://api.example.com/v1/orders", status: 401}
	billing401 := hop{method: "GET", url: "https://billing.example.net/v1/invoices", status: 401}
	tests := []struct {
		name    string
		schema  string
		creator string
		hops    []hop
		origins []string // "" for the whole file
		says    string
	}{
		{name: "nothing anywhere (DevTools sanitized export)", schema: "chrome", creator: "WebInspector 537.36",
			hops: []hop{{method: "GET", url: "https://app.example.com/", status: 200}, gap(api401, "410")}, origins: []string{""}, says: "1 entries declare 410 bytes"},
		{name: "nothing anywhere, exporter with inexact sizes", schema: "mitmproxy", creator: "mitmproxy 10",
			hops: []hop{gap(api401, "90")}, origins: []string{""}, says: "probably removed"},
		{name: "credentials present: a real missing header", schema: "chrome", hops: []hop{page, appJS, apiOK, api401}},
		{name: "one origin's headers removed (size evidence)", schema: "playwright", hops: []hop{page, appJS, apiOK, gap(billing401, "412")},
			origins: []string{"https://billing.example.net:443"}, says: "up to 412 bytes"},
		{name: "one origin's Cookie header removed, cookies list kept", schema: "fiddler", hops: []hop{apiOK,
			{method: "GET", url: "https://billing.example.net/v1/invoices", status: 401, extras: map[string]string{"request_cookies": "2"}}},
			origins: []string{"https://billing.example.net:443"}, says: "list parsed cookies"},
		{name: "size evidence from an exporter with inexact sizes is not trusted", schema: "mitmproxy", hops: []hop{apiOK, gap(billing401, "90")}},
		{name: "cookie set and never sent back: SameSite, not sanitizing (C22)", schema: "chrome", hops: []hop{apiOK,
			{method: "GET", url: "https://billing.example.net/login", status: 200, resp: []string{"Set-Cookie: bsid=7f3a9c0e5b1d4f2a; SameSite=Strict"}},
			billing401}},
		{name: "the origin carries Authorization elsewhere", schema: "chrome", hops: []hop{apiOK, gap(api401, "300")}},
		{name: "no refused request", schema: "chrome", hops: []hop{{method: "GET", url: "https://app.example.com/", status: 200}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := runHAR(t, tt.schema, tt.creator, tt.hops...)
			var got []string
			for _, f := range fs {
				if !f.FileLevel || f.Location.Entry != -1 {
					t.Errorf("not a file-level finding: %+v", f)
				}
				got = append(got, f.Endpoint.Origin)
				if tt.says != "" && !strings.Contains(f.Message, tt.says) {
					t.Errorf("message %q lacks %q", f.Message, tt.says)
				}
			}
			if strings.Join(got, ",") != strings.Join(tt.origins, ",") {
				t.Fatalf("fired for %q, want %q: %+v", got, tt.origins, fs)
			}
		})
	}
}
