// The official conformance suite's authorization-server scenarios (conformance authorization, 0.2.0-alpha.12)
// against a gateway with sign in with GitLab. The suite prints an authorize URL and waits for its callback;
// this script plays the user: it opens the URL with a cookie jar, approves the consent page, passes through
// GitLab (WireMock, approving at once) and lands on the suite's callback.
// Env: ISSUER, RESOURCE, CLIENT_ID, CALLBACK_PORT, OUT. Prints the suite's output; exits with its exit code.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('./node_modules/@modelcontextprotocol/conformance/dist/index.js', import.meta.url));
const issuer = process.env.ISSUER;
const cookies = new Map();

async function browse(target, init = {}) {
  const headers = { ...(init.headers ?? {}) };
  if (target.startsWith(issuer) && cookies.size) headers.cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const res = await fetch(target, { ...init, headers, redirect: 'manual' });
  for (const set of res.headers.getSetCookie()) {
    const [pair] = set.split(';');
    const eq = pair.indexOf('=');
    if (pair.slice(eq + 1)) cookies.set(pair.slice(0, eq), pair.slice(eq + 1)); else cookies.delete(pair.slice(0, eq));
  }
  return res;
}

function hidden(html, name) {
  const m = html.match(new RegExp(`name=${name} value="([^"]*)"`));
  if (!m) throw new Error(`no ${name} on the consent page`);
  return m[1].replaceAll('&quot;', '"').replaceAll('&amp;', '&');
}

async function playUser(authorizeUrl) {
  const page = await browse(authorizeUrl);
  if (page.status !== 200) throw new Error(`authorize answered ${page.status}: ${await page.text()}`);
  const html = await page.text();
  const form = new URLSearchParams({ request: hidden(html, 'request'), csrf: hidden(html, 'csrf'), decision: 'approve' });
  let res = await browse(`${issuer}/oauth/authorize/decision`, { method: 'POST', body: form,
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: issuer } });
  for (let hops = 0; hops < 5 && res.status >= 300 && res.status < 400; hops++) {
    res = await browse(new URL(res.headers.get('location'), issuer).href);
  }
  console.log(`[user] arrived with HTTP ${res.status}`);
}

const args = [cli, 'authorization', '--url', issuer, '--client-id', process.env.CLIENT_ID, '--resource',
  process.env.RESOURCE, '-p', process.env.CALLBACK_PORT, '-o', process.env.OUT];
const suite = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
let seen = false;
let output = '';
const watch = (chunk) => {
  const text = chunk.toString();
  output += text;
  process.stdout.write(text);
  const m = !seen && output.match(/https?:\/\/\S+\/oauth\/authorize\?\S+/);
  if (m) {
    seen = true;
    playUser(m[0]).catch((e) => { console.log(`[user] failed: ${e.message}`); suite.kill(); });
  }
};
suite.stdout.on('data', watch);
suite.stderr.on('data', watch);
const code = await new Promise((resolve) => suite.on('close', resolve));
process.exit(code ?? 1);
