// The official TypeScript SDK (1.32.x) as an MCP client of a gateway with sign in with GitLab, headless:
// 401 -> RFC 9728/8414 discovery -> dynamic registration -> authorize (the consent page approved by a
// cookie-carrying form post, GitLab played by WireMock redirecting straight back) -> token -> get_project;
// then the access token is spoiled and the SDK refreshes it on the 401 and the call succeeds again.
// Env: MCP_URL, ISSUER, PROJECT. Prints one JSON line with what happened; exits non-zero on any failure.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { randomUUID } from 'node:crypto';

const url = new URL(process.env.MCP_URL);
const issuer = process.env.ISSUER;
const log = { steps: [] };

class Browser {
  constructor() { this.cookies = new Map(); }
  header() { return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '); }
  async fetch(target, init = {}) {
    const sameSite = target.toString().startsWith(issuer);
    const headers = { ...(init.headers ?? {}), ...(sameSite && this.cookies.size ? { cookie: this.header() } : {}) };
    const res = await fetch(target, { ...init, headers, redirect: 'manual' });
    for (const set of res.headers.getSetCookie()) {
      const [pair] = set.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq), value = pair.slice(eq + 1);
      if (value) this.cookies.set(name, value); else this.cookies.delete(name);
    }
    return res;
  }
}

function field(html, name) {
  const m = html.match(new RegExp(`name=${name} value="([^"]*)"`));
  if (!m) throw new Error(`consent page has no ${name} field`);
  return m[1].replaceAll('&quot;', '"').replaceAll('&amp;', '&');
}

class HeadlessProvider {
  constructor() { this._state = randomUUID(); this.browser = new Browser(); }
  get redirectUrl() { return 'http://127.0.0.1:38999/callback'; }
  get clientMetadata() {
    return { client_name: 'sdk-e2e-client', redirect_uris: [this.redirectUrl], grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'], token_endpoint_auth_method: 'none' };
  }
  state() { return this._state; }
  clientInformation() { return this._client; }
  saveClientInformation(info) { this._client = info; log.steps.push('registered'); }
  tokens() { return this._tokens; }
  saveTokens(t) { this._tokens = t; log.steps.push('tokens'); }
  saveCodeVerifier(v) { this._verifier = v; }
  codeVerifier() { return this._verifier; }
  async redirectToAuthorization(authorizationUrl) {
    log.authorizationUrl = authorizationUrl.href;
    const page = await this.browser.fetch(authorizationUrl);
    if (page.status !== 200) throw new Error(`authorize answered ${page.status}: ${await page.text()}`);
    const html = await page.text();
    log.steps.push('consent page');
    const form = new URLSearchParams({ request: field(html, 'request'), csrf: field(html, 'csrf'), decision: 'approve' });
    const toGitLab = await this.browser.fetch(new URL('/oauth/authorize/decision', issuer), {
      method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded', origin: issuer } });
    if (toGitLab.status !== 303) throw new Error(`approval answered ${toGitLab.status}: ${await toGitLab.text()}`);
    const atGitLab = await this.browser.fetch(toGitLab.headers.get('location'));
    const back = await this.browser.fetch(atGitLab.headers.get('location'));
    const location = new URL(back.headers.get('location'));
    if (location.searchParams.get('state') !== this._state) throw new Error('state mismatch');
    if (location.searchParams.get('iss') !== issuer) throw new Error(`iss ${location.searchParams.get('iss')} is not ${issuer}`);
    if (location.searchParams.get('error')) throw new Error(`authorization error: ${location.searchParams.get('error')}`);
    this.authorizationCode = location.searchParams.get('code');
    log.steps.push('code');
  }
}

const provider = new HeadlessProvider();
const client = new Client({ name: 'sdk-e2e-client', version: '0.0.1' }, { capabilities: {} });
let transport = new StreamableHTTPClientTransport(url, { authProvider: provider });
try {
  await client.connect(transport);
  throw new Error('connected without signing in');
} catch (e) {
  if (!(e instanceof UnauthorizedError) || !provider.authorizationCode) throw e;
}
await transport.finishAuth(provider.authorizationCode);
transport = new StreamableHTTPClientTransport(url, { authProvider: provider });
await client.connect(transport);
log.steps.push('connected');
const first = await client.callTool({ name: 'get_project', arguments: { project_id: process.env.PROJECT } });
log.first = first.content?.[0]?.text ?? '';
log.firstIsError = first.isError ?? false;

const before = provider.tokens();
provider._tokens = { ...before, access_token: before.access_token + 'spoiled' };
const second = await client.callTool({ name: 'get_project', arguments: { project_id: process.env.PROJECT } });
log.second = second.content?.[0]?.text ?? '';
log.secondIsError = second.isError ?? false;
log.refreshed = provider.tokens().refresh_token !== before.refresh_token;
await client.close();
console.log(JSON.stringify(log));
