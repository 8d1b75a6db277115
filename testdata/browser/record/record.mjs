// Records testdata/browser/*.har: Debian's Chromium, driven by playwright-core,
// runs a small single-page app against the loopback server in ./server, one
// browser context (and one HAR) per scenario. Every host name resolves to
// 127.0.0.1 through --host-resolver-rules; nothing leaves the machine.
//
// Usage (see ../README.md):  node record.mjs [--port 8443] [--only name,...]
//
// Besides the HARs this writes ../expected.json: for every entry, the rules a
// correct analyzer must report. The expectations come from the scenario
// definitions below (what the page was made to do); each entry of the
// recorded HAR is matched to one expectation by method, URL and status, and
// the run fails if the browser did something else.
//
// Playwright's HAR recorder leaves out CORS preflights (Chromium reports them
// without a frame, and Playwright drops frameless requests). DevTools shows
// and exports them, and several scenarios are about them, so this script
// listens to the same Chrome DevTools Protocol events on a second session and
// adds each preflight as an entry (marked "_source": "cdp-preflight").
// cors-preflight-rejected-playwright.har keeps Playwright's output untouched.

import { chromium } from 'playwright-core';
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.resolve(here, '..');
const argv = process.argv.slice(2);
const opt = (name, def) => { const i = argv.indexOf('--' + name); return i >= 0 ? argv[i + 1] : def; };
const PORT = Number(opt('port', '8443'));
const ONLY = opt('only', '') ? opt('only', '').split(',') : null;

const APP = 'https://app.example.com', API = 'https://api.example.com', API2 = 'https://api2.example.net';
const SBX = 'https://api.sandbox.example.com', AUTH = 'https://auth.example.com', CDN = 'https://cdn.other.example';
const TOKEN_URL = AUTH + '/oauth/token';

// Shared with server/main.go. Fake: signs test JWTs only.
const SIGNING_KEY = 'authtriage-browser-hs256-key-EXAMPLE-not-a-secret';
const SK_TEST = 'sk_test_51EXAMPLEb7Tq3Mz8Lw2Xc5Vn9Rd4Hk';
const SK_LIVE = 'sk_live_51EXAMPLEp2Gf6Yx1Jd8Qs4Wm7Lz3Bn';
const REVOKED_REFRESH = 'rt_EXAMPLErevoked0000000000000000000';

const b64u = (s) => Buffer.from(s).toString('base64url');
function mintJWT(claims) {
  const h = b64u(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const p = b64u(JSON.stringify(claims));
  const sig = crypto.createHmac('sha256', SIGNING_KEY).update(h + '.' + p).digest('base64url');
  return `${h}.${p}.${sig}`;
}
const now = () => Math.floor(Date.now() / 1000);
const baseClaims = () => ({ iss: 'https://auth.example.com/', sub: 'user-1234', aud: 'https://api.example.com',
  client_id: 'spa-web', scope: 'openid read:orders read:invoices read:users write:charges' });

// ---- page-side helpers -------------------------------------------------

// call runs fetch() inside the page, as the app's own code would.
async function call(page, url, init = {}) {
  return page.evaluate(async ([url, init]) => {
    try {
      const r = await fetch(url, init);
      let body = null;
      try { body = await r.json(); } catch { /* not JSON */ }
      return { status: r.status, url: r.url, redirected: r.redirected, body };
    } catch (e) {
      return { error: String(e) };
    }
  }, [url, init]);
}
const bearer = (t) => ({ headers: { Authorization: 'Bearer ' + t } });
const form = (o) => ({ method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(o).toString() });

async function login(page, clientId = 'spa-web') {
  const r = await call(page, TOKEN_URL, form({ grant_type: 'authorization_code', code: 'ac_EXAMPLE4f7c2a9e1b6d3058',
    code_verifier: 'cv_EXAMPLE' + 'q'.repeat(40), client_id: clientId, redirect_uri: APP + '/callback' }));
  return r;
}
const pause = (page, ms = 150) => page.waitForTimeout(ms);

// ---- expectations ------------------------------------------------------

const LEAK_MAY = ['leaked-secret'];
const pageLoad = () => [
  { m: 'GET', u: APP + '/', s: 200, note: 'page load; the response sets the sid session cookie' },
  { m: 'GET', u: CDN + '/lib/acme-fetch.min.js', s: 200, note: 'third-party script from another site' },
  { m: 'GET', u: APP + '/static/app.js', s: 200, note: 'app script; the request carries the sid cookie' },
];
const loginOK = (label = 'login', note = 'login: authorization_code exchange at the token endpoint (public client, PKCE)') =>
  ({ m: 'POST', u: TOKEN_URL, s: 200, may: LEAK_MAY, label, note });
const ok = (m, u, note = 'clean') => ({ m, u, s: 200, note });
// A CORS preflight that was answered 204 is never a finding; the matcher
// uses this for any preflight a scenario does not name.
const preflightOK = { m: 'OPTIONS', s: 204, note: 'CORS preflight (added from CDP events), allowed' };

// ---- scenarios ---------------------------------------------------------

const scenarios = [
  {
    name: 'missing-credentials',
    scenario: 'After login, one call is made without the Authorization header (the interceptor was not attached to that client).',
    run: async (page) => {
      const t = (await login(page)).body.access_token;
      await call(page, API + '/v1/me', bearer(t));
      await call(page, API + '/v1/orders?limit=20');
    },
    expect: () => [...pageLoad(), loginOK(), ok('GET', API + '/v1/me'),
      { m: 'GET', u: API + '/v1/orders?limit=20', s: 401, rules: ['missing-credentials'],
        note: 'no Authorization; other requests to this origin carried one' }],
  },
  {
    name: 'redirect-drops-authorization',
    scenario: 'fetch() with Authorization to api.example.com/v1/files/..., which answers 307 to api2.example.net (another origin). Per the Fetch standard the browser removes Authorization on a cross-origin redirect; api2 needs it and answers 401.',
    run: async (page) => {
      const t = (await login(page)).body.access_token;
      await call(page, API + '/v1/me', bearer(t));
      await call(page, API + '/v1/files/f_2024_q3_report', bearer(t));
    },
    expect: () => [...pageLoad(), loginOK(), ok('GET', API + '/v1/me'),
      { m: 'GET', u: API + '/v1/files/f_2024_q3_report', s: 307, label: 'redirect', note: 'carries Authorization; 307 to https://api2.example.net' },
      { m: 'GET', u: API2 + '/v1/files/f_2024_q3_report', s: 401, rules: ['credentials-dropped-on-redirect'], related: ['redirect'],
        note: 'the redirected hop: no Authorization (dropped by the browser), Origin: null' }],
    observe: (h) => {
      const e307 = h.find((e) => e.response.status === 307);
      const e401 = h.find((e) => e.request.url.startsWith(API2));
      const a1 = hdr(e307.request, 'authorization'), a2 = hdr(e401.request, 'authorization');
      assert(a1 && !a2, 'expected Authorization on the first hop only');
      return `Chromium sent Authorization on the first hop and dropped it on the cross-origin redirect (second hop has no Authorization; Origin: ${hdr(e401.request, 'origin')}). No preflight was sent to api2 because the remaining headers are CORS-safelisted.`;
    },
  },
  {
    name: 'bearer-twice',
    scenario: 'The stored token already includes "Bearer "; the client prefixes it again.',
    run: async (page) => {
      const t = (await login(page)).body.access_token;
      await call(page, API + '/v1/me', bearer(t));
      await call(page, API + '/v1/invoices', bearer('Bearer ' + t));
    },
    expect: () => [...pageLoad(), loginOK(), ok('GET', API + '/v1/me'),
      { m: 'GET', u: API + '/v1/invoices', s: 401, rules: ['bearer-twice'], note: 'Authorization: Bearer Bearer <jwt>' }],
  },
  {
    name: 'quoted-token',
    scenario: 'The token is JSON.stringify-ed into the header, so it is wrapped in double quotes.',
    run: async (page) => {
      const t = (await login(page)).body.access_token;
      await call(page, API + '/v1/me', bearer(t));
      await call(page, API + '/v1/customers', bearer(JSON.stringify(t)));
    },
    expect: () => [...pageLoad(), loginOK(), ok('GET', API + '/v1/me'),
      { m: 'GET', u: API + '/v1/customers', s: 401, rules: ['malformed-authorization'], note: 'Authorization: Bearer "<jwt>"' }],
  },
  {
    name: 'bearer-undefined',
    scenario: 'The app calls the API before login finished: the template literal renders "Bearer undefined". After login the same call succeeds.',
    run: async (page) => {
      await call(page, API + '/v1/products', bearer(undefined));
      const t = (await login(page)).body.access_token;
      await call(page, API + '/v1/products', bearer(t));
    },
    expect: () => [...pageLoad(),
      { m: 'GET', u: API + '/v1/products', s: 401, rules: ['placeholder-credential'], note: 'Authorization: Bearer undefined' },
      loginOK(), ok('GET', API + '/v1/products', 'clean: same call after login')],
  },
  {
    name: 'token-in-query',
    scenario: 'The access token is put in the URL query (access_token=) instead of the header; the API refuses it. The header version then works.',
    run: async (page) => {
      const t = (await login(page)).body.access_token;
      await call(page, API + '/v1/orders?status=open&access_token=' + t);
      await call(page, API + '/v1/orders?status=open', bearer(t));
    },
    expect: () => [...pageLoad(), loginOK(),
      { m: 'GET', u: API + '/v1/orders?status=open&access_token=*', s: 401, rules: ['token-in-query'], may: ['leaked-secret', 'missing-credentials'],
        note: 'token only in the query string (a simple request, so no preflight)' },
      ok('GET', API + '/v1/orders?status=open', 'clean: token in the header')],
  },
  {
    name: 'token-in-body',
    scenario: 'The token is sent as a field of the JSON body instead of the Authorization header.',
    run: async (page) => {
      const t = (await login(page)).body.access_token;
      const body = (extra) => JSON.stringify({ amount: 2000, currency: 'usd', customer: 'cus_NffrFeUfNV2Hib', ...extra });
      await call(page, API + '/v1/charges', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: body({ access_token: t }) });
      await call(page, API + '/v1/charges', { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + t }, body: body({}) });
    },
    expect: () => [...pageLoad(), loginOK(),
      { m: 'POST', u: API + '/v1/charges', s: 401, rules: ['token-in-body'], may: ['leaked-secret', 'missing-credentials'],
        note: 'JSON body {"access_token": "<jwt>", ...}, no Authorization header' },
      ok('POST', API + '/v1/charges', 'clean: token in the header')],
  },
  {
    name: 'expired-token',
    scenario: 'The app reuses an access token cached from yesterday\'s session (exp one hour before the request), then logs in again.',
    tokens: () => ({ expired: mintJWT({ ...baseClaims(), jti: 'at-cached-0007', iat: now() - 7200, exp: now() - 3600 }) }),
    run: async (page, tk) => {
      await call(page, API + '/v1/subscriptions', bearer(tk.expired));
      const t = (await login(page)).body.access_token;
      await call(page, API + '/v1/subscriptions', bearer(t));
    },
    expect: () => [...pageLoad(),
      { m: 'GET', u: API + '/v1/subscriptions', s: 401, rules: ['expired-token'], note: 'JWT exp = request time - 1 h' },
      loginOK(), ok('GET', API + '/v1/subscriptions', 'clean: fresh token')],
  },
  {
    name: 'clock-skew',
    scenario: 'The token came from an issuer whose clock runs one hour ahead: nbf and iat are one hour after the request.',
    tokens: () => ({ future: mintJWT({ ...baseClaims(), jti: 'at-skew-0011', iat: now() + 3600, nbf: now() + 3600, exp: now() + 7200 }) }),
    run: async (page, tk) => {
      await call(page, API + '/v1/reports/daily', bearer(tk.future));
      const t = (await login(page)).body.access_token;
      await call(page, API + '/v1/reports/daily', bearer(t));
    },
    expect: () => [...pageLoad(),
      { m: 'GET', u: API + '/v1/reports/daily', s: 401, rules: ['token-not-yet-valid'], note: 'JWT nbf = iat = request time + 1 h' },
      loginOK(), ok('GET', API + '/v1/reports/daily', 'clean: token from the correct issuer')],
  },
  {
    name: 'insufficient-scope',
    scenario: 'A user token without admin:users calls an admin endpoint: 403 with error="insufficient_scope", scope="admin:users".',
    run: async (page) => {
      const t = (await login(page)).body.access_token;
      await call(page, API + '/v1/me', bearer(t));
      await call(page, API + '/v1/admin/users', bearer(t));
    },
    expect: () => [...pageLoad(), loginOK(), ok('GET', API + '/v1/me'),
      { m: 'GET', u: API + '/v1/admin/users', s: 403, rules: ['insufficient-scope'], note: '403 insufficient_scope; token scope lacks admin:users' }],
  },
  {
    name: 'environment-mismatch',
    scenario: 'A test-mode key (sk_test_) is sent to the production API, and a live key (sk_live_) to the sandbox API; the test key on the sandbox works.',
    run: async (page) => {
      await call(page, API + '/v1/balance', bearer(SK_TEST));
      await call(page, SBX + '/v1/balance', bearer(SK_LIVE));
      await call(page, SBX + '/v1/balance', bearer(SK_TEST));
    },
    expect: () => [...pageLoad(),
      { m: 'GET', u: API + '/v1/balance', s: 401, rules: ['environment-mismatch'],
        note: 'sk_test_ key to api.example.com (production by the host heuristic: no sandbox/test label)' },
      { m: 'GET', u: SBX + '/v1/balance', s: 401, rules: ['environment-mismatch'], note: 'sk_live_ key to api.sandbox.example.com' },
      ok('GET', SBX + '/v1/balance', 'clean: sk_test_ key to the sandbox')],
  },
  {
    name: 'stale-token-after-refresh',
    scenario: 'The app refreshes (new access token; the server rotates and revokes the old one) but keeps sending the old access token.',
    run: async (page) => {
      const l = (await login(page)).body;
      await call(page, API + '/v1/me', bearer(l.access_token));
      await pause(page, 400);
      await call(page, TOKEN_URL, form({ grant_type: 'refresh_token', refresh_token: l.refresh_token, client_id: 'spa-web' }));
      await call(page, API + '/v1/orders', bearer(l.access_token));
      await call(page, API + '/v1/invoices', bearer(l.access_token));
    },
    expect: () => [...pageLoad(), loginOK(), ok('GET', API + '/v1/me'),
      { m: 'POST', u: TOKEN_URL, s: 200, may: LEAK_MAY, label: 'refresh', note: 'refresh_token grant: returns a new access token' },
      { m: 'GET', u: API + '/v1/orders', s: 401, rules: ['stale-token-after-refresh'], related: ['refresh'], note: 'still the pre-refresh access token (revoked, not expired)' },
      { m: 'GET', u: API + '/v1/invoices', s: 401, rules: ['stale-token-after-refresh'], related: ['refresh'], note: 'still the pre-refresh access token' }],
    observe: (h) => {
      const login = h.find((e) => e.request.method === 'POST');
      const oldTok = JSON.parse(login.response.content.text).access_token;
      const after = h.filter((e) => e.response.status === 401);
      assert(after.length === 2 && after.every((e) => hdr(e.request, 'authorization') === 'Bearer ' + oldTok), 'the 401s should carry the login token');
      return 'Both 401s carry exactly the access token from the login response, sent after the refresh response returned a different one.';
    },
  },
  {
    name: 'cors-preflight-rejected',
    rawCopy: 'cors-preflight-rejected-playwright.har',
    scenario: 'A cross-origin fetch() with Authorization to /v2/exports needs a preflight; the export gateway requires authentication on every method, answers the OPTIONS preflight 401 without CORS headers, and the browser never sends the real request.',
    run: async (page) => {
      const t = (await login(page)).body.access_token;
      await call(page, API + '/v1/me', bearer(t));
      const r = await call(page, API + '/v2/exports?format=csv', bearer(t));
      assert(r.error && r.error.includes('Failed to fetch'), 'the export fetch should fail: ' + JSON.stringify(r));
    },
    expect: () => [...pageLoad(), loginOK(), ok('GET', API + '/v1/me'),
      { m: 'GET', u: API + '/v2/exports?format=csv', s: -1, may: ['cors-preflight-rejected'], related: ['preflight'],
        note: 'the real request: never sent (status -1, _failureText net::ERR_FAILED); its headers are those the page asked for' },
      { m: 'OPTIONS', u: API + '/v2/exports?format=csv', s: 401, rules: ['cors-preflight-rejected'], label: 'preflight',
        note: 'the preflight (from CDP): Access-Control-Request-Headers: authorization, answered 401' }],
    observe: (h, seen) => {
      const get = h.find((e) => e.request.url.includes('/v2/exports') && e.request.method === 'GET');
      assert(get.response.status === -1 && get.response._failureText, 'the export GET should have failed');
      assert(!seen.some((s) => s.startsWith('GET api.example.com/v2/exports')), 'the server must not have seen GET /v2/exports');
      assert(seen.some((s) => s.startsWith('OPTIONS api.example.com/v2/exports')), 'the server should have seen the preflight');
      return `The server received only the OPTIONS preflight for /v2/exports, never the GET. Playwright records the GET with status -1 and _failureText ${get.response._failureText} and leaves out the preflight; the OPTIONS entry here comes from CDP (Network.requestWillBeSent type Preflight, response 401, then loadingFailed corsError PreflightMissingAllowOriginHeader on the GET).`;
    },
  },
  {
    name: 'retry-storm',
    scenario: 'The client retries the same failing call (a revoked token) six times, 300 ms apart, without changing anything.',
    tokens: () => ({ revoked: mintJWT({ ...baseClaims(), jti: 'at-revoked-0099', iat: now() - 600, exp: now() + 3000 }) }),
    run: async (page, tk) => {
      const t = (await login(page)).body.access_token;
      await call(page, API + '/v1/me', bearer(t));
      for (let i = 0; i < 6; i++) {
        await call(page, API + '/v1/orders/8812', bearer(tk.revoked));
        await pause(page, 300);
      }
    },
    expect: () => {
      const storm = Array.from({ length: 6 }, (_, i) => ({ m: 'GET', u: API + '/v1/orders/8812', s: 401, label: 'storm' + i,
        rules: ['retry-storm', 'server-rejected-token'], related: ['storm0', 'storm1', 'storm2', 'storm3', 'storm4', 'storm5'].filter((l) => l !== 'storm' + i),
        note: `attempt ${i + 1} of 6, same revoked token; the server says why (invalid_token, "has been revoked")` }));
      return [...pageLoad(), loginOK(), ok('GET', API + '/v1/me'), ...storm];
    },
    observe: (h) => {
      const s = h.filter((e) => e.request.url.endsWith('/v1/orders/8812') && e.request.method === 'GET');
      const span = (Date.parse(s[s.length - 1].startedDateTime) - Date.parse(s[0].startedDateTime)) / 1000;
      const pf = h.filter((e) => e.request.method === 'OPTIONS' && e.request.url.endsWith('/v1/orders/8812')).length;
      return `6 identical GETs within ${span.toFixed(1)} s; ${pf} preflight for them (Chromium cached the preflight result, Access-Control-Max-Age: 600).`;
    },
  },
  {
    name: 'invalid-client',
    scenario: 'The app is configured with the wrong client_id (spa-web-prod); the token endpoint answers 401 invalid_client with WWW-Authenticate: Basic. After the fix, login works.',
    run: async (page) => {
      await login(page, 'spa-web-prod');
      const t = (await login(page)).body.access_token;
      await call(page, API + '/v1/me', bearer(t));
    },
    expect: () => [...pageLoad(),
      { m: 'POST', u: TOKEN_URL, s: 401, rules: ['client-authentication-failed'], may: ['missing-credentials', 'leaked-secret'],
        note: 'invalid_client; the request is a public client\'s form post (client_id, code, code_verifier), no Authorization' },
      loginOK('login', 'login with the right client_id'), ok('GET', API + '/v1/me')],
    observe: () => 'Chromium showed no authentication prompt for the cross-origin 401 with WWW-Authenticate: Basic (fetch response tainting is "cors").',
  },
  {
    name: 'invalid-grant',
    scenario: 'On start-up the app refreshes with a refresh token kept from an old session that the server has revoked: 400 invalid_grant. The app then logs in again.',
    run: async (page) => {
      await call(page, TOKEN_URL, form({ grant_type: 'refresh_token', refresh_token: REVOKED_REFRESH, client_id: 'spa-web' }));
      const t = (await login(page)).body.access_token;
      await call(page, API + '/v1/me', bearer(t));
    },
    expect: () => [...pageLoad(),
      { m: 'POST', u: TOKEN_URL, s: 400, rules: ['refresh-token-rejected'], may: LEAK_MAY, note: 'grant_type=refresh_token answered 400 invalid_grant' },
      loginOK(), ok('GET', API + '/v1/me')],
  },
  {
    name: 'multiple-credentials',
    scenario: 'The same token is sent in the Authorization header and in the query string: 400 invalid_request (RFC 6750 §3.1). The preflight URL carries the query token too.',
    run: async (page) => {
      const t = (await login(page)).body.access_token;
      await call(page, API + '/v1/me', bearer(t));
      await call(page, API + '/v1/invoices?access_token=' + t, bearer(t));
    },
    expect: () => [...pageLoad(), loginOK(), ok('GET', API + '/v1/me'),
      { m: 'GET', u: API + '/v1/invoices?access_token=*', s: 400, rules: ['multiple-credentials', 'token-in-query'], may: LEAK_MAY,
        note: 'Authorization: Bearer <jwt> and ?access_token=<jwt>' },
      { m: 'OPTIONS', u: API + '/v1/invoices?access_token=*', s: 204, rules: ['token-in-query'], may: LEAK_MAY,
        note: 'its preflight (from CDP): allowed, but the URL holds the token (token-in-query fires on any status)' }],
  },
  {
    name: 'support-session',
    sanitizedCopy: 'support-session-sanitized.har',
    scenario: 'A short session as a customer would capture it for support: clean calls, a 403 insufficient_scope, an expired cached token, a token in the query, and a call without the header. Its sanitized copy is the same recording processed as Chrome DevTools\' "Export HAR (sanitized)" does.',
    tokens: () => ({ expired: mintJWT({ ...baseClaims(), jti: 'at-cached-0021', iat: now() - 5400, exp: now() - 1800 }) }),
    run: async (page, tk) => {
      const t = (await login(page)).body.access_token;
      await call(page, API + '/v1/me', bearer(t));
      await call(page, API + '/v1/admin/users', bearer(t));
      await call(page, API + '/v1/subscriptions', bearer(tk.expired));
      await call(page, API + '/v1/orders?access_token=' + t);
      await call(page, API + '/v1/invoices');
    },
    expect: (sanitized) => [...pageLoad(), loginOK(), ok('GET', API + '/v1/me'),
      { m: 'GET', u: API + '/v1/admin/users', s: 403, rules: ['insufficient-scope'], note: '403 insufficient_scope (judged from WWW-Authenticate; survives sanitizing)' },
      sanitized
        ? { m: 'GET', u: API + '/v1/subscriptions', s: 401, rules: ['server-rejected-token'],
          note: 'expired token, but the Authorization header was removed by sanitizing: only the server\'s error="invalid_token", "The access token expired" is left' }
        : { m: 'GET', u: API + '/v1/subscriptions', s: 401, rules: ['expired-token'], note: 'cached JWT expired 30 min before the request' },
      { m: 'GET', u: API + '/v1/orders?access_token=*', s: 401, rules: ['token-in-query'], may: ['leaked-secret', 'missing-credentials'],
        note: 'token in the query string (sanitizing keeps query strings)' },
      sanitized
        ? { m: 'GET', u: API + '/v1/invoices', s: 401, may: ['server-rejected-token'],
          note: 'really sent without Authorization, but in a sanitized capture that cannot be told: har-sanitized (file level) suppresses missing-credentials' }
        : { m: 'GET', u: API + '/v1/invoices', s: 401, rules: ['missing-credentials'], note: 'no Authorization' }],
  },
];

// ---- HAR helpers -------------------------------------------------------

function assert(c, msg) { if (!c) throw new Error(msg); }
const hdr = (r, name) => (r.headers.find((h) => h.name.toLowerCase() === name) || {}).value;

// shape shows what kind of credential a header held, never the value.
const shape = (v) => v === undefined ? 'none' : v
  .replace(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]*/g, '<jwt>')
  .replace(/\b(sk_(?:test|live)_)\w+/g, '$1…');

// failures lists what the browser actually sent on each failed request.
function failures(entries) {
  return entries.map((e, i) => [e, i]).filter(([e]) => e.response.status >= 400 || e.response.status < 0).map(([e, i]) => {
    const u = new URL(e.request.url);
    const q = u.searchParams.has('access_token') ? ' (access_token in the query)' : '';
    return `#${i} ${e.request.method} ${u.host}${u.pathname} → ${e.response.status}${e.response._failureText ? ' ' + e.response._failureText : ''}: Authorization ${shape(hdr(e.request, 'authorization'))}${q}`;
  }).join('; ');
}

// urlMatch compares URLs; a trailing * in the expectation matches anything.
const urlMatch = (want, got) => want.endsWith('*') ? got.startsWith(want.slice(0, -1)) : want === got;

// match assigns each HAR entry an expectation, in order; preflights that the
// scenario does not name are clean.
function match(entries, expect, file) {
  const used = new Set();
  const out = [];
  entries.forEach((e, i) => {
    const m = e.request.method, u = e.request.url, s = e.response.status;
    let j = expect.findIndex((x, k) => !used.has(k) && x.m === m && urlMatch(x.u, u));
    let x;
    if (j >= 0) {
      x = expect[j];
      used.add(j);
    } else if (m === 'OPTIONS' && e._resourceType === 'preflight') {
      x = { ...preflightOK, u };
    } else {
      throw new Error(`${file}: entry ${i} ${m} ${u} ${s}: the scenario did not ask for it`);
    }
    assert(x.s === s, `${file}: entry ${i} ${m} ${u}: status ${s}, scenario expects ${x.s}`);
    out.push({ x, e, i });
  });
  expect.forEach((x, k) => assert(used.has(k), `${file}: expected ${x.m} ${x.u} ${x.s} did not happen`));
  const byLabel = {};
  out.forEach(({ x, i }) => { if (x.label) byLabel[x.label] = i; });
  return out.map(({ x, e, i }) => {
    const r = { index: i, method: e.request.method, url: e.request.url, status: e.response.status, rules: x.rules || [] };
    if (x.may) r.may = x.may;
    if (x.related) r.related = x.related.map((l) => { assert(l in byLabel, 'unknown label ' + l); return byLabel[l]; });
    r.note = x.note;
    return r;
  });
}

// sanitize does what DevTools' Log.ts does when options.sanitize is set
// (Chrome 130+ "Export HAR (sanitized)"): drop request headers
// authorization and cookie, response header set-cookie, and empty both
// cookies arrays. Nothing else changes (headersSize keeps its value).
function sanitize(har) {
  const h = JSON.parse(JSON.stringify(har));
  for (const e of h.log.entries) {
    e.response.cookies = [];
    e.response.headers = e.response.headers.filter(({ name }) => !['set-cookie'].includes(name.toLocaleLowerCase()));
    e.request.cookies = [];
    e.request.headers = e.request.headers.filter(({ name }) => !['authorization', 'cookie'].includes(name.toLocaleLowerCase()));
  }
  return h;
}

// ---- CDP preflight capture ---------------------------------------------

function preflightRecorder(cdp) {
  const reqs = new Map();
  const get = (id) => { if (!reqs.has(id)) reqs.set(id, { id }); return reqs.get(id); };
  cdp.on('Network.requestWillBeSent', (p) => { if (p.type === 'Preflight' || p.initiator?.type === 'preflight') Object.assign(get(p.requestId), { will: p, pre: true }); });
  cdp.on('Network.requestWillBeSentExtraInfo', (p) => { get(p.requestId).reqExtra = p; });
  cdp.on('Network.responseReceived', (p) => { get(p.requestId).resp = p; });
  cdp.on('Network.responseReceivedExtraInfo', (p) => { get(p.requestId).respExtra = p; });
  cdp.on('Network.loadingFinished', (p) => { get(p.requestId).done = p; });
  cdp.on('Network.loadingFailed', (p) => { get(p.requestId).failed = p; });
  return {
    entries(pageref) {
      const out = [];
      for (const r of reqs.values()) {
        if (!r.pre || !r.will) continue;
        out.push(preflightEntry(r, pageref));
      }
      return out;
    },
  };
}

const toHeaders = (o) => Object.entries(o || {}).map(([name, value]) => ({ name, value: String(value) }))
  .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
const httpVersion = (p) => ({ h2: 'HTTP/2.0', 'http/1.1': 'HTTP/1.1', h3: 'HTTP/3.0' }[p] || 'HTTP/1.1');

// preflightEntry builds a HAR entry in the shape Playwright writes, from the
// CDP events of one preflight.
function preflightEntry(r, pageref) {
  const w = r.will, resp = r.resp?.response;
  const u = new URL(w.request.url);
  // Chromium stamps a preflight's loadingFinished before its response, so
  // durations come from the response timing (ms since timing.requestTime).
  const t = resp?.timing;
  const d = (a, b) => (a >= 0 && b >= 0 ? b - a : -1);
  const timings = t ? {
    dns: d(t.dnsStart, t.dnsEnd), connect: d(t.connectStart, t.connectEnd), ssl: d(t.sslStart, t.sslEnd),
    send: d(t.sendStart, t.sendEnd), wait: d(t.sendEnd, t.receiveHeadersStart), receive: d(t.receiveHeadersStart, t.receiveHeadersEnd),
  } : { send: -1, wait: -1, receive: -1 };
  const total = t ? (t.requestTime - w.timestamp) * 1000 + t.receiveHeadersEnd : -1;
  const reqHeaders = toHeaders(r.reqExtra?.headers || w.request.headers);
  const e = {
    pageref,
    startedDateTime: new Date(w.wallTime * 1000).toISOString(),
    time: total,
    request: {
      method: w.request.method, url: w.request.url, httpVersion: httpVersion(resp?.protocol), cookies: [], headers: reqHeaders,
      queryString: [...u.searchParams].map(([name, value]) => ({ name, value })), headersSize: -1, bodySize: 0,
    },
    response: resp ? {
      status: r.respExtra?.statusCode ?? resp.status, statusText: resp.statusText || '', httpVersion: httpVersion(resp.protocol), cookies: [],
      headers: toHeaders(r.respExtra?.headers || resp.headers),
      // Chromium does not read a preflight's body (encodedDataLength 0).
      content: { size: 0, mimeType: resp.mimeType || 'x-unknown' },
      headersSize: -1, bodySize: r.done ? r.done.encodedDataLength : -1, redirectURL: '', _transferSize: r.done ? r.done.encodedDataLength : -1,
    } : {
      status: -1, statusText: '', httpVersion: 'HTTP/1.1', cookies: [], headers: [], content: { size: -1, mimeType: 'x-unknown' },
      headersSize: -1, bodySize: -1, redirectURL: '', _transferSize: -1, _failureText: r.failed?.errorText || 'no response',
    },
    cache: {},
    timings,
    _resourceType: 'preflight',
    _source: 'cdp-preflight',
  };
  if (resp?.remoteIPAddress) { e.serverIPAddress = resp.remoteIPAddress; e._serverPort = resp.remotePort; }
  return e;
}

// ---- main --------------------------------------------------------------

function controlLog() {
  return new Promise((resolve, reject) => {
    https.get({ host: '127.0.0.1', port: PORT, path: '/', servername: 'control.test', headers: { Host: 'control.test' }, rejectUnauthorized: false }, (res) => {
      let b = '';
      res.on('data', (c) => { b += c; });
      res.on('end', () => resolve(JSON.parse(b)));
    }).on('error', reject);
  });
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', `--host-resolver-rules=MAP * 127.0.0.1:${PORT}`],
});
const chromiumVersion = browser.version();
const pwVersion = JSON.parse(fs.readFileSync(path.join(here, 'node_modules/playwright-core/package.json'), 'utf8')).version;
const producer = `Playwright ${pwVersion} recordHar (content: embed) driving Debian Chromium ${chromiumVersion}; CORS preflights added from CDP events ("_source": "cdp-preflight")`;

const expFile = path.join(outDir, 'expected.json');
const previous = fs.existsSync(expFile) ? JSON.parse(fs.readFileSync(expFile, 'utf8')).files : [];
const files = new Map(previous.map((f) => [f.file, f]));

for (const sc of scenarios) {
  if (ONLY && !ONLY.includes(sc.name)) continue;
  const file = sc.name + '.har';
  const harPath = path.join(outDir, file);
  const tmpHar = harPath + '.playwright.tmp';
  const context = await browser.newContext({ ignoreHTTPSErrors: true, recordHar: { path: tmpHar, content: 'embed' } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const pre = preflightRecorder(cdp);
  const before = (await controlLog()).length;
  await page.goto(APP + '/');
  await page.waitForFunction(() => window.App && window.App.ready);
  const tk = sc.tokens ? sc.tokens() : {};
  await sc.run(page, tk);
  await pause(page, 300);
  await context.close();
  const seen = (await controlLog()).slice(before);

  const raw = JSON.parse(fs.readFileSync(tmpHar, 'utf8'));
  fs.unlinkSync(tmpHar);
  const pageref = raw.log.pages?.[0]?.id;
  const har = JSON.parse(JSON.stringify(raw));
  const added = pre.entries(pageref);
  // Order by start time, as DevTools does; a preflight starts after the
  // request that needed it.
  har.log.entries = [...har.log.entries, ...added].map((e, k) => [e, k])
    .sort((a, b) => (Date.parse(a[0].startedDateTime) - Date.parse(b[0].startedDateTime)) || (a[1] - b[1])).map(([e]) => e);

  const write = (name, h) => fs.writeFileSync(path.join(outDir, name), JSON.stringify(h, null, 2) + '\n');
  const record = (name, h, sanitized, extra) => {
    const entries = match(h.log.entries, sc.expect(sanitized), name);
    const npf = h.log.entries.filter((e) => e._source).length;
    let observed = `${h.log.entries.length} entries (${npf} CORS preflight${npf === 1 ? '' : 's'} added from CDP). Failed requests as recorded: ${failures(h.log.entries)}.`;
    if (sc.observe && !sanitized) observed += ' ' + sc.observe(h.log.entries, seen);
    if (extra) observed += ' ' + extra;
    files.set(name, { file: name, producer: sanitized ? producer + '; then sanitized as DevTools does' : producer, scenario: sc.scenario, observed,
      file_rules: sanitized ? ['har-sanitized'] : [], entries });
    write(name, h);
    console.log(`${name}: ${h.log.entries.length} entries`);
  };
  record(file, har, false);
  if (sc.rawCopy) {
    // Playwright's own output, untouched: no preflight entries.
    const exp = sc.expect(false).filter((x) => x.m !== 'OPTIONS').map((x) => ({ ...x, rules: x.rules?.filter((r) => r !== 'cors-preflight-rejected'), related: undefined,
      note: x.s === -1 ? 'the real request, never sent (status -1, net::ERR_FAILED). The 401 preflight that caused it is not in this file: Playwright does not record preflights' : x.note }));
    const entries = match(raw.log.entries, exp, sc.rawCopy);
    files.set(sc.rawCopy, { file: sc.rawCopy, producer: `Playwright ${pwVersion} recordHar (content: embed) driving Debian Chromium ${chromiumVersion}, unmodified`,
      scenario: sc.scenario, observed: `Same traffic as ${file} without the CDP preflight entries: the failed GET has status -1 and nothing in the file shows the 401 preflight. Failed requests as recorded: ${failures(raw.log.entries)}.`,
      file_rules: [], entries });
    write(sc.rawCopy, raw);
    console.log(`${sc.rawCopy}: ${raw.log.entries.length} entries`);
  }
  if (sc.sanitizedCopy) {
    const s = sanitize(har);
    const left = s.log.entries.flatMap((e) => [...e.request.headers, ...e.response.headers]).filter((x) => ['authorization', 'cookie', 'set-cookie'].includes(x.name.toLowerCase()));
    assert(left.length === 0, 'sanitized copy still has credentials headers');
    record(sc.sanitizedCopy, s, true, `Derived from ${file}: request headers authorization and cookie and response header set-cookie removed from every entry, request.cookies and response.cookies emptied (devtools-frontend front_end/models/har/Log.ts, options.sanitize); query strings, bodies and other headers untouched.`);
  }
}
await browser.close();

const order = scenarios.flatMap((s) => [s.name + '.har', s.rawCopy, s.sanitizedCopy].filter(Boolean));
const out = {
  about: 'Expected findings for testdata/browser/*.har, written by record/record.mjs from its scenario definitions (what the page was made to do), after checking that the recorded entries match them. Edit the scenarios, not this file.',
  semantics: 'For each entry, a correct analyzer reports every rule in `rules` on that entry (as the finding\'s location or one of its occurrences), may also report rules in `may`, and reports no other rule there. `rules: []` means no finding. `related` lists the entries a cross-request finding should cite. `file_rules` are file-level findings (entry -1).',
  chromium: chromiumVersion,
  playwright_core: pwVersion,
  files: order.filter((f) => files.has(f)).map((f) => files.get(f)),
};
fs.writeFileSync(expFile, JSON.stringify(out, null, 2) + '\n');
console.log('wrote', expFile);
