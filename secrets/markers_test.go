package secrets

import (
	"math/rand/v2"
	"os"
	"regexp"
	"strings"
	"testing"
)

// reMasked is the regexp the mask-run scanner (firstMaskRun) replaced.
var reMasked = regexp.MustCompile(`(\*{3,}|•{3,}|x{6,}|X{6,}|#{4,})`)

// The fast paths in IsRedactionMarker and IsPlaceholder must not change
// their results: these are the regexp-only versions they replaced.
func refIsRedactionMarker(v string) bool {
	v = strings.TrimSpace(v)
	if v == "" {
		return false
	}
	if reSanitized.MatchString(v) || reBracketed.MatchString(v) || reRedactedWord.MatchString(v) {
		return true
	}
	if loc := reMasked.FindStringIndex(v); loc != nil {
		return len(v)-(loc[1]-loc[0]) <= 16
	}
	return false
}

func refIsPlaceholder(v string) bool {
	v = strings.TrimSpace(v)
	if v == "" || len(v) > 64 {
		return false // a policy, not a fast path: nothing that long is a placeholder
	}
	if placeholderWords[strings.ToLower(v)] {
		return true
	}
	if rePlaceholderTemplate.MatchString(v) {
		// not a fast path: $NAME must read as a name (nameLike)
		return !(bareVariable(v) && !nameLike(v)) && !refIsRedactionMarker(v)
	}
	return rePlaceholderYour.MatchString(v)
}

func checkMarkerFastPaths(t *testing.T, v string) {
	if got, want := IsRedactionMarker(v), refIsRedactionMarker(v); got != want {
		t.Fatalf("IsRedactionMarker(%q) = %v, regexps say %v", v, got, want)
	}
	if got, want := IsPlaceholder(v), refIsPlaceholder(v); got != want {
		t.Fatalf("IsPlaceholder(%q) = %v, regexps say %v", v, got, want)
	}
}

func TestMarkerFastPathsAgree(t *testing.T) {
	var inputs []string
	for _, d := range Detectors() {
		inputs = append(inputs, d.MustFind...)
		inputs = append(inputs, d.MustNotFind...)
	}
	inputs = append(inputs, notLeaks...)
	for w := range placeholderWords {
		inputs = append(inputs, w, strings.ToUpper(w), " "+w+"\t")
	}
	inputs = append(inputs, "REDACTED", "redacted_abc", "Sanitized:x", "[Authorization redacted]", "<redacted>",
		"<redacted:jwt:eyJ:243:3f9a1c02b7d4>", "(hidden)", "{masked}", "****", "sk_test_****9xQz", "•••••",
		"xxxxxx", "XXXXXXXXXXXXXXXXXXXXXXXXXXX1", "####", "a####b", "${TOKEN}", "$TOKEN", "%TOKEN%", "{{token}}",
		"<token>", "[token]", ":token", "YOUR_ACCESS_TOKEN", "my-api-key", "Insert token here", "paste_secret_here",
		"KELVIN\u212a", "\u212aey", "undefıned", "ﬁltered")
	for _, f := range []string{"testdata/corpus/gitleaks/rule_cases.jsonl", "testdata/corpus/noseyparker/rule_examples.jsonl"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, strings.FieldsFunc(string(b), func(r rune) bool {
			return r == '"' || r == '\'' || r == ' ' || r == ',' || r == '='
		})...)
	}
	r := rand.New(rand.NewPCG(1, 2))
	alpha := []string{"*", "x", "X", "#", "•", "a", "R", "$", "{", "}", "<", ">", "[", "]", "(", ")", ":", "_", " ", "redacted", "your", "token", "k"}
	for i := 0; i < 20000; i++ {
		var b strings.Builder
		for n := r.IntN(12); n >= 0; n-- {
			b.WriteString(alpha[r.IntN(len(alpha))])
		}
		inputs = append(inputs, b.String())
	}
	for _, v := range inputs {
		checkMarkerFastPaths(t, v)
	}
}

func FuzzMarkerFastPaths(f *testing.F) {
	for _, s := range []string{"REDACTED", "sk_test_****9xQz", "${TOKEN}", "your_token", "<redacted:a:b:1:f>"} {
		f.Add(s)
	}
	f.Fuzz(checkMarkerFastPaths)
}

// TestBareVariableReadsAsName: $NAME is a placeholder only when NAME reads
// as a variable's name; a password that starts with $ is a credential (it
// must be sanitized, and its display form must not show it).
func TestBareVariableReadsAsName(t *testing.T) {
	for v, want := range map[string]bool{
		"$TOKEN": true, "$API_KEY_V2": true, "$apiKey": true, "$access_token": true, ":token": true, "${Pa55w0rd}": true,
		"$token2": true, "$api_key_v2": true, "$oauth2_token": true, ":token1": true, "$userAccessTokenValue": true, "$TOKEN_2024": true,
		"$api_token_v2": true, "$getHTTPToken": true, "$xKqLmNoP": false, "$token12345": false,
		"$ecretPassw0rd": false, "$Pa55word": false, "$aBcDeFgHiJ": false, ":xY7zQ9wE3": false, "$ABCD1234EF": false,
	} {
		if got := IsPlaceholder(v); got != want {
			t.Errorf("IsPlaceholder(%q) = %v, want %v", v, got, want)
		}
	}
}
