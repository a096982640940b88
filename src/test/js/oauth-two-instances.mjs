// One sign-in, two GitLab instances: the consent page in headless Chromium (playwright-core, Debian chromium)
// ticks both instances and approves; the browser then passes GitLab A's and GitLab B's authorizations (each a
// WireMock server with its own app) and lands on the client's redirect URI with one code. The code is
// exchanged for one gateway token, and the official TypeScript SDK calls get_project on /mcp/a and /mcp/b with
// it, then switches a session on /mcp from a to b.
// Env: ISSUER, CHROMIUM, SCREENSHOT, PROJECT. Prints one JSON line; exits non-zero on any failure.
import { chromium } from 'playwright-core';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { createHash, randomBytes } from 'node:crypto';

const issuer = process.env.ISSUER;
const redirect = 'http://127.0.0.1:38997/callback';
const out = { visited: [] };

const reg = await fetch(`${issuer}/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ client_name: 'Two Instance Client', redirect_uris: [redirect], token_endpoint_auth_method: 'none' }) });
const clientId = (await reg.json()).client_id;
const verifier = randomBytes(32).toString('base64url');
const authorize = new URL(`${issuer}/oauth/authorize`);
Object.entries({ response_type: 'code', client_id: clientId, redirect_uri: redirect, state: 'two-state',
  code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
  resource: `${issuer}/mcp/a`, scope: 'api' }).forEach(([k, v]) => authorize.searchParams.set(k, v));

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM, args: ['--no-sandbox'] });
let code;
try {
  const ctx = await browser.newContext();
  // The client's redirect URI: nobody listens there, so the browser's arrival is answered here.
  await ctx.route(`${redirect}**`, (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: 'client got it' }));
  const page = await ctx.newPage();
  page.on('request', (r) => { if (r.isNavigationRequest()) out.visited.push(new URL(r.url()).origin + new URL(r.url()).pathname); });
  await page.goto(authorize.href);
  out.offered = await page.$$eval('input[name=instance]', (els) => els.map((e) => ({ name: e.value, checked: e.checked })));
  await page.check('input[name=instance][value=b]');
  await page.screenshot({ path: process.env.SCREENSHOT, fullPage: true });
  await page.click('button[value=approve]');
  try {
    await page.waitForURL(`${redirect}**`, { timeout: 20000 });
  } catch (e) {
    throw new Error(`stopped at ${page.url()}: ${(await page.textContent('body').catch(() => ''))?.slice(0, 300)}`);
  }
  const back = new URL(page.url());
  out.state = back.searchParams.get('state');
  out.iss = back.searchParams.get('iss');
  code = back.searchParams.get('code');
  if (!code) throw new Error(`no code: ${page.url()}`);
  await ctx.close();
} finally {
  await browser.close();
}

const tokenRes = await fetch(`${issuer}/oauth/token`, { method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirect, client_id: clientId,
    code_verifier: verifier, resource: `${issuer}/mcp/a` }) });
if (tokenRes.status !== 200) throw new Error(`token endpoint answered ${tokenRes.status}: ${await tokenRes.text()}`);
const token = (await tokenRes.json()).access_token;

async function connect(path) {
  const client = new Client({ name: 'two-instance-client', version: '0.0.1' }, { capabilities: {} });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${issuer}${path}`),
    { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
  return client;
}
const text = (r) => (r.isError ? 'ERROR ' : '') + (r.content?.[0]?.text ?? '');
const project = { name: 'get_project', arguments: { project_id: process.env.PROJECT } };

for (const name of ['a', 'b']) {
  const client = await connect(`/mcp/${name}`);
  out[name] = text(await client.callTool(project));
  await client.close();
}

const moving = await connect('/mcp');
let listChanged = 0;
moving.setNotificationHandler(ToolListChangedNotificationSchema, () => { listChanged++; });
out.mcpBefore = text(await moving.callTool(project));
out.switched = text(await moving.callTool({ name: 'switch_instance', arguments: { instance: 'b' } }));
out.mcpAfter = text(await moving.callTool(project));
out.listChanged = listChanged;
await moving.close();
console.log(JSON.stringify(out));
