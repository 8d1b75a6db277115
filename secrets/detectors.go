package secrets

import "sort"

// Detector describes one way credentials are found. The list is explicit
// and sorted (Detectors); a test runs every detector's examples.
type Detector struct {
	// Name is the stable ID reported in Match.Detector and in findings.
	Name string
	// Provider is the service the detector's credentials belong to, "" for
	// detectors that find any provider's credentials.
	Provider string
	// Doc says in one line what the detector finds.
	Doc string
	// Keywords are the literals that start a candidate. For a format
	// detector they are the case-sensitive prefixes of the format, looked up
	// at each word start by the prefilter; for a context detector they are
	// the names or bytes it keys on (documentation only).
	Keywords []string
	// MustFind are lines in which the detector must report a credential.
	MustFind []string
	// MustNotFind are lines in which it must not.
	MustNotFind []string

	rank  int
	match formatFunc // nil for context detectors, which start at ':' and '='
}

// formatFunc checks the candidate whose keyword starts at i.
type formatFunc func(s *Scanner, line []byte, i int) (formatResult, bool)

type formatResult struct {
	start, end int
	env        Environment
	kind       Kind
	scheme     string
}

// Ranks decide which detector reports bytes that several found (see
// Scanner.resolve): the transport contexts (Authorization, cookie, URL
// userinfo, API-key header, query string) beat the formats; the formats beat
// the generic "named like a credential" detectors (json-field, key-value).
const (
	rankKeyValue   = 40
	rankJSONField  = 45
	rankAWSSecret  = 48
	rankFormat     = 50
	rankPrivateKey = 55
	rankScheme     = 65 // a "Bearer x" or "Basic x" outside a header
	rankQuery      = 80
	rankHeader     = 85
	rankCurlUser   = 88
	rankURL        = 90
	rankCookie     = 95
	rankAuthz      = 100
)

// The context detectors, which start at a separator (detect_context.go).
var (
	detAuthorization = &Detector{Name: "authorization-header", rank: rankAuthz,
		Doc:      "the credential in an Authorization or Proxy-Authorization value, any scheme, in header text, JSON logs (also http_authorization, request_Authorization, [\"…\"] arrays) and curl -v output",
		Keywords: []string{"authorization:", "proxy-authorization:", `"authorization":`, "http_authorization", "request_Authorization"},
		MustFind: []string{
			"> Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTEiLCJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwiZXhwIjoxNzAwMDAzNjAwfQ.drG-CLZ4X8vp72Ak4qgSUSEmwijs456o55lXfADa-2U",
			`{"http_authorization":"Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0","status":401}`,
			`{"headers":{"Authorization":["Basic ZGVwbG95OnMzY3IzdC1QYTU1"]}}`,
			`{"request_Authorization":"Token 22cb987851bc5659229114c62e60c79abd0d2c08"}`,
			"* [HTTP/2] [1] [authorization: Bearer opaque-Token-8c1f2a9b7d]",
			"* h2h3 [authorization: Bearer opaque-Token-8c1f2a9b7d]",
			`127.0.0.1 - - [24/Apr/2026:10:29:30 +0000] "GET / HTTP/1.1" 200 896 Authorization: "Bearer nginx_prod_jwt_token_777" Cookie: "-"`,
			`curl -H "Proxy-Authorization: Basic ZGVwbG95OnMzY3IzdC1QYTU1" https://example.com`,
			`{"raw":"GET / HTTP/1.1\r\nAuthorization: SSWS 00BAHS0GNzLZKF2zuJDMB0LO5UHWfCFWn05Gq59Pb2\r\n"}`,
			"Authorization: eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
		},
		MustNotFind: []string{
			"Authorization: Bearer REDACTED",
			`{"Authorization":["REDACTED"]}`,
			`{"http_authorization":"","http_cookie":""}`,
			"Authorization: Bearer ${TOKEN}",
			"Authorization: Bearer <token>",
			"Authorization: Bearer sk_test_****9xQz",
			"Authorization: Bearer <redacted:jwt:eyJ:243:3f9a1c02b7d4>",
			"Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTEifQ.<redacted:sig::43:3f9a1c02b7d4>",
			`{"authorization":"-"}`,
			`< WWW-Authenticate: Bearer realm="api.example.com", error="invalid_token"`,
			"Authorization: Bearer this_is_just_a_test",
			`    config.headers.Authorization = tokenService.getAuthorizationHeader();`,
			// this tool's own reports: display forms, advice, escaped placeholders
			"request.headers.Authorization: Bearer jwt eyJ…(268 chars) #82cb8cbd3d94 | JWT claims: alg=HS256",
			"authorization: Bearer opaque (17 chars) #19eb775532d7",
			`request.headers.Authorization: Bearer placeholder "<token>"`,
			`Use the scheme the server challenges with, e.g. "Authorization: Basic base64(user:password)"`,
			`- **Fix:** Send the scheme once: "Authorization: Bearer &lt;token&gt;". Strip`,
		}}
	detCookie = &Detector{Name: "cookie", rank: rankCookie,
		Doc:      "each cookie value in a Cookie header, and the cookie of a Set-Cookie header (not its attributes)",
		Keywords: []string{"cookie:", "set-cookie:", `"cookie":`, "http_cookie"},
		MustFind: []string{
			"Cookie: session_id=3f2a9c1b7d4e; theme=dark",
			"Set-Cookie: sid=s%3AEXAMPLE-8c1f2a9b.Zx3kQ; Path=/; HttpOnly; Secure",
			`{"headers":{"Cookie":["auth-token=eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."]}}`,
			`INFO user logged in Cookie: "user=admin; session=xyz123" [thread-4] status=200`,
		},
		MustNotFind: []string{
			"Cookie: ",
			"Cookie: ;",
			`{"Cookie":[]}`,
			"X-Forwarded-Cookie: a=1",
			`curl -H "Cookie: session_id=${LATEST_SESSION}" https://api.example.com`,
			"Set-Cookie: session=deleted; expires=Thu, 01 Jan 1970 00:00:00 GMT",
			"Cookie: _ga=GA1.2.1871276535.1700000000; theme=dark; csrftoken=Zx3kQ8c1f2a9b7d4e6",
		}}
	detAPIKeyHeader = &Detector{Name: "api-key-header", rank: rankHeader,
		Doc:         "the value of an API-key-like header (X-Api-Key, Api-Key, X-Auth-Token, Private-Token, ...: IsCredentialHeader) in header text or JSON",
		Keywords:    []string{"x-api-key:", "api-key:", "x-auth-token:", "private-token:"},
		MustFind:    []string{"X-Api-Key: 3a16750d-d363-41a4-8ebd-035408f7730f", `{"X-Auth-Token":"c4ed6c219dd54a058e3fc56d1151cce8"}`, `curl -H "x-goog-api-key: AIzaAIDhXzK2QkI3cBXkLjSgSOUpTP-j33ZyXOi" https://x`},
		MustNotFind: []string{"X-Api-Key: -", "X-Api-Key: $API_KEY", "X-CSRF-Token: 9876543210fedcba9876543210fedcba", `{"x_api_key":"-"}`},
	}
	detQueryParam = &Detector{Name: "query-param", rank: rankQuery,
		Doc:      "a credential-named query or form parameter (access_token, api_key, token, client_secret, password, ...: IsCredentialParam); the value ends at & # quotes , blanks or \\",
		Keywords: []string{"?access_token=", "&api_key=", "&client_secret=", "\\u0026token="},
		MustFind: []string{
			"GET /v1/me?access_token=9f8e7d6c5b4a39281706f5e4d3c2b1a0&page=2 HTTP/1.1",
			`{"uri":"/cb?x=1\u0026api_key=AbCdEf123456\u0026y=2"}`,
			"grant_type=client_credentials&client_id=billing-app&client_secret=cs_4f9d2b7e1a6c8d0e",
			"https://app.example.com/callback#access_token=Zx3kQ8c1f2a9b7d4e6&token_type=Bearer",
		},
		MustNotFind: []string{"/search?q=token&page=2", "/v1/items?page_token=CgsI2sWv8AUQ&limit=5", "/x?access_token=&y=1", "/x?password=***&y=1", "/x?state=af0ifjsldkj&code=SplxlOBeZQQYbYS6WxSbIA"},
	}
	detJSONField = &Detector{Name: "json-field", rank: rankJSONField,
		Doc:         `a JSON string field named like a credential ("access_token", "api_key", "client_secret", "password", "refresh_token", ...) at any depth, also JSON escaped inside a JSON string`,
		Keywords:    []string{`"access_token":`, `"password":`, `"client_secret":`},
		MustFind:    []string{`{"access_token":"9f8e7d6c5b4a39281706f5e4d3c2b1a0","token_type":"Bearer","expires_in":3600}`, `{"msg":"{\"password\":\"hunter2!\"}"}`, `{"user":{"credentials":{"refresh_token":"rt_9f8e7d6c5b4a39281706f5e4d3c2b1a0"}}}`},
		MustNotFind: []string{`{"password":""}`, `{"password":null}`, `{"token_type":"Bearer"}`, `{"key":"uploads/2024/photo.jpg"}`, `{"password":{"type":"string"}}`, `{"csrf_token":"a1b2c3d4e5f6g7h8i9j0"}`, `{"public_key":"9Cnzj4p4WGeKLs1Pt8QuKUpRKfFLfRYC9AIKjbJTWit"}`},
	}
	detKeyValue = &Detector{Name: "key-value", rank: rankKeyValue,
		Doc:      "a credential-named key=value, key: value or key := value pair outside URLs and JSON (logfmt, .env, YAML, shell, code)",
		Keywords: []string{"password=", "token=", "secret:", "_TOKEN="},
		MustFind: []string{"level=warn msg=\"login failed\" user=bob password=Tr0ub4dor-3", "export GITLAB_TOKEN=Zx3kQ8c1f2a9b7d4e6f5", "client_secret: 6da89121079f83b2eb6acccf8219ea98"},
		MustNotFind: []string{"password=", "token = None", "if password == other {", "session=12", "secret: ${SECRET}",
			"api_key: stripe sk_live_…(52 chars) #d9de5c1e2270", "client_secret: opaque (6 chars) #0c9f5daec744"},
	}
	detURLPassword = &Detector{Name: "url-password", rank: rankURL,
		Doc:         "the password in URL userinfo, scheme://user:password@host",
		Keywords:    []string{"://"},
		MustFind:    []string{`"referer":"https://deploy:Zx3kQ8c1f2a9@ci.example.com/job/1"`, "postgres://app:s3cr3t-Pa55@db.internal:5432/app"},
		MustNotFind: []string{"https://url:8000 @something else", "https://user:****@host.example.com", "http://localhost:5000/<%= @variable %>", "https://user@github.com/x", "redis://:${REDIS_PASSWORD}@cache:6379"},
	}
	detAWSSecretKey = &Detector{Name: "aws-secret-key", Provider: "aws", rank: rankAWSSecret,
		Doc:         "a 40-character AWS secret access key under a name that says so (aws_secret_access_key, SecretAccessKey, ...)",
		Keywords:    []string{"aws_secret_access_key", "SecretAccessKey"},
		MustFind:    []string{"aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/FOPfSRzJsqtz182Rjm", `{"Credentials":{"SecretAccessKey":"wJalrXUtnFEMI/K7MDENG/FOPfSRzJsqtz182Rjm"}}`},
		MustNotFind: []string{"aws_secret_access_key = aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},
	}
)

var formatDetectors = []*Detector{
	{Name: "jwt", rank: rankFormat, match: matchJWT,
		Doc:      "a compact JWS (any alg, HS* and none included: an empty signature is reported) or JWE whose header decodes to a JSON object with alg",
		Keywords: []string{"eyJ"},
		MustFind: []string{
			"token=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTEiLCJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20vIiwiZXhwIjoxNzAwMDAzNjAwfQ.drG-CLZ4X8vp72Ak4qgSUSEmwijs456o55lXfADa-2U",
			"jwt eyJhbGciOiJSUzI1NiIsInR5cCI6ImF0K2p3dCIsImtpZCI6ImsxIn0.eyJzdWIiOiJzdmMiLCJpc3MiOiJodHRwczovL2xvZ2luLnNhbmRib3guZXhhbXBsZS5jb20vIiwic2NvcGUiOiJyZWFkIn0.fvz0Hxhs2y8NZkYhLY2bZqVWlxS7LrVbgdBqfiucy_Q used",
			`String tokenWithNoneAlg = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.";`,
			"id eyJhbGciOiAiZGlyIiwgImVuYyI6ICJBMjU2R0NNIn0..iv_AbCdEfGhIjKl.cipher_AbCdEfGhIjKlMnOp.tag_AbCdEfGhIjKlMn",
			"/cb#id_token%3DeyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
		},
		MustNotFind: []string{
			"GET /state/eyJwYWdlIjoyLCJzb3J0IjoibmFtZSJ9 HTTP/1.1",
			"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",
			"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTEifQ.<redacted:sig::43:3f9a1c02b7d4>",
			"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTEifQ.REDACTED",
			"eyJBB.eyJCC.eyJDDDD",
			`<add key="x" value="eyJ0eXAiOiAiVENWMiJ9.RkNWLXdXS3M1RVBfencxM4A0WmJzdVlCQzFj.OGY1OWRkNGMtYTUxYS04ZDYwLWFiZGYtZWE5MWFhZWJiODhh" />`,
		}},
	{Name: "github-pat", Provider: "github", rank: rankFormat, match: matchGitHub,
		Doc:         "a GitHub classic personal access token ghp_ whose CRC32 checksum (last 6 characters, base62) is valid",
		Keywords:    []string{"ghp_"},
		MustFind:    []string{"GITHUB_KEY=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", "git remote add origin https://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@github.com/o/r.git"},
		MustNotFind: []string{"ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "ghp_Ky9Pf34qY6Nb3wWD25RQ4F5ZR3qa7y3gm1IM", "foo_Ky9Pf34qY6Nb3wWD25RQ4F5ZR3qa7y3gm1IL"}},
	{Name: "github-oauth", Provider: "github", rank: rankFormat, match: matchGitHub,
		Doc: "a GitHub OAuth access token gho_ with a valid checksum", Keywords: []string{"gho_"},
		MustFind: []string{"oauth_token: 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"}, MustNotFind: []string{"gho_Eeeby3abP3E2Zs8IQ9Y7aJZqhB6bae2dTjzy"}},
	{Name: "github-app-token", Provider: "github", rank: rankFormat, match: matchGitHub,
		Doc: "a GitHub App user-to-server (ghu_) or installation (ghs_) token, checksum-validated at the classic length", Keywords: []string{"ghu_", "ghs_"},
		MustFind: []string{`"token": "ghu_CN6Zj4a3dDVhYRnKTbxTNJFoBinF5a42GyMy",`, "git clone https://ghs_JXVuLkSIc47WQAmL9xVQ2zg4mZaouq416qWT@github.com/o/r.git"}, MustNotFind: []string{"ghs_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}},
	{Name: "github-refresh-token", Provider: "github", rank: rankFormat, match: matchGitHub,
		Doc: "a GitHub refresh token ghr_", Keywords: []string{"ghr_"},
		MustFind: []string{"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", `"refresh_token": "ghr_1B4a2e77838347a7E420ce178F2E7c6912E169246c3CE1ccbF66C46812d16D5B1A9Dc86A1498",`}, MustNotFind: []string{"ghr_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}},
	{Name: "github-fine-grained-pat", Provider: "github", rank: rankFormat, match: matchGitHub,
		Doc: "a GitHub fine-grained personal access token github_pat_", Keywords: []string{"github_pat_"},
		MustFind:    []string{"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"},
		MustNotFind: []string{"github_pat_xxxxxxxxxxxxxxxxxxxxxx_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}},
	{Name: "gitlab-token", Provider: "gitlab", rank: rankFormat, match: matchGitLab,
		Doc:         "a GitLab token: personal (glpat-), deploy (gldt-), pipeline trigger (glptt-), runner (glrt-, GR1348941), CI job (glcbt-), incoming mail (glimt-), OAuth secret (gloas-), service account (glsoat-), feed (glft-)",
		Keywords:    []string{"glpat-", "gldt-", "glptt-", "glrt-", "glcbt-", "glimt-", "gloas-", "glsoat-", "glft-", "GR1348941"},
		MustFind:    []string{"--build-arg 'GO_REPO_TOKEN=glpat-IjXITTTn7vZCJ5xU1IT4'", "glptt-0d66598d696a02da33fb65e2a041f607c68ea50d"},
		MustNotFind: []string{"glpat-XXXXXXXXXXX-XXXXXXXX", "glpat-hellOWorld380 testin", "glptt-hellOworld380_testin"}},
	{Name: "slack-token", Provider: "slack", rank: rankFormat, match: matchSlack,
		Doc:         "a Slack token: bot xoxb-, user xoxp-, workspace xoxa-, legacy xoxs-/xoxo-/xoxr-, rotating xoxe.xoxp-, refresh xoxe-, app-level xapp-",
		Keywords:    []string{"xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xoxo-", "xoxe-", "xoxe.xoxb-", "xoxe.xoxp-", "xapp-"},
		MustFind:    []string{"SLACK_API_TOKEN=xoxb-330792440268-5995289078666-P6UeP3C4DSA7Lc360a9Y6yNd", `"token1": "xapp-1-A052FGTS2DL-5171572773297-610b6a11f4b7eb819e87b767d80e6575a3634791acb9a9ead051da879eb5b55e"`, `python log_announce.py xoxp-513768634356-513201028496-513937500594-185e196ace562dd6443b5d29b1d817c2 "test run"`},
		MustNotFind: []string{"xoxb-xxxxxxxxx-xxxxxxxxxx-xxxxxxxxxxxx", "xoxb-12345-abcd234", "xoxp-1234-1234-1234-4ddbc191d40ee098cbaae6f3523ada2d", "https://indieweb.org/images/3/35/2018-250-xoxo-indieweb-1.jpg", "xoxe.xoxp-1-RANDOMSTRINGHERE"}},
	{Name: "slack-webhook", Provider: "slack", rank: rankFormat, match: matchSlackWebhook,
		Doc: "a Slack incoming-webhook or workflow URL (the URL is the credential)", Keywords: []string{"hooks.slack.com/"},
		MustFind:    []string{"https://hooks.slack.com/services/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"},
		MustNotFind: []string{"https://hooks.slack.com/services/Txxxxxxxx/Bxxxxxxxx/xxxxxxxxxxxxxxxxxxxxxxxx", "see https://hooks.slack.com/ for docs"}},
	{Name: "stripe-key", Provider: "stripe", rank: rankFormat, match: matchStripe,
		Doc:         "a Stripe secret (sk_) or restricted (rk_) key; sk_live_/sk_prod_ are production, sk_test_ sandbox. Publishable pk_ keys are public and not reported",
		Keywords:    []string{"sk_live_", "sk_test_", "sk_prod_", "rk_live_", "rk_test_", "rk_prod_"},
		MustFind:    []string{`Stripe.api_key = "sk_live_ugM1yTMAd7V3DnI8lFPPwtV5"`, `stripe.api_key = "rk_test_ASPZHu8qRtZHjQMhuOzE95B9"`},
		MustNotFind: []string{"Invalid API Key provided: sk_test_****************************9xQz", "sk_live_", "pk_live_j5krY8XTgIcDaHDb3YrsAfCl"}},
	{Name: "aws-access-key", Provider: "aws", rank: rankFormat, match: matchAWSKeyID,
		Doc:         "an AWS access key ID (AKIA long-term, ASIA temporary, ABIA, ACCA, A3T…); the documentation key …EXAMPLE is not reported",
		Keywords:    []string{"AKIA", "ASIA", "ABIA", "ACCA", "A3T"},
		MustFind:    []string{"AWSAccessKeyId=AKIABENYJQWX6HH7566T&Expires=1700000000", "X-Amz-Credential=ASIABENYJQWX6HH7566T%2F20261130%2Fus-east-1"},
		MustNotFind: []string{"aws_access_key: AKIAIOSFODNN7EXAMPLE", "key = AKIAXXXXXXXXXXXXXXXX", "TODAYINASIAASACKOFRICEFELLOVER", "AKIABENYJQWX6HH7566TX"}},
	{Name: "google-api-key", Provider: "google", rank: rankFormat, match: matchGoogleAPIKey,
		Doc: "a Google API key AIza + 35 characters", Keywords: []string{"AIza"},
		MustFind:    []string{`const apiKey = "AIzaAIDhXzK2QkI3cBXkLjSgSOUpTP-j33ZyXOi";`},
		MustNotFind: []string{`apiKey: "AIzaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"`, "AIzaAIDhXzK2QkI3cBXkLjSgSOUpTP-j33ZyXOiX"}},
	{Name: "google-oauth-token", Provider: "google", rank: rankFormat, match: matchGoogleOAuth,
		Doc: "a Google OAuth access token ya29.", Keywords: []string{"ya29."},
		MustFind: []string{"access_token: ya29.3K0_vpcIrimeFg0fhoFP1bWl8on9ksZ6ZD6aJVYteOls3pQA6qvHa_6GLyrh"}, MustNotFind: []string{"ya29.short"}},
	{Name: "openai-api-key", Provider: "openai", rank: rankFormat, match: matchOpenAI,
		Doc:         "an OpenAI API key: sk-proj-, sk-svcacct-, sk-admin- (with the T3BlbkFJ infix) or a legacy sk- + 48 characters",
		Keywords:    []string{"sk-proj-", "sk-svcacct-", "sk-admin-", "sk-"},
		MustFind:    []string{"OPENAI_API_KEY=sk-proj-SpxkMzN5E6EUCLDUdvdrT3BlbkFJ0UwfMpf5rg7wOojmCUuB", `client = OpenAI(api_key="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")`},
		MustNotFind: []string{"sk-proj-Xi8tdMjHV6pmbBbwilTeT4BlbkFJ3UDnpdEwNNm6wVBpYM0o", "sk-learn is a library"}},
	{Name: "anthropic-api-key", Provider: "anthropic", rank: rankFormat, match: matchAnthropic,
		Doc: "an Anthropic API or admin key sk-ant-…AA", Keywords: []string{"sk-ant-"},
		MustFind:    []string{"x-api-key=sk-ant-api03-tgBoxpAKLG3JxIyiJG21DHtOR3WRbUfXrG7jwrGJ2uN0JMIyF7fzD7VOZ5Cv38ufPZvzVXPvHrFoue9Us9RcFJkIWHxSCAA"},
		MustNotFind: []string{"sk-ant-api03-abc123xyz-456de-klMnopqrstuvwx-3456yza789bcde-1234fghijklmnopAA"}},
	{Name: "twilio-key", Provider: "twilio", rank: rankFormat, match: matchTwilio,
		Doc: "a Twilio API key SID (SK) or account SID (AC) + 32 hex, on a line that mentions Twilio", Keywords: []string{"SK", "AC"},
		MustFind:    []string{"const twilioApiKeySID = 'SKcf575dcad6ba2b0aee0ca92373288158'"},
		MustNotFind: []string{"checksum SKcf575dcad6ba2b0aee0ca92373288158"}},
	{Name: "sendgrid-api-key", Provider: "sendgrid", rank: rankFormat, match: matchSendGrid,
		Doc: "a SendGrid API key SG.<22>.<43>", Keywords: []string{"SG."},
		MustFind: []string{"SENDGRID_API_KEY='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'"}, MustNotFind: []string{"SG.ngeVfQFYQlKU0ufo8x5d1A..TwL2iGABf9DHoTf-09kqeF8tAmbihYzrnopKc-1s5cr"}},
	{Name: "shopify-token", Provider: "shopify", rank: rankFormat, match: matchShopify,
		Doc: "a Shopify access token or app secret: shpat_, shpca_, shppa_, shpss_ + 32 hex", Keywords: []string{"shpat_", "shpss_", "shpca_", "shppa_"},
		MustFind: []string{`$token = "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";`}, MustNotFind: []string{"shpat_0123"}},
	{Name: "square-token", Provider: "square", rank: rankFormat, match: matchSquare,
		Doc: "a Square access token (EAAA…, sq0atp-, sandbox-sq0atb-) or application secret (sq0csp-)", Keywords: []string{"sq0atp-", "sq0csp-", "EAAA", "sandbox-sq0atb-"},
		MustFind: []string{"accessToken = 'sq0atp-4eluGRA35grOtWgIcFiI2T';"}, MustNotFind: []string{"aws-cli@sha256:eaaa7b11777babe28e6133a8b19ff71cea687e0d7f05158dee95a71f76ce3d00", "sq0atp-short"}},
	{Name: "okta-token", Provider: "okta", rank: rankScheme, match: matchOkta,
		Doc: "an Okta API token after the SSWS scheme", Keywords: []string{"SSWS "},
		MustFind: []string{"okta: SSWS 00BAHS0GNzLZKF2zuJDMB0LO5UHWfCFWn05Gq59Pb2"}, MustNotFind: []string{"SSWS 000000000000000000000000000000000000000000"}},
	{Name: "paddle-api-key", Provider: "paddle", rank: rankFormat, match: matchPaddle,
		Doc: "a Paddle API key (pdl_live_ production, pdl_sdbx_ sandbox) or notification secret pdl_ntfset_", Keywords: []string{"pdl_live_", "pdl_sdbx_", "pdl_ntfset_"},
		MustFind: []string{"PADDLE_API_KEY=pdl_live_apikey_p1jjee5bzxsm9gvjoucomkkv9i_kdf92qrjvWeRkipW8wXm"}, MustNotFind: []string{"pdl_live_"}},
	{Name: "razorpay-key", Provider: "razorpay", rank: rankFormat, match: matchRazorpay,
		Doc: "a Razorpay key id rzp_live_ / rzp_test_", Keywords: []string{"rzp_live_", "rzp_test_"},
		MustFind: []string{"key_id: rzp_test_Warqp1qhbpvjhz"}, MustNotFind: []string{"rzp_test_"}},
	{Name: "plaid-access-token", Provider: "plaid", rank: rankFormat, match: matchPlaid,
		Doc: "a Plaid access token access-<environment>-<uuid>", Keywords: []string{"access-sandbox-", "access-development-", "access-production-"},
		MustFind: []string{`{"access_tok":"access-sandbox-15c891ff-3add-6527-a494-6d15b17dd255"}`}, MustNotFind: []string{"access-sandbox-not-a-uuid"}},
	{Name: "braintree-token", Provider: "braintree", rank: rankFormat, match: matchBraintree,
		Doc: "a Braintree access token access_token$<environment>$<merchant>$<hex>", Keywords: []string{"access_token$"},
		MustFind: []string{"BT_TOKEN=access_token$production$bcixgy29db8p5qa3$222f828767efc2f91624a8940f1f836f"}, MustNotFind: []string{"access_token$sandbox$"}},
	{Name: "npm-token", Provider: "npm", rank: rankFormat, match: matchNpm,
		Doc: "an npm access token npm_ + 36 characters", Keywords: []string{"npm_"},
		MustFind: []string{"//registry.npmjs.org/:_authToken=npm_qWzSHODwyxD4b59lXGyN8cqeWHu7jNEVvuVP"}, MustNotFind: []string{"npm_config_cache=/tmp/npm"}},
	{Name: "private-key", rank: rankPrivateKey, match: matchPrivateKey,
		Doc:         "a PEM private key: the -----BEGIN … PRIVATE KEY----- line (through the END line when the key is on one line, as in JSON)",
		Keywords:    []string{"-----BEGIN"},
		MustFind:    []string{"-----BEGIN RSA PRIVATE KEY-----", `{"private_key":"-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDAC4AWkdwKYSd8\n-----END PRIVATE KEY-----\n"}`},
		MustNotFind: []string{"-----BEGIN PGP PUBLIC KEY BLOCK-----", "-----BEGIN OPENSSH PRIVATE KEY----------END OPENSSH PRIVATE KEY-----", "-----BEGIN CERTIFICATE-----"}},
	{Name: "bearer-token", rank: rankScheme, match: matchBearer,
		Doc:         "a Bearer credential written outside a header (\"value: Bearer x\" in a collection, a message); challenges (Bearer realm=…) are not credentials",
		Keywords:    []string{"Bearer "},
		MustFind:    []string{"      value: Bearer mock-bearer", `"value": "Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0",`},
		MustNotFind: []string{"I hate to be the bearer of bad news, but ...", `Www-Authenticate: Bearer realm="api.example.com", error="invalid_token"`, "Bearer error=invalid_token", `"token_type":"Bearer"`, "a Bearer authentication scheme"}},
	{Name: "basic-auth", rank: rankScheme, match: matchBasic,
		Doc:         "Basic credentials written outside a header, when they decode to user:password",
		Keywords:    []string{"Basic "},
		MustFind:    []string{"      value: Basic ZGVwbG95OnMzY3IzdC1QYTU1"},
		MustNotFind: []string{`WWW-Authenticate: Basic realm="x"`, "Basic information", "Basic bm9uZQ=="}},
	{Name: "curl-user", rank: rankCurlUser, match: matchCurlUser,
		Doc:         "the password of curl -u/--user/-U/--proxy-user user:password (or a key given as the user with an empty password)",
		Keywords:    []string{"-u", "-U", "--user", "--proxy-user"},
		MustFind:    []string{"curl --cacert ca.crt -u elastic:P@ssw0rd$1 https://localhost:9200", `curl -s --user 'api:d2LkV78zLx!t' https://api.mailgun.net/v3`, "curl -x http://proxy:3128 -U proxyuser:proxy-pass9 https://x", `curl -u "sk_test_ugM1yTMAd7V3DnI8lFPPwtV5:" https://api.stripe.com`},
		MustNotFind: []string{"curl -i -u 'test:test'", `curl -u "${username}":"${password}"`, "curl -u username:token", "docker run -u 1000:1000 img", "git push -u origin main", `curl --user "xxx:yyy"`, "curl --user user:pass --digest"}},
}

// Detectors lists every detector, sorted by name.
func Detectors() []Detector {
	all := make([]Detector, 0, len(formatDetectors)+8)
	for _, d := range []*Detector{detAuthorization, detCookie, detAPIKeyHeader, detQueryParam, detJSONField, detKeyValue, detURLPassword, detAWSSecretKey} {
		all = append(all, *d)
	}
	for _, d := range formatDetectors {
		all = append(all, *d)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	return all
}

// The prefilter tables, built once from the format detectors' keywords.
type formatEntry struct {
	keyword string
	det     *Detector
}

type detectTables struct {
	class [256]uint8
	// start[c] is 0xff when a word may start after byte c (c is not
	// alphanumeric), else 0: a mask for keywordAt's result.
	start [256]uint8
	// row[first byte of a keyword] selects a row of next, indexed by the
	// second byte, giving an index into lists (0: no keyword starts so).
	// Row 0 is all zeros, so the lookup needs no branch, and the two
	// small tables stay in L1 cache where one 64 KiB table did not.
	row   [256]uint8
	next  [maxRows][256]uint8
	lists [][]formatEntry
}

const maxRows = 32

// keywordAt returns the index of the keyword list for the two bytes a, b.
func (t *detectTables) keywordAt(a, b byte) uint8 {
	return t.next[t.row[a]&(maxRows-1)][b]
}

var tables = buildTables()

func buildTables() *detectTables {
	t := &detectTables{lists: [][]formatEntry{nil}}
	rows := 1
	for c := 0; c < 256; c++ {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			t.class[c] |= cWord
		} else {
			t.start[c] = 0xff
		}
	}
	t.class[':'] |= cSep
	t.class['='] |= cSep
	t.class['\\'] |= cEsc
	t.class['%'] |= cEsc
	for _, d := range formatDetectors {
		for _, kw := range d.Keywords {
			if len(kw) < 2 {
				panic("secrets: keyword shorter than two bytes: " + kw)
			}
			if t.row[kw[0]] == 0 {
				if rows == maxRows {
					panic("secrets: too many keyword first bytes")
				}
				t.row[kw[0]] = uint8(rows)
				rows++
			}
			r := t.row[kw[0]]
			if t.next[r][kw[1]] == 0 {
				t.lists = append(t.lists, nil)
				t.next[r][kw[1]] = uint8(len(t.lists) - 1)
			}
			idx := t.next[r][kw[1]]
			t.lists[idx] = append(t.lists[idx], formatEntry{kw, d})
		}
	}
	for _, l := range t.lists {
		// longest keyword first: sk-ant- before sk-
		sort.SliceStable(l, func(i, j int) bool { return len(l[i].keyword) > len(l[j].keyword) })
	}
	return t
}
