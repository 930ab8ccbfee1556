import { type APIRequestContext, request as apiRequest, expect, test } from '@playwright/test';
import { type AppInstance, startAppInstance } from './support/app-instance';
import { FAKE_TRANSCRIPT } from './support/fake-upstream';
import { freePort } from './support/free-port';
import { signedOut, TranscribePage, uniqueMarker, upstreamRequests } from './support/test';
import { startTlsTerminator } from './support/tls-terminator';

// Behind HTTPS Auth.js names its session cookie `__Secure-authjs.session-token`; the app's own
// session check (lib/auth/session-token.ts) must read the same cookie Auth.js wrote. An app
// instance behind a local TLS terminator with a self-signed certificate, as in production
// behind nginx; AUTH_URL is unset, so X-Forwarded-Proto decides, as Auth.js does.

const SECURE = '__Secure-authjs.session-token';
const PLAIN = 'authjs.session-token';

let app: AppInstance;
let tls: Awaited<ReturnType<typeof startTlsTerminator>>;
let api: APIRequestContext;

test.beforeAll(async () => {
  app = await startAppInstance({ name: 'behind-tls', port: await freePort() });
  tls = await startTlsTerminator({ port: await freePort(), target: app.baseUrl });
  api = await apiRequest.newContext({ ignoreHTTPSErrors: true });
});

test.afterAll(async () => {
  await api?.dispose();
  await tls?.close();
  await app?.stop();
});

const listStatus = async (baseUrl: string, cookie: string) => (await api.get(`${baseUrl}/api/transcriptions?limit=1`, { headers: { cookie } })).status();

test('behind HTTPS: sign up, sign in and upload with the __Secure- session cookie', async ({ browser }) => {
  const context = await browser.newContext({ baseURL: tls.baseUrl, ignoreHTTPSErrors: true, storageState: signedOut });
  const page = await context.newPage();
  const email = `tls-${Date.now()}@example.test`;
  const password = 'correct horse battery staple';
  await page.goto('/sign-up');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { name: 'New transcription' })).toBeVisible();

  await context.clearCookies();
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'New transcription' })).toBeVisible();
  const cookies = await context.cookies();
  const session = cookies.find((cookie) => cookie.name === SECURE);
  expect(session?.secure).toBe(true);
  expect(cookies.map((cookie) => cookie.name)).not.toContain(PLAIN);

  const marker = uniqueMarker();
  const transcribe = new TranscribePage(page);
  await transcribe.transcribe('speech.mp3', { prompt: `${marker} fake:delay=0` });
  await expect(transcribe.transcript()).toContainText(FAKE_TRANSCRIPT, { timeout: 20_000 });
  expect(await upstreamRequests(marker)).toHaveLength(1);
  await context.close();

  // The token counts only under the name Auth.js uses for the request's protocol.
  const token = session?.value ?? '';
  expect(await listStatus(tls.baseUrl, `${SECURE}=${token}`)).toBe(200);
  expect(await listStatus(tls.baseUrl, `${PLAIN}=${token}`)).toBe(401);
  expect(await listStatus(app.baseUrl, `${SECURE}=${token}`)).toBe(401);
  // A cookie too large for one is split by Auth.js into numbered chunks, in any order.
  const half = Math.ceil(token.length / 2);
  expect(await listStatus(tls.baseUrl, `${SECURE}.1=${token.slice(half)}; ${SECURE}.0=${token.slice(0, half)}`)).toBe(200);
});
