import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { type APIRequestContext, type Browser, test } from '@playwright/test';
import { type AppInstance, startAppInstance } from './support/app-instance';
import { BLOB_APP_PORT, FAKE_BLOB_API_URL, FAKE_BLOB_PORT } from './support/constants';
import { type FakeBlob, startFakeBlob } from './support/fake-blob';
import { echoText, FAKE_TRANSCRIPT } from './support/fake-upstream';
import { speechLikeWav } from './support/long-audio';
// Not support/test's `test`: its accounts live on the main app; these live on the Blob instance.
import { type Account, expect, fixturePath, registerAccount, signedOut, TranscribePage, uniqueMarker, upstreamRequests } from './support/test';
import { createShareLink } from './support/transcripts';

/**
 * An app instance that keeps audio in Vercel Blob, here a fake Blob server (e2e/support/fake-blob.ts)
 * that speaks the subset of the Blob API the SDK uses. Browsers upload straight to it.
 */
const sha256 = (buffer: Buffer) => createHash('sha256').update(buffer).digest('hex');

let fake: FakeBlob;
let app: AppInstance;
let owner: Account;
let other: Account;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser }) => {
  fake = await startFakeBlob({ port: FAKE_BLOB_PORT, host: 'localhost' });
  expect(fake.apiUrl).toBe(FAKE_BLOB_API_URL);
  app = await startAppInstance({
    name: 'blob',
    port: BLOB_APP_PORT,
    env: { BLOB_READ_WRITE_TOKEN: fake.token, VERCEL_BLOB_API_URL: fake.apiUrl, BLOB_READ_BASE_URL: fake.readBaseUrl, MAX_UPLOAD_MB: '120', PART_MAX_MINUTES: '5' },
  });
  // A cold instance answers its first pages slowly; the sign-up helper waits 5 s at most.
  for (const warm of ['/sign-up', '/sign-in', '/']) await fetch(`${app.baseUrl}${warm}`);
  owner = await registerAccount(browser, 'blob-owner', app.baseUrl);
  other = await registerAccount(browser, 'blob-other', app.baseUrl);
});

test.afterAll(async () => {
  await app?.stop();
  await fake?.close();
});

async function pageAs(browser: Browser, account: Account) {
  const context = await browser.newContext({ baseURL: app.baseUrl, storageState: account.storageStatePath });
  return { context, page: await context.newPage() };
}

/** The pathname the owner's browser uploaded to, from what the fake store saw. */
function clientUploads() {
  return fake.requests.filter((request) => request.route === 'put' && request.auth === 'client').map((request) => request.pathname ?? '');
}

async function transcribeStored(request: APIRequestContext, body: Record<string, unknown>) {
  return request.post('/api/transcriptions', { data: body, headers: { Accept: 'text/event-stream', Origin: app.baseUrl } });
}

let ownerPrefix = '';

test('the browser uploads to Blob, the transcript streams live, the audio plays from Blob and goes with the transcript', async ({ browser }) => {
  const { context, page } = await pageAs(browser, owner);
  const marker = uniqueMarker();
  const transcribe = new TranscribePage(page);
  await transcribe.goto();

  await transcribe.transcribe('speech.mp3', { prompt: `Names: ${marker} fake:delay=120`, language: 'en' });
  await expect(transcribe.transcript()).toContainText(FAKE_TRANSCRIPT, { timeout: 20_000 });

  // The file went to the store with a client token, under the owner's prefix, never under its name.
  const [uploaded] = clientUploads();
  expect(uploaded).toMatch(/^uploads\/[0-9a-f-]{36}\/[0-9a-f-]{36}$/);
  ownerPrefix = uploaded!.split('/').slice(0, 2).join('/');
  // The upstream got the audio unchanged, streamed from the store by the server.
  const [received] = await upstreamRequests(marker);
  expect(received?.fields).toMatchObject({ language: 'en', stream: 'true' });
  expect(received?.file).toMatchObject({ filename: 'audio.mp3', contentType: 'audio/mpeg', sha256: sha256(readFileSync(fixturePath('speech.mp3'))) });

  const id = await transcribe.openTranscript();
  // Copied into the store's audio (no bytes through the app), the upload removed.
  expect(fake.has(`audio/${id}`)).toBe(true);
  expect(fake.has(uploaded!)).toBe(false);
  expect(fake.requests.some((request) => request.route === 'put' && request.auth === 'read-write')).toBe(false);

  // The player seeks with ranges, which the app answers from ranged reads of the private blob.
  const player = page.getByLabel('Recording');
  const duration = await player.evaluate(
    (audio: HTMLAudioElement) =>
      new Promise<number>((resolve, reject) => {
        audio.addEventListener('loadedmetadata', () => resolve(audio.duration), { once: true });
        audio.addEventListener('error', () => reject(new Error(`audio error ${audio.error?.code}`)), { once: true });
        audio.preload = 'auto';
        audio.load();
      }),
  );
  expect(duration).toBeGreaterThan(0);
  const audioUrl = new URL((await player.getAttribute('src')) ?? '', page.url()).toString();
  const range = await page.request.get(audioUrl, { headers: { Range: 'bytes=100-199' } });
  expect(range.status()).toBe(206);
  expect(range.headers()['content-range']).toBe(`bytes 100-199/${readFileSync(fixturePath('speech.mp3')).length}`);
  expect(Buffer.compare(await range.body(), readFileSync(fixturePath('speech.mp3')).subarray(100, 200))).toBe(0);
  expect(fake.requests.filter((request) => request.route === 'read' && request.pathname === `audio/${id}`).length).toBeGreaterThan(0);

  // A share link that includes the audio serves it from the private blob too, to a stranger.
  const share = await createShareLink(page.request, id, { expiresIn: '7', includeAudio: true });
  const stranger = await browser.newContext({ baseURL: app.baseUrl, storageState: signedOut });
  const shared = await stranger.request.get(`${share.path.replace('/s/', '/api/share/')}/audio`, { headers: { Range: 'bytes=0-9' } });
  expect(shared.status()).toBe(206);
  expect(Buffer.compare(await shared.body(), readFileSync(fixturePath('speech.mp3')).subarray(0, 10))).toBe(0);
  await stranger.close();

  // Deleting the transcript deletes its blob.
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Delete transcript' }).click();
  await expect.poll(() => fake.has(`audio/${id}`)).toBe(false);
  await context.close();
});

test("another user's pathname is 404 and never reaches the upstream; no token for another user's prefix", async ({ browser }) => {
  expect(ownerPrefix).not.toBe('');
  const pathname = `${ownerPrefix}/${randomUUID()}`;
  await fake.seed(pathname, readFileSync(fixturePath('speech.mp3')), 'audio/mpeg');
  const marker = uniqueMarker();
  const { context, page } = await pageAs(browser, other);

  const response = await transcribeStored(page.request, { blob: pathname, fileName: 'theirs.mp3', prompt: marker, stream: true });
  expect(response.status()).toBe(404);
  expect(await upstreamRequests(marker)).toEqual([]);
  expect(fake.requests.filter((request) => request.pathname === pathname && request.route !== 'put')).toEqual([]);
  expect(fake.has(pathname)).toBe(true);

  const token = await page.request.post('/api/uploads', {
    data: { type: 'blob.generate-client-token', payload: { pathname: `${ownerPrefix}/${randomUUID()}`, clientPayload: null, multipart: false } },
    headers: { Origin: app.baseUrl },
  });
  expect(token.status()).toBe(403);
  await context.close();
});

test('a blob whose first bytes are not audio is refused before anything goes upstream', async ({ browser }) => {
  const pathname = `${ownerPrefix}/${randomUUID()}`;
  await fake.seed(pathname, readFileSync(fixturePath('not-audio.mp3')), 'audio/mpeg');
  const marker = uniqueMarker();
  const { context, page } = await pageAs(browser, owner);

  const response = await transcribeStored(page.request, { blob: pathname, fileName: 'fake.mp3', prompt: marker, stream: true });
  expect(response.status()).toBe(415);
  expect(((await response.json()) as { error: { code: string } }).error.code).toBe('unsupported_media_type:transcription');
  expect(await upstreamRequests(marker)).toEqual([]);
  expect(fake.has(pathname)).toBe(false);
  await context.close();
});

test('Cancel during the upload to Blob stops it and leaves no transcript', async ({ browser }) => {
  const { context, page } = await pageAs(browser, owner);
  const before = clientUploads().length;
  // A 3 MB WAV that the store receives slowly.
  const wav = Buffer.alloc(3_000_000);
  wav.write('RIFF', 0);
  wav.writeUInt32LE(wav.length - 8, 4);
  wav.write('WAVEfmt ', 8);
  fake.onPutChunk = () => sleep(100);
  try {
    const transcribe = new TranscribePage(page);
    await transcribe.goto();
    await transcribe.transcribe({ name: 'long.wav', mimeType: 'audio/wav', buffer: wav });
    await expect(page.getByRole('progressbar', { name: 'Upload progress' })).toBeVisible();
    await expect.poll(() => clientUploads().length).toBe(before + 1);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByText('Cancelled')).toBeVisible();
  } finally {
    fake.onPutChunk = undefined;
  }
  const pathname = clientUploads().at(-1)!;
  await expect.poll(() => fake.has(pathname)).toBe(false);
  const list = (await (await page.request.get('/api/transcriptions')).json()) as { items: { title: string }[] };
  expect(list.items.map((item) => item.title)).not.toContain('long');
  await context.close();
});

test('long audio on Blob (as on Vercel): a 27 MB WAV goes up resumably in requests under 4.5 MB, into Blob, and is transcribed in parts', async ({ browser }) => {
  test.setTimeout(240_000);
  const wav = speechLikeWav(840);
  const { context, page } = await pageAs(browser, owner);
  const clientUploadsBefore = clientUploads().length;
  // Playwright keeps no copy of a Blob body: the sizes come from the requests' headers.
  const patchSizes: Promise<number>[] = [];
  page.on('request', (request) => {
    if (request.method() === 'PATCH' && request.url().includes('/api/uploads/resumable/')) patchSizes.push(request.headerValue('content-length').then(Number));
  });
  const marker = uniqueMarker();
  const transcribe = new TranscribePage(page);
  await transcribe.goto();
  await page.getByLabel('Audio file').setInputFiles(wav);
  await page.getByLabel('Prompt (optional)').fill(`${marker} fake:echo fake:delay=0`);
  await page.getByRole('button', { name: 'Transcribe' }).click();
  await expect(page.getByRole('link', { name: 'Open transcript' })).toBeVisible({ timeout: 180_000 });

  // A Vercel function takes at most 4.5 MB of body: every PATCH stayed below it, and together they carried the file.
  const patches = await Promise.all(patchSizes);
  expect(patches.length).toBeGreaterThanOrEqual(7);
  expect(Math.max(...patches)).toBeLessThanOrEqual(4_500_000);
  expect(patches.reduce((sum, bytes) => sum + bytes, 0)).toBe(readFileSync(wav).length);
  // Nothing went to Blob from the browser: the chunks were stored by the app.
  expect(clientUploads()).toHaveLength(clientUploadsBefore);

  const parts = (await upstreamRequests(marker)).sort((a, b) => a.sequence - b.sequence);
  expect(parts).toHaveLength(3);
  const text = parts.map((part) => echoText(part.file?.sha256 ?? '')).join(' ');
  await expect(transcribe.transcript()).toContainText(text);
  const id = await transcribe.openTranscript();
  expect(fake.has(`audio/${id}`)).toBe(true);
  await context.close();
});
