package secrets

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// The public test cases of other scanners (testdata/corpus) run against our
// detector families. A case is an upstream rule's must-find ("tp") or
// must-not-find ("fp") text. Our families group detectors by what they find;
// a match belongs to a family by its detector, the kind of its Secret, its
// provider or its scheme (so a JWT reported as an Authorization header
// still counts for the jwt family). An fp case fails when a match of the
// same family is reported; matches of other families are counted apart
// ("other"), since upstream labels speak for one rule only.
type family struct {
	detectors []string
	kinds     []Kind
	providers []string
	scheme    string
}

var families = map[string]family{
	"jwt":          {detectors: []string{"jwt"}, kinds: []Kind{KindJWT, KindJWE}},
	"bearer":       {detectors: []string{"bearer-token"}, scheme: "Bearer"},
	"basic-auth":   {detectors: []string{"basic-auth"}, kinds: []Kind{KindBasic}},
	"auth-header":  {detectors: []string{"authorization-header", "api-key-header", "bearer-token", "basic-auth"}},
	"cookie":       {detectors: []string{"cookie"}},
	"url-password": {detectors: []string{"url-password"}},
	"curl-user":    {detectors: []string{"curl-user"}},
	"named-value":  {detectors: []string{"json-field", "key-value", "query-param", "api-key-header", "aws-secret-key"}},
	"private-key":  {detectors: []string{"private-key"}},
	"github":       {providers: []string{"github"}},
	"gitlab":       {providers: []string{"gitlab"}},
	"slack":        {providers: []string{"slack"}},
	"stripe":       {providers: []string{"stripe"}},
	"aws":          {providers: []string{"aws"}},
	"google":       {providers: []string{"google"}},
	"openai":       {providers: []string{"openai"}},
	"anthropic":    {providers: []string{"anthropic"}},
	"twilio":       {providers: []string{"twilio"}},
	"sendgrid":     {providers: []string{"sendgrid"}},
	"shopify":      {providers: []string{"shopify"}},
	"square":       {providers: []string{"square"}},
	"okta":         {providers: []string{"okta"}},
	"npm":          {providers: []string{"npm"}},
}

func (f family) member(m Match) bool {
	return slices.Contains(f.detectors, m.Detector) || slices.Contains(f.kinds, m.Secret.Kind()) ||
		slices.Contains(f.providers, m.Provider) ||
		f.scheme != "" && m.Detector == "authorization-header" && strings.EqualFold(m.Scheme, f.scheme)
}

// Upstream rule → our family; "" leaves the rule out (not covered).
func gitleaksFamily(rule string) string {
	p := strings.HasPrefix
	switch {
	case rule == "jwt" || rule == "jwt-base64":
		return "jwt"
	case rule == "curl-auth-header":
		return "auth-header"
	case rule == "curl-auth-user":
		return "curl-user"
	case rule == "generic-api-key":
		return "named-value"
	case p(rule, "github-"):
		return "github"
	case p(rule, "gitlab-"):
		return "gitlab"
	case p(rule, "slack-"):
		return "slack"
	case rule == "stripe-access-token":
		return "stripe"
	case p(rule, "square-"):
		return "square"
	case rule == "aws-access-token":
		return "aws"
	case rule == "gcp-api-key":
		return "google"
	case rule == "openai-api-key":
		return "openai"
	case p(rule, "anthropic-"):
		return "anthropic"
	case rule == "okta-access-token":
		return "okta"
	case rule == "private-key":
		return "private-key"
	}
	return ""
}

func noseyparkerFamily(rule string) string {
	switch rule {
	case "np.http.1":
		return "basic-auth"
	case "np.http.2":
		return "bearer"
	case "np.jwt.1":
		return "jwt"
	case "np.jwt.2", "np.jwt.3", "np.github.6", "np.google.2", "np.google.3", "np.google.6",
		"np.generic.1", "np.generic.2", "np.generic.3", "np.generic.4", "np.generic.5", "np.generic.6":
		return "named-value"
	case "np.github.1", "np.github.2", "np.github.3", "np.github.4", "np.github.7":
		return "github"
	case "np.gitlab.1", "np.gitlab.2", "np.gitlab.3":
		return "gitlab"
	case "np.slack.2", "np.slack.3", "np.slack.4", "np.slack.5", "np.slack.6":
		return "slack"
	case "np.stripe.1", "np.stripe.2":
		return "stripe"
	case "np.aws.1", "np.aws.2", "np.aws.6":
		return "aws"
	case "np.google.4", "np.google.5":
		return "google"
	case "np.openai.1":
		return "openai"
	case "np.anthropic.1":
		return "anthropic"
	case "np.sendgrid.1":
		return "sendgrid"
	case "np.shopify.2", "np.shopify.3", "np.shopify.4", "np.shopify.5":
		return "shopify"
	case "np.square.1", "np.square.2":
		return "square"
	case "np.twilio.1":
		return "twilio"
	case "np.okta.1":
		return "okta"
	case "np.npm.1":
		return "npm"
	case "np.pem.1":
		return "private-key"
	}
	return ""
}

func detectSecretsFamily(plugin string) string {
	switch plugin {
	case "jwt", "slack", "npm", "openai", "sendgrid", "twilio":
		return plugin
	case "basic_auth":
		return "url-password"
	case "stripe_key":
		return "stripe"
	case "github_token":
		return "github"
	case "gitlab_token":
		return "gitlab"
	case "private_key":
		return "private-key"
	case "square_oauth":
		return "square"
	}
	return ""
}

func osvFamily(source string) string {
	switch source {
	case "bearer_test.go":
		return "bearer"
	case "basicauth_test.go":
		return "basic-auth"
	case "cookie_test.go":
		return "cookie"
	}
	return "" // csrf_test.go: anti-CSRF tokens are not credentials (names.go)
}

type corpusCase struct {
	source, family, rule, label, text string
}

type familyScore struct {
	tp, found, fp, falsePos, fpOther int
}

const corpusDir = "testdata/corpus"

func loadJSONL(t *testing.T, path string, fn func(map[string]any)) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(corpusDir, path))
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var row map[string]any
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		fn(row)
	}
}

func field(row map[string]any, k string) string { s, _ := row[k].(string); return s }

func loadCorpus(t *testing.T) (cases []corpusCase, skipped map[string]int) {
	skipped = map[string]int{}
	add := func(source, fam, rule, label, text string) {
		if fam == "" {
			skipped[source]++
			return
		}
		cases = append(cases, corpusCase{source, fam, rule, label, text})
	}
	loadJSONL(t, "gitleaks/rule_cases.jsonl", func(r map[string]any) {
		add("gitleaks", gitleaksFamily(field(r, "rule_id")), field(r, "rule_id"), field(r, "label"), field(r, "text"))
	})
	loadJSONL(t, "noseyparker/rule_examples.jsonl", func(r map[string]any) {
		add("noseyparker", noseyparkerFamily(field(r, "rule_id")), field(r, "rule_id"), field(r, "label"), field(r, "text"))
	})
	loadJSONL(t, "detect-secrets/plugin_cases.jsonl", func(r map[string]any) {
		add("detect-secrets", detectSecretsFamily(field(r, "plugin")), field(r, "plugin"), field(r, "label"), field(r, "text"))
	})
	loadJSONL(t, "osv-scalibr-veles-http/cases.jsonl", func(r map[string]any) {
		text := field(r, "input")
		if f := field(r, "file"); f != "" {
			b, err := os.ReadFile(filepath.Join(corpusDir, "osv-scalibr-veles-http/testdata", f))
			if err != nil {
				skipped["osv-scalibr (file not copied)"]++
				return
			}
			text = string(b)
		}
		add("osv-scalibr", osvFamily(field(r, "source")), field(r, "name"), field(r, "label"), text)
	})
	// GitHub's custom-pattern inputs: the false-positive section of the
	// JWT example and the placeholder Bearer tokens its pattern ignores.
	ex, err := os.ReadFile(filepath.Join(corpusDir, "github-custom-patterns/jwt/example.txt"))
	if err != nil {
		t.Fatal(err)
	}
	_, fps, _ := strings.Cut(string(ex), "# False Positives")
	for _, l := range strings.Split(fps, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			add("github-patterns", "jwt", "jwt", "fp", l)
		}
	}
	br, err := os.ReadFile(filepath.Join(corpusDir, "github-custom-patterns/generic/bearer.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(br), "\n") {
		if strings.Contains(l, "Bearer") {
			add("github-patterns", "bearer", "bearer", "fp", l)
		}
	}
	return cases, skipped
}

// scoreCorpus runs every case. An fp text that the same source labels tp
// for a sibling rule of the same family (np.slack.2's fp is np.slack.4's
// tp) is a labelling artefact and is left out.
func scoreCorpus(cases []corpusCase) (map[[2]string]*familyScore, []string) {
	tpText := map[[3]string]bool{}
	for _, c := range cases {
		if c.label == "tp" {
			tpText[[3]string{c.source, c.family, c.text}] = true
		}
	}
	scores := map[[2]string]*familyScore{}
	var misses []string
	for _, c := range cases {
		if c.label == "fp" && tpText[[3]string{c.source, c.family, c.text}] {
			continue
		}
		k := [2]string{c.source, c.family}
		sc := scores[k]
		if sc == nil {
			sc = &familyScore{}
			scores[k] = sc
		}
		fam := families[c.family]
		in, other := false, false
		for _, line := range strings.Split(c.text, "\n") {
			ScanLine([]byte(line), func(m Match) {
				if fam.member(m) {
					in = true
				} else {
					other = true
				}
			})
		}
		switch c.label {
		case "tp":
			sc.tp++
			if in {
				sc.found++
			} else {
				misses = append(misses, fmt.Sprintf("miss %s/%s %s: %.90q", c.source, c.family, c.rule, c.text))
			}
		case "fp":
			sc.fp++
			if in {
				sc.falsePos++
				misses = append(misses, fmt.Sprintf("false positive %s/%s %s: %.90q", c.source, c.family, c.rule, c.text))
			} else if other {
				sc.fpOther++
			}
		}
	}
	return scores, misses
}

// corpusFloor is what the detectors reach on the corpus: the test fails if
// a family finds fewer cases or reports more false positives. Raise the
// numbers when the detectors improve.
var corpusFloor = map[[2]string]familyScore{
	{"detect-secrets", "github"}:       {tp: 1, found: 1, fp: 2, falsePos: 0},
	{"detect-secrets", "gitlab"}:       {tp: 9, found: 9, fp: 14, falsePos: 0},
	{"detect-secrets", "jwt"}:          {tp: 6, found: 3, fp: 8, falsePos: 0},
	{"detect-secrets", "npm"}:          {tp: 4, found: 3, fp: 6, falsePos: 0},
	{"detect-secrets", "openai"}:       {tp: 2, found: 2, fp: 1, falsePos: 0},
	{"detect-secrets", "private-key"}:  {tp: 2, found: 2, fp: 0, falsePos: 0},
	{"detect-secrets", "sendgrid"}:     {tp: 1, found: 1, fp: 3, falsePos: 0},
	{"detect-secrets", "slack"}:        {tp: 8, found: 7, fp: 0, falsePos: 0},
	{"detect-secrets", "square"}:       {tp: 1, found: 1, fp: 0, falsePos: 0},
	{"detect-secrets", "stripe"}:       {tp: 2, found: 2, fp: 2, falsePos: 0},
	{"detect-secrets", "twilio"}:       {tp: 2, found: 0, fp: 0, falsePos: 0},
	{"detect-secrets", "url-password"}: {tp: 1, found: 0, fp: 5, falsePos: 0},
	{"github-patterns", "bearer"}:      {tp: 0, found: 0, fp: 2, falsePos: 0},
	{"github-patterns", "jwt"}:         {tp: 0, found: 0, fp: 2, falsePos: 0},
	{"gitleaks", "anthropic"}:          {tp: 2, found: 2, fp: 5, falsePos: 1},
	{"gitleaks", "auth-header"}:        {tp: 18, found: 17, fp: 9, falsePos: 1},
	{"gitleaks", "aws"}:                {tp: 0, found: 0, fp: 5, falsePos: 0},
	{"gitleaks", "curl-user"}:          {tp: 11, found: 10, fp: 23, falsePos: 0},
	{"gitleaks", "github"}:             {tp: 0, found: 0, fp: 6, falsePos: 0},
	{"gitleaks", "gitlab"}:             {tp: 0, found: 0, fp: 6, falsePos: 0},
	{"gitleaks", "google"}:             {tp: 1, found: 1, fp: 20, falsePos: 16},
	{"gitleaks", "jwt"}:                {tp: 31, found: 30, fp: 1, falsePos: 0},
	{"gitleaks", "named-value"}:        {tp: 5, found: 4, fp: 70, falsePos: 1},
	{"gitleaks", "okta"}:               {tp: 2, found: 2, fp: 2, falsePos: 0},
	{"gitleaks", "openai"}:             {tp: 9, found: 9, fp: 0, falsePos: 0},
	{"gitleaks", "private-key"}:        {tp: 3, found: 3, fp: 2, falsePos: 1},
	{"gitleaks", "slack"}:              {tp: 37, found: 37, fp: 20, falsePos: 0},
	{"gitleaks", "square"}:             {tp: 3, found: 3, fp: 1, falsePos: 0},
	{"gitleaks", "stripe"}:             {tp: 2, found: 2, fp: 0, falsePos: 0},
	{"noseyparker", "anthropic"}:       {tp: 2, found: 2, fp: 0, falsePos: 0},
	{"noseyparker", "aws"}:             {tp: 7, found: 4, fp: 13, falsePos: 0},
	{"noseyparker", "basic-auth"}:      {tp: 1, found: 1, fp: 0, falsePos: 0},
	{"noseyparker", "bearer"}:          {tp: 1, found: 1, fp: 0, falsePos: 0},
	{"noseyparker", "github"}:          {tp: 9, found: 7, fp: 0, falsePos: 0},
	{"noseyparker", "gitlab"}:          {tp: 3, found: 3, fp: 0, falsePos: 0},
	{"noseyparker", "google"}:          {tp: 4, found: 4, fp: 0, falsePos: 0},
	{"noseyparker", "jwt"}:             {tp: 2, found: 1, fp: 2, falsePos: 0},
	{"noseyparker", "named-value"}:     {tp: 40, found: 33, fp: 25, falsePos: 3},
	{"noseyparker", "npm"}:             {tp: 1, found: 1, fp: 1, falsePos: 0},
	{"noseyparker", "okta"}:            {tp: 5, found: 1, fp: 4, falsePos: 0},
	{"noseyparker", "openai"}:          {tp: 1, found: 1, fp: 0, falsePos: 0},
	{"noseyparker", "private-key"}:     {tp: 3, found: 3, fp: 0, falsePos: 0},
	{"noseyparker", "sendgrid"}:        {tp: 2, found: 2, fp: 0, falsePos: 0},
	{"noseyparker", "shopify"}:         {tp: 5, found: 5, fp: 0, falsePos: 0},
	{"noseyparker", "slack"}:           {tp: 12, found: 11, fp: 0, falsePos: 0},
	{"noseyparker", "square"}:          {tp: 4, found: 4, fp: 0, falsePos: 0},
	{"noseyparker", "stripe"}:          {tp: 3, found: 3, fp: 0, falsePos: 0},
	{"noseyparker", "twilio"}:          {tp: 2, found: 2, fp: 0, falsePos: 0},
	{"osv-scalibr", "basic-auth"}:      {tp: 5, found: 5, fp: 7, falsePos: 0},
	{"osv-scalibr", "bearer"}:          {tp: 11, found: 11, fp: 5, falsePos: 0},
	{"osv-scalibr", "cookie"}:          {tp: 11, found: 11, fp: 16, falsePos: 2},
}

func TestCorpusFamilies(t *testing.T) {
	cases, skipped := loadCorpus(t)
	scores, misses := scoreCorpus(cases)
	keys := make([][2]string, 0, len(scores))
	for k := range scores {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i][1] != keys[j][1] {
			return keys[i][1] < keys[j][1]
		}
		return keys[i][0] < keys[j][0]
	})
	var b strings.Builder
	fmt.Fprintf(&b, "\n| family | source | must-find cases | found | rate | must-not cases | false positives | other detectors fired |\n|---|---|---|---|---|---|---|---|\n")
	var tot familyScore
	for _, k := range keys {
		s := scores[k]
		rate := "–"
		if s.tp > 0 {
			rate = strconv.Itoa(100*s.found/s.tp) + " %"
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %d | %s | %d | %d | %d |\n", k[1], k[0], s.tp, s.found, rate, s.fp, s.falsePos, s.fpOther)
		tot.tp += s.tp
		tot.found += s.found
		tot.fp += s.fp
		tot.falsePos += s.falsePos
		tot.fpOther += s.fpOther
		if want, ok := corpusFloor[k]; ok {
			if s.tp != want.tp || s.fp != want.fp {
				t.Errorf("%s/%s: case counts changed: %d/%d must-find, %d/%d must-not", k[1], k[0], s.tp, want.tp, s.fp, want.fp)
			}
			if s.found < want.found {
				t.Errorf("%s/%s: found %d of %d must-find cases, floor %d", k[1], k[0], s.found, s.tp, want.found)
			}
			if s.falsePos > want.falsePos {
				t.Errorf("%s/%s: %d false positives in %d must-not cases, ceiling %d", k[1], k[0], s.falsePos, s.fp, want.falsePos)
			}
		} else {
			t.Errorf("%s/%s: no floor recorded: {%d, %d, %d, %d}", k[1], k[0], s.tp, s.found, s.fp, s.falsePos)
		}
	}
	fmt.Fprintf(&b, "| **total** | | %d | %d | %d %% | %d | %d | %d |\n", tot.tp, tot.found, 100*tot.found/max(tot.tp, 1), tot.fp, tot.falsePos, tot.fpOther)
	names := make([]string, 0, len(skipped))
	for s, n := range skipped {
		names = append(names, fmt.Sprintf("%s %d", s, n))
	}
	sort.Strings(names)
	fmt.Fprintf(&b, "cases of rules outside our families: %s\n", strings.Join(names, ", "))
	t.Log(b.String())
	if testing.Verbose() {
		for _, m := range misses {
			t.Log(m)
		}
	}
}

// TestGitHubJWTSnapshots: GitHub's snapshot CSVs store the SHA-256 of each
// secret with its line and columns; ours must agree byte for byte.
func TestGitHubJWTSnapshots(t *testing.T) {
	f, err := os.Open(filepath.Join(corpusDir, "github-custom-patterns/jwt/__snapshots__/jwt.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, row := range rows[1:] {
		hash, path := row[2], row[3]
		line, _ := strconv.Atoi(row[4])
		startCol, _ := strconv.Atoi(row[6])
		endCol, _ := strconv.Atoi(row[7])
		data, err := os.ReadFile(filepath.Join(corpusDir, "github-custom-patterns", path))
		if err != nil {
			continue // owasp-juice-shop.ts is not part of the corpus
		}
		// Columns are 1-based with an exclusive end. Lines are not
		// compared: example.txt's copy starts with a blank line the
		// snapshot does not count.
		ok := false
		for _, text := range strings.Split(string(data), "\n") {
			ScanLine([]byte(text), func(m Match) {
				sum := sha256.Sum256([]byte(m.Secret.Reveal()))
				if hex.EncodeToString(sum[:]) == hash && m.Start+1 == startCol && m.End+1 == endCol {
					ok = true
				}
			})
		}
		if !ok {
			t.Errorf("%s (line %d): no match with the snapshot's hash at columns %d-%d", path, line, startCol, endCol)
		}
		checked++
	}
	if checked != 2 {
		t.Errorf("checked %d snapshot rows, want 2", checked)
	}
}
