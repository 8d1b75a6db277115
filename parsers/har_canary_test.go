package parsers

import (
	"fmt"
	"strings"
	"testing"
)

// TestHARCanary: credentials in the places of a HAR entry that are not
// credential headers — a Referer's and a Location's query or fragment, the
// redirectURL, a query value not named as a credential, an API key given as
// the URL's user, a key as a path segment, the free-text _error, a garbled
// statusText — show in no rendering of the exchange.
//
// Two of them are still held in plain fields (a Param's Value when the name
// does not say "credential", URL.User), so only the display forms are
// checked for those: URL.String, PathOnly, Param.Display.
func TestHARCanary(t *testing.T) {
	canaries := []string{"CANARYreferer7d4e6", "CANARYlocation9b7d4", "CANARYredirect1a2b3",
		"AKIAIOSFODNN7CANARY0", "CANARYerror5e6f7", "CANARYstatus3c4d5e6f7a8b9c0d", "CANARYcontentloc42"}
	displayOnly := []string{"CANARYnested8c9d0", "ghp_CANARYstate0123456789abcdefghijklmnop", "sk_live_51CANARYuserAbCdEfGhIjKlMnOp"}
	entry := `{"startedDateTime":"2026-11-30T06:40:00Z","_error":"failed https://app.example.com/cb?access_token=CANARYerror5e6f7",
	"request":{"method":"GET","url":"https://sk_live_51CANARYuserAbCdEfGhIjKlMnOp:@api.example.com/v1/keys/AKIAIOSFODNN7CANARY0?state=ghp_CANARYstate0123456789abcdefghijklmnop&redirect_to=https%3A%2F%2Fapp.example.com%2Fcb%3Faccess_token%3DCANARYnested8c9d0&page=2","httpVersion":"HTTP/1.1",
		"headers":[{"name":"Referer","value":"https://app.example.com/cb?code=x&access_token=CANARYreferer7d4e6"}]},
	"response":{"status":302,"statusText":"Found CANARYstatus3c4d5e6f7a8b9c0d","httpVersion":"HTTP/1.1",
		"headers":[{"name":"Location","value":"https://app.example.com/cb#access_token=CANARYlocation9b7d4&token_type=bearer"},
			{"name":"Content-Location","value":"/v1/me?api_key=CANARYcontentloc42"}],
		"content":{"size":0,"mimeType":""},"redirectURL":"https://app.example.com/cb?token=CANARYredirect1a2b3"}}`
	recs, errs, _ := harOf(t, harHead+entry+`]}}`)
	if len(recs) != 1 || len(errs) != 0 {
		t.Fatalf("%d records, errors %v", len(recs), errs)
	}
	ex := recs[0].Exchange
	out := renderExchange(ex) + fmt.Sprintf("%v %+v\n", recs[0], ex)
	for _, c := range canaries {
		if strings.Contains(out, c) {
			t.Errorf("raw credential %s in the rendered exchange:\n%s", c, out)
		}
	}
	shown := ex.Request.URL.String() + " " + ex.Request.URL.PathOnly()
	for _, p := range ex.Request.URL.Query {
		shown += " " + p.Display()
	}
	for _, c := range append(canaries, displayOnly...) {
		if strings.Contains(shown, c) {
			t.Errorf("raw credential %s in the URL's display forms: %s", c, shown)
		}
	}
	// What the rules need survives: where the redirect points, the header
	// values as Secrets, the failure's wording.
	if ru := ex.Response.RedirectURL; !strings.HasPrefix(ru, "https://app.example.com/cb?token=") {
		t.Errorf("RedirectURL %q lost its target", ru)
	}
	for _, h := range append(ex.Request.Headers, ex.Response.Headers...) {
		if !h.Sensitive() {
			t.Errorf("%s is not held as a Secret", h.Name)
		}
	}
	if e := ex.Extra("_error"); !strings.HasPrefix(e, "failed https://app.example.com/cb?access_token=") {
		t.Errorf("_error %q", e)
	}
	if q := ex.Request.URL.String(); !strings.Contains(q, "&page=2") {
		t.Errorf("URL %q lost its plain parameters", q)
	}
}
