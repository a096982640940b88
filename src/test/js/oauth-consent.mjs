// The gateway's consent page in headless Chromium (playwright-core, Debian chromium): approve, deny, a
// framing attempt and a forged CSRF token. Env: ISSUER, RESOURCE, CHROMIUM, SCREENSHOT. Prints one JSON line.
import { chromium } from 'playwright-core';
import { createHash, randomBytes } from 'node:crypto';

const issuer = process.env.ISSUER;
const redirect = 'http://127.0.0.1:38998/callback';
const out = {};

const reg = await fetch(`${issuer}/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ client_name: 'Playwright Client', redirect_uris: [redirect], token_endpoint_auth_method: 'none' }) });
const clientId = (await reg.json()).client_id;
function authorizeUrl(state) {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const u = new URL(`${issuer}/oauth/authorize`);
  Object.entries({ response_type: 'code', client_id: clientId, redirect_uri: redirect, code_challenge: challenge,
    code_challenge_method: 'S256', state, resource: process.env.RESOURCE, scope: 'api' })
    .forEach(([k, v]) => u.searchParams.set(k, v));
  return u.href;
}

// Clicks and waits for the browser to arrive at the client's redirect URI; says where it stopped instead.
async function clickThrough(page, selector) {
  await page.click(selector);
  try {
    await page.waitForURL(`${redirect}**`, { timeout: 15000 });
  } catch (e) {
    throw new Error(`stopped at ${page.url()}: ${(await page.textContent('body').catch(() => ''))?.slice(0, 300)} `
      + `cookies=${JSON.stringify(out.cookies)}`);
  }
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM, args: ['--no-sandbox'] });
async function context() {
  const ctx = await browser.newContext();
  // The client's redirect URI: nobody listens there, so the browser's arrival is answered here.
  await ctx.route(`${redirect}**`, (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: 'client got it' }));
  return ctx;
}
try {
  // Approve
  let ctx = await context();
  let page = await ctx.newPage();
  await page.goto(authorizeUrl('approve-state'));
  out.title = await page.title();
  out.cookies = (await ctx.cookies()).map((c) => c.name);
  await page.screenshot({ path: process.env.SCREENSHOT, fullPage: true });
  await clickThrough(page, 'button[value=approve]');
  const approved = new URL(page.url());
  out.approve = { code: !!approved.searchParams.get('code'), state: approved.searchParams.get('state'),
    iss: approved.searchParams.get('iss'), error: approved.searchParams.get('error') };
  await ctx.close();

  // Deny
  ctx = await context();
  page = await ctx.newPage();
  await page.goto(authorizeUrl('deny-state'));
  await clickThrough(page, 'button[value=deny]');
  const denied = new URL(page.url());
  out.deny = { error: denied.searchParams.get('error'), state: denied.searchParams.get('state'),
    iss: denied.searchParams.get('iss') };
  await ctx.close();

  // Framing: another site puts the consent page in an iframe, next to a control frame of its own that has
  // the same button (so a count of zero means "refused", not "not looked at").
  ctx = await context();
  page = await ctx.newPage();
  let framedRequested = false;
  let framedFailure = '';
  page.on('request', (r) => { if (r.url().includes('framed-state')) framedRequested = true; });
  page.on('requestfailed', (r) => { if (r.url().includes('framed-state')) framedFailure = r.failure()?.errorText ?? ''; });
  // Another origin on this machine (localhost instead of 127.0.0.1), so no network policy stands in the way.
  const attacker = issuer.replace('127.0.0.1', 'localhost') + '/attacker';
  await ctx.route(`${attacker}**`, (route) => route.fulfill({ status: 200, contentType: 'text/html',
    body: route.request().url().endsWith('/attacker/control')
      ? '<html><body><form><button value=approve>Approve</button></form></body></html>'
      : `<html><body><h1>Win a prize</h1><iframe name=control src="${attacker}/control"></iframe>`
        + `<iframe name=consent src="${authorizeUrl('framed-state')}"></iframe></body></html>` }));
  await page.goto(attacker);
  await page.waitForLoadState('load');
  await page.waitForTimeout(500);
  const count = async (name) => {
    const frame = page.frames().find((f) => f.name() === name);
    try { return frame ? await frame.locator('button[value=approve]').count() : -1; } catch { return 0; }
  };
  out.framing = { consentButtons: await count('consent'), controlButtons: await count('control'), framedRequested,
    framedFailure };
  await ctx.close();

  // Forged CSRF token
  ctx = await context();
  page = await ctx.newPage();
  await page.goto(authorizeUrl('forged-state'));
  await page.$eval('input[name=csrf]', (el) => { el.value = 'forged-token'; });
  const [resp] = await Promise.all([page.waitForNavigation(), page.click('button[value=approve]')]);
  out.forged = { status: resp.status(), text: (await page.textContent('h1')) ?? '', url: page.url() };
  await ctx.close();
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
