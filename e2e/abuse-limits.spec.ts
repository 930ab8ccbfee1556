import { type Browser, type Page } from '@playwright/test';
import { fakeAudio, multipart, openRawUpload, partHead, post } from './support/api-client';
import { type AppInstance, startAppInstance } from './support/app-instance';
import { SPARE_APP_PORTS } from './support/constants';
import { expect, registerAccount, signedOut, test, uniqueMarker, upstreamRequests } from './support/test';

// Limits need an instance of their own: the main one runs every other spec with roomy limits.
let app: AppInstance;
test.beforeAll(async () => {
  app = await startAppInstance({
    name: 'limits',
    port: SPARE_APP_PORTS[0],
    env: {
      RATE_LIMIT_TRANSCRIPTIONS_IN_FLIGHT: '2',
      RATE_LIMIT_TRANSCRIPTIONS_PER_HOUR: '8',
      RATE_LIMIT_AUDIO_MB_PER_DAY: '1',
      RATE_LIMIT_SIGN_IN_FAILURES_PER_ACCOUNT: '3',
      RATE_LIMIT_SIGN_IN_FAILURES_PER_IP: '5',
      RATE_LIMIT_SEARCHES_PER_MINUTE: '5',
      // The tests play a reverse proxy: the address each sets in X-Forwarded-For is the client's.
      TRUSTED_PROXY_HOPS: '1',
    },
  });
});
test.afterAll(async () => app.stop());

const newUser = async (browser: Browser, label: string) => (await registerAccount(browser, label, app.baseUrl)).cookieHeader;
const transcribe = (cookie: string, prompt: string, bytes = 1024) =>
  post(cookie, multipart([{ name: 'prompt', value: prompt }, { name: 'file', filename: 'a.mp3', data: fakeAudio(bytes) }]), {}, app.baseUrl);

/** Two transcriptions at once are accepted: proof that no slot is still held. */
async function expectTwoSlotsFree(cookie: string) {
  const responses = await Promise.all([transcribe(cookie, 'fake:delay=0'), transcribe(cookie, 'fake:delay=0')]);
  expect(responses.map((response) => response.status)).toEqual([200, 200]);
}

test('searches are limited per user (5 a minute here), with Retry-After; listing without a search is not', async ({ browser }) => {
  const cookie = await newUser(browser, 'searcher');
  const list = (query: string, who = cookie) => fetch(`${app.baseUrl}/api/transcriptions${query}`, { headers: { cookie: who } });
  for (let index = 0; index < 5; index++) expect((await list(`?q=budget${index}`)).status).toBe(200);
  const refused = await list('?q=budget');
  expect(refused.status).toBe(429);
  expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(await refused.json()).toMatchObject({ error: { code: 'rate_limit:search', message: expect.stringMatching(/Too many searches/) } });
  expect((await list('')).status).toBe(200);
  expect((await list('?q=budget', await newUser(browser, 'other-searcher'))).status).toBe(200);
});

test('10 parallel transcriptions with a limit of 2: exactly 2 accepted, 8 × 429 with Retry-After; slots come back on completion', async ({ browser }) => {
  const cookie = await newUser(browser, 'parallel');
  const responses = await Promise.all(Array.from({ length: 10 }, () => transcribe(cookie, 'fake:delay=100')));
  const statuses = responses.map((response) => response.status).sort();
  expect(statuses).toEqual([200, 200, 429, 429, 429, 429, 429, 429, 429, 429]);
  for (const response of responses.filter((each) => each.status === 429)) {
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('rate_limit:concurrency');
  }
  await expectTwoSlotsFree(cookie);
});

test('slots come back when a transcription fails and when the client disconnects mid-upload', async ({ browser }) => {
  const cookie = await newUser(browser, 'release');
  const failed = await Promise.all([transcribe(cookie, 'fake:status=400'), transcribe(cookie, 'fake:status=400')]);
  expect(failed.map((response) => response.status)).toEqual([502, 502]);

  const marker = uniqueMarker();
  const upload = openRawUpload(cookie, { 'transfer-encoding': 'chunked' }, app.baseUrl);
  await upload.write(Buffer.from(partHead({ name: 'prompt', value: marker }) + partHead({ name: 'file', filename: 'a.mp3', data: Buffer.alloc(0) })));
  await upload.write(fakeAudio(256 * 1024));
  await expect.poll(async () => (await upstreamRequests(marker))[0]?.bodyBytes ?? 0).toBeGreaterThan(0);
  upload.request.destroy();
  upload.response.catch(() => undefined);
  await expect.poll(async () => (await upstreamRequests(marker))[0]?.outcome).toBe('client-aborted');

  await expect.poll(async () => (await transcribe(cookie, 'fake:delay=0')).status).toBe(200);
  await expectTwoSlotsFree(cookie);
});

test('the hourly count and the daily audio allowance are enforced per user', async ({ browser }) => {
  const hourly = await newUser(browser, 'hourly');
  for (let index = 0; index < 8; index++) expect((await transcribe(hourly, 'fake:delay=0')).status).toBe(200);
  const refused = await transcribe(hourly, 'fake:delay=0');
  expect(refused.status).toBe(429);
  expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('rate_limit:hourly');
  expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);

  const daily = await newUser(browser, 'daily');
  expect((await transcribe(daily, 'fake:delay=0', 600_000)).status).toBe(200);
  const overAllowance = await transcribe(daily, 'fake:delay=0', 600_000);
  expect(overAllowance.status).toBe(429);
  expect(((await overAllowance.json()) as { error: { code: string } }).error.code).toBe('rate_limit:daily_audio');
  // Someone else's allowance is untouched.
  expect((await transcribe(await newUser(browser, 'other'), 'fake:delay=0', 600_000)).status).toBe(200);
});

test('deleting transcripts does not give the hourly count back', async ({ browser }) => {
  const cookie = await newUser(browser, 'deleter');
  const ids: string[] = [];
  for (let index = 0; index < 8; index++) {
    const response = await transcribe(cookie, 'fake:delay=0');
    expect(response.status).toBe(200);
    ids.push(((await response.json()) as { id: string }).id);
  }
  const deleted = await fetch(`${app.baseUrl}/api/transcriptions`, {
    method: 'DELETE',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ ids }),
  });
  expect(((await deleted.json()) as { deleted: string[] }).deleted.sort()).toEqual([...ids].sort());

  const refused = await transcribe(cookie, 'fake:delay=0');
  expect(refused.status).toBe(429);
  expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('rate_limit:hourly');
});

async function signIn(page: Page, email: string, password: string) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  // Each attempt must reach the server before the next: the previous alert looks the same.
  await Promise.all([page.waitForResponse((response) => response.request().method() === 'POST'), page.getByRole('button', { name: 'Sign in' }).click()]);
}

test('sign-in attempts are limited per account and per address', async ({ browser }) => {
  const account = await registerAccount(browser, 'brute', app.baseUrl);
  const context = await browser.newContext({ baseURL: app.baseUrl, storageState: signedOut, extraHTTPHeaders: { 'x-forwarded-for': '203.0.113.10' } });
  const page = await context.newPage();
  await page.goto('/sign-in');
  const alert = page.getByRole('main').getByRole('alert');
  for (let attempt = 0; attempt < 3; attempt++) {
    await signIn(page, account.email, `wrong password ${attempt}`);
    await expect(alert).toContainText('Wrong email or password');
  }
  // Locked now, even with the right password.
  await signIn(page, account.email, account.password);
  await expect(alert).toContainText('Too many failed sign-in attempts');
  await context.close();

  // From one address, failures across many accounts lock that address out.
  const other = await registerAccount(browser, 'victim', app.baseUrl);
  const sprayer = await browser.newContext({ baseURL: app.baseUrl, storageState: signedOut, extraHTTPHeaders: { 'x-forwarded-for': '203.0.113.20' } });
  const sprayPage = await sprayer.newPage();
  await sprayPage.goto('/sign-in');
  for (let attempt = 0; attempt < 5; attempt++) {
    await signIn(sprayPage, `nobody-${attempt}@example.test`, 'password guess 123');
    await expect(sprayPage.getByRole('main').getByRole('alert')).toContainText('Wrong email or password');
  }
  await signIn(sprayPage, other.email, other.password);
  await expect(sprayPage.getByRole('main').getByRole('alert')).toContainText('Too many failed sign-in attempts');
  await sprayer.close();

  // Another address can still sign in to that account.
  const elsewhere = await browser.newContext({ baseURL: app.baseUrl, storageState: signedOut, extraHTTPHeaders: { 'x-forwarded-for': '198.51.100.7' } });
  const elsewherePage = await elsewhere.newPage();
  await elsewherePage.goto('/sign-in');
  await signIn(elsewherePage, other.email, other.password);
  await expect(elsewherePage.getByRole('heading', { name: 'New transcription' })).toBeVisible();
  await elsewhere.close();
});


test.describe('sign-up', () => {
  // Each test counts from zero on a fresh instance: none may rely on what another used up.
  let signUpApp: AppInstance;
  test.beforeEach(async () => {
    signUpApp = await startAppInstance({ name: 'sign-up-limit', port: SPARE_APP_PORTS[2], env: { RATE_LIMIT_SIGN_UPS_PER_IP: '3' } });
  });
  test.afterEach(async () => signUpApp.stop());

  async function signUp(browser: Browser, label: string, headers: Record<string, string> = {}) {
    const context = await browser.newContext({ baseURL: signUpApp.baseUrl, storageState: signedOut, extraHTTPHeaders: headers });
    const page = await context.newPage();
    await page.goto('/sign-up');
    await page.getByLabel('Email').fill(`${label}-${uniqueMarker()}@example.test`);
    await page.getByLabel('Password').fill('correct horse battery staple');
    await page.getByRole('button', { name: 'Create account' }).click();
    return { page, context };
  }

  test('account creations are limited per address, with a clear message on the form', async ({ browser }) => {
    for (let index = 0; index < 3; index++) await registerAccount(browser, `signup-${index}`, signUpApp.baseUrl);

    const { page, context } = await signUp(browser, 'signup-refused');
    await expect(page.getByRole('main').getByRole('alert')).toContainText('Too many accounts have been created from your network');
    await expect(page).toHaveURL(/\/sign-up/);
    await context.close();
  });

  test('without a trusted proxy, a client cannot name its own address to get a fresh allowance', async ({ browser }) => {
    const spoofed = (index: number) => ({ 'x-forwarded-for': `198.51.100.${index}`, 'x-verbatim-peer-address': `198.51.100.${index + 100}` });
    // Three sign-ups, each claiming another address, use up the allowance of the one real address.
    for (let index = 0; index < 3; index++) {
      const { page, context } = await signUp(browser, `signup-spoofed-${index}`, spoofed(index));
      await expect(page.getByRole('heading', { name: 'New transcription' })).toBeVisible();
      await context.close();
    }
    const { page, context } = await signUp(browser, 'signup-spoofed-refused', spoofed(99));
    await expect(page.getByRole('main').getByRole('alert')).toContainText('Too many accounts have been created from your network');
    await context.close();
  });
});
