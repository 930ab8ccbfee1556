import { fakeAudio, multipart, post } from './support/api-client';
import { APP_BASE_URL } from './support/constants';
import { expect, signedOut, test, TranscribePage, uniqueMarker } from './support/test';

// Security headers on every kind of response, and a CSP the app itself never trips over.

const COMMON = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': /^(strict-origin-when-cross-origin|no-referrer)$/,
  'permissions-policy': /microphone=\(self\)/,
};

function expectCommonHeaders(headers: Headers) {
  for (const [name, value] of Object.entries(COMMON)) {
    const actual = headers.get(name) ?? '';
    if (typeof value === 'string') expect(actual, name).toBe(value);
    else expect(actual, name).toMatch(value);
  }
  expect(headers.get('content-security-policy'), 'content-security-policy').toMatch(/frame-ancestors 'none'/);
  expect(headers.get('strict-transport-security'), 'no HSTS over plain HTTP').toBeNull();
}

test('pages carry a nonce-based CSP without unsafe-inline scripts, a fresh nonce each time, on every script', async ({ account }) => {
  const nonces = new Set<string>();
  for (const path of ['/', '/history', '/sign-in', '/no-such-page']) {
    const response = await fetch(`${APP_BASE_URL}${path}`, { headers: { cookie: account.cookieHeader } });
    expectCommonHeaders(response.headers);
    const policy = response.headers.get('content-security-policy') ?? '';
    const scriptSrc = /script-src ([^;]+)/.exec(policy)?.[1] ?? '';
    expect(scriptSrc).not.toContain('unsafe-inline');
    expect(scriptSrc).not.toContain('unsafe-eval');
    const nonce = /'nonce-([^']+)'/.exec(scriptSrc)?.[1] ?? '';
    expect(nonce.length).toBeGreaterThanOrEqual(16);
    nonces.add(nonce);
    const html = await response.text();
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) expect(script, `${path}: ${script}`).toContain(`nonce="${nonce}"`);
  }
  expect(nonces.size).toBe(4);
});

test('API responses, static files and errors carry the headers too', async ({ account }) => {
  const list = await fetch(`${APP_BASE_URL}/api/transcriptions`, { headers: { cookie: account.cookieHeader } });
  expectCommonHeaders(list.headers);
  expect(list.headers.get('content-security-policy')).toContain("default-src 'none'");

  const refused = await fetch(`${APP_BASE_URL}/api/transcriptions`, { method: 'POST' });
  expect(refused.status).toBe(401);
  expectCommonHeaders(refused.headers);

  const html = await (await fetch(`${APP_BASE_URL}/sign-in`)).text();
  const asset = /\/_next\/static\/[^"]+\.js/.exec(html)?.[0];
  expect(asset).toBeTruthy();
  const staticResponse = await fetch(`${APP_BASE_URL}${asset}`);
  expect(staticResponse.headers.get('x-content-type-options')).toBe('nosniff');

  const stream = await post(account.cookieHeader, multipart([{ name: 'stream', value: 'true' }, { name: 'prompt', value: 'fake:delay=0' }, { name: 'file', filename: 'a.mp3', data: fakeAudio(1024) }]));
  expectCommonHeaders(stream.headers);
  await stream.text();
});

test('HSTS is sent when the app is served over HTTPS (behind a TLS proxy)', async () => {
  for (const path of ['/sign-in', '/api/transcriptions']) {
    const response = await fetch(`${APP_BASE_URL}${path}`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(response.headers.get('strict-transport-security'), path).toMatch(/max-age=\d{7,}/);
  }
});

test('x-middleware-subrequest cannot skip auth on pages or API routes', async () => {
  const forged = { 'x-middleware-subrequest': 'proxy:proxy:proxy:proxy:proxy:middleware:middleware:middleware:middleware:middleware' };
  const page = await fetch(`${APP_BASE_URL}/history`, { headers: forged, redirect: 'manual' });
  expect([302, 303, 307, 308]).toContain(page.status);
  expect(page.headers.get('location')).toContain('/sign-in');
  const api = await fetch(`${APP_BASE_URL}/api/transcriptions`, { headers: forged });
  expect(api.status).toBe(401);
});

test('the app runs under its CSP: no violations while signing in, transcribing and sharing', async ({ page, browser }) => {
  const violations: string[] = [];
  const watch = (target: import('@playwright/test').Page) =>
    target.on('console', (message) => {
      if (/Content Security Policy|Refused to (execute|load|apply|connect)/i.test(message.text())) violations.push(message.text());
    });
  watch(page);
  const transcribe = new TranscribePage(page);
  await transcribe.goto();
  await transcribe.transcribe('speech.mp3', { prompt: `${uniqueMarker()} fake:delay=0` });
  await transcribe.openTranscript();
  await page.getByRole('button', { name: 'Share' }).click();
  const shareUrl = await page.getByLabel('Share link').inputValue();
  const visitor = await browser.newContext({ storageState: signedOut });
  const visitorPage = await visitor.newPage();
  watch(visitorPage);
  await visitorPage.goto(`${APP_BASE_URL}/sign-in`);
  await expect(visitorPage.getByRole('button', { name: 'Sign in' })).toBeEnabled();
  await visitorPage.goto(shareUrl);
  await expect(visitorPage.getByText('Hello from the fake upstream').first()).toBeVisible();
  await visitor.close();
  expect(violations).toEqual([]);
});
