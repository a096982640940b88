// A small fake GitLab for .ci/conformance-auth.sh: the OAuth provider (Doorkeeper) and the few REST paths the
// gateway's sign-in uses, with GitLab's paths, parameters, status codes and error bodies. No dependencies.
//
//   node .ci/fake-gitlab.mjs --app-id ID [--app-secret S] --redirect-uri URI [--port 0]
//
// /oauth/authorize approves at once (no login page): it checks the application and its registered redirect URI
// like GitLab, then redirects back with a single-use code and the state. /oauth/token exchanges that code
// (authorization_code, with the same redirect URI and the PKCE verifier) or rotates a refresh token
// (refresh_token: the old access and refresh tokens stop working), and answers GitLab's invalid_grant,
// invalid_client, invalid_request and unsupported_grant_type bodies otherwise. /api/v4/user, /version,
// /metadata and /groups answer for a live access token, else 401. The first line on stdout is
// "fake-gitlab listening on http://127.0.0.1:<port>"; one line per request goes to stderr (paths only, no
// query strings, so no codes or tokens).
import { createServer } from 'node:http';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { parseArgs } from 'node:util';

const { values: opt } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'app-id': { type: 'string' },
    'app-secret': { type: 'string', default: '' },
    'redirect-uri': { type: 'string' },
  },
});
if (!opt['app-id'] || !opt['redirect-uri']) {
  console.error('usage: fake-gitlab.mjs --app-id ID [--app-secret S] --redirect-uri URI [--port N]');
  process.exit(2);
}

const APP = { id: opt['app-id'], secret: opt['app-secret'], redirectUri: opt['redirect-uri'], scopes: ['api', 'read_api', 'read_user'] };
const USER = { id: 4242, username: 'conformance-user', name: 'Conformance User', state: 'active', locked: false,
  avatar_url: null, web_url: 'http://gitlab.invalid/conformance-user' };
const ACCESS_SECONDS = 7200; // GitLab's fixed access-token lifetime
const CODE_MS = 10 * 60_000;

const codes = new Map(); // code -> { challenge, method, redirectUri, scope, expiresAt }
const access = new Map(); // access token -> { refresh, scope, expiresAt }
const refresh = new Map(); // refresh token -> access token

const ERRORS = {
  invalid_grant: 'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI '
    + 'used in the authorization request, or was issued to another client.',
  invalid_client: 'Client authentication failed due to unknown client, no client authentication included, or '
    + 'unsupported authentication method.',
  invalid_request: 'The request is missing a required parameter, includes an unsupported parameter value, or is '
    + 'otherwise malformed.',
  unsupported_grant_type: 'The authorization grant type is not supported by the authorization server.',
  invalid_scope: 'The requested scope is invalid, unknown, or malformed.',
  unsupported_response_type: 'The authorization server does not support this response type.',
};

const token = () => randomBytes(32).toString('hex');
const same = (a, b) => {
  const x = Buffer.from(String(a)), y = Buffer.from(String(b));
  return x.length === y.length && timingSafeEqual(x, y);
};

function json(res, status, body, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

function oauthError(res, status, error, description) {
  json(res, status, { error, error_description: description ?? ERRORS[error] },
    status === 401 ? { 'WWW-Authenticate': 'Bearer realm="Doorkeeper", error="invalid_client"' } : {});
}

function redirect(res, uri, params) {
  const u = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null) u.searchParams.set(k, v);
  res.writeHead(302, { Location: u.toString(), 'Cache-Control': 'no-store' });
  res.end();
}

function authorize(res, q) {
  // Like Doorkeeper: an unknown application or an unregistered redirect URI is shown, never redirected to.
  if (q.get('client_id') !== APP.id || q.get('redirect_uri') !== APP.redirectUri) {
    res.writeHead(400, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end('<h1>An error has occurred</h1><p>Client authentication failed due to unknown client, no client '
      + 'authentication included, or unsupported authentication method.</p>');
    return;
  }
  const back = (error) => redirect(res, APP.redirectUri, { error, error_description: ERRORS[error], state: q.get('state') });
  if (q.get('response_type') !== 'code') return back('unsupported_response_type');
  const scope = (q.get('scope') || 'api').trim();
  if (!scope.split(/\s+/).every((s) => APP.scopes.includes(s))) return back('invalid_scope');
  const method = q.get('code_challenge_method') || (q.get('code_challenge') ? 'plain' : '');
  if (q.get('code_challenge') && !['S256', 'plain'].includes(method)) return back('invalid_request');
  const code = token();
  codes.set(code, { challenge: q.get('code_challenge') || '', method, redirectUri: APP.redirectUri, scope,
    expiresAt: Date.now() + CODE_MS });
  redirect(res, APP.redirectUri, { code, state: q.get('state') });
}

function issue(res, scope) {
  const a = token(), r = token();
  access.set(a, { refresh: r, scope, expiresAt: Date.now() + ACCESS_SECONDS * 1000 });
  refresh.set(r, a);
  json(res, 200, { access_token: a, token_type: 'Bearer', expires_in: ACCESS_SECONDS, refresh_token: r, scope,
    created_at: Math.floor(Date.now() / 1000) });
}

function tokenEndpoint(req, res, form) {
  let id = form.get('client_id'), secret = form.get('client_secret');
  const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization || '');
  if (basic) {
    const pair = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = pair.indexOf(':');
    id = decodeURIComponent(pair.slice(0, colon));
    secret = decodeURIComponent(pair.slice(colon + 1));
  }
  if (id !== APP.id || (APP.secret && !same(secret ?? '', APP.secret))) return oauthError(res, 401, 'invalid_client');
  const grant = form.get('grant_type');
  if (grant === 'authorization_code') {
    const code = form.get('code');
    if (!code) return oauthError(res, 400, 'invalid_request', 'Missing required parameter: code.');
    const c = codes.get(code);
    codes.delete(code); // single use, right or wrong
    if (!c || c.expiresAt < Date.now() || form.get('redirect_uri') !== c.redirectUri) return oauthError(res, 400, 'invalid_grant');
    if (c.challenge) {
      const verifier = form.get('code_verifier');
      if (!verifier) return oauthError(res, 400, 'invalid_request', 'Missing required parameter: code_verifier.');
      const computed = c.method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
      if (!same(computed, c.challenge)) return oauthError(res, 400, 'invalid_grant');
    }
    return issue(res, c.scope);
  }
  if (grant === 'refresh_token') {
    const r = form.get('refresh_token');
    const a = r ? refresh.get(r) : undefined;
    if (!a) return oauthError(res, 400, 'invalid_grant');
    const scope = access.get(a)?.scope ?? 'api';
    refresh.delete(r); // a refresh invalidates the old pair
    access.delete(a);
    return issue(res, scope);
  }
  return oauthError(res, 400, 'unsupported_grant_type');
}

function revoke(res, form) {
  const t = form.get('token');
  const a = refresh.get(t) ?? t;
  const live = access.get(a);
  if (live) refresh.delete(live.refresh);
  access.delete(a);
  json(res, 200, {});
}

function api(req, res, path) {
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization || '');
  const live = bearer && access.get(bearer[1]);
  if (!live || live.expiresAt < Date.now()) return json(res, 401, { message: '401 Unauthorized' });
  switch (path) {
    case '/api/v4/user': return json(res, 200, USER);
    case '/api/v4/version': return json(res, 200, { version: '17.11.0-ee', revision: 'c0ffee00', kas: { enabled: false } });
    case '/api/v4/metadata': return json(res, 200, { version: '17.11.0-ee', revision: 'c0ffee00', kas: { enabled: false },
      enterprise: true });
    case '/api/v4/groups': return json(res, 200, []);
    default: return json(res, 404, { error: '404 Not Found' });
  }
}

const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://fake-gitlab');
  res.on('finish', () => console.error(`fake-gitlab ${req.method} ${url.pathname} ${res.statusCode}`));
  const chunks = [];
  let size = 0;
  req.on('data', (c) => {
    size += c.length;
    if (size > 64 * 1024) req.destroy();
    else chunks.push(c);
  });
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const form = (req.headers['content-type'] || '').includes('application/json')
      ? new URLSearchParams(Object.entries(safeJson(body))) : new URLSearchParams(body);
    if (req.method === 'GET' && url.pathname === '/oauth/authorize') return authorize(res, url.searchParams);
    if (req.method === 'POST' && url.pathname === '/oauth/token') return tokenEndpoint(req, res, form);
    if (req.method === 'POST' && url.pathname === '/oauth/revoke') return revoke(res, form);
    if (req.method === 'GET' && url.pathname.startsWith('/api/v4/')) return api(req, res, url.pathname);
    json(res, 404, { error: '404 Not Found' });
  });
});

function safeJson(text) {
  try {
    const v = JSON.parse(text);
    return v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)])) : {};
  } catch {
    return {};
  }
}

server.listen(Number(opt.port), '127.0.0.1', () => {
  console.log(`fake-gitlab listening on http://127.0.0.1:${server.address().port}`);
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
