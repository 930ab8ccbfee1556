import { createHash } from 'node:crypto';
import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { FAKE_TRANSCRIPT } from './support/fake-upstream';
import { expect, fixturePath, signedOut, test, TranscribePage, uniqueMarker, upstreamRequests } from './support/test';

const sha256 = (buffer: Buffer) => createHash('sha256').update(buffer).digest('hex');

test('upload → live transcript → history → transcript page → share link → stop sharing', async ({ page, browser }) => {
  const marker = uniqueMarker();
  const transcribe = new TranscribePage(page);
  await transcribe.goto();

  // Every text the live region shows, to prove the transcript arrives piece by piece.
  const stopSampling = transcribe.sampleTranscriptTexts();
  await transcribe.transcribe('speech.mp3', { prompt: `Names: Verbatim ${marker} fake:delay=120`, language: 'en' });
  await expect(page.getByRole('progressbar', { name: 'Upload progress' })).toBeVisible();
  await expect(transcribe.transcript()).toContainText(FAKE_TRANSCRIPT, { timeout: 20_000 });
  const seenTexts = stopSampling();
  const partials = seenTexts.filter((text) => text.length > 0 && text !== FAKE_TRANSCRIPT && FAKE_TRANSCRIPT.startsWith(text));
  expect(partials.length, `partial texts seen: ${JSON.stringify(seenTexts)}`).toBeGreaterThanOrEqual(2);

  // The upstream got our model, the allowed fields, the audio unchanged and a name matching its container.
  const [received] = await upstreamRequests(marker);
  expect(received?.fields).toMatchObject({ model: 'vtrix-gpt-4o-transcribe', language: 'en', stream: 'true' });
  expect(received?.file).toMatchObject({ filename: 'audio.mp3', contentType: 'audio/mpeg', sha256: sha256(readFileSync(fixturePath('speech.mp3'))) });

  // History lists it, newest first.
  await page.getByRole('link', { name: 'History' }).click();
  const item = page.getByRole('list', { name: 'Transcripts' }).getByRole('listitem').first();
  await expect(item.getByRole('link', { name: 'speech' })).toBeVisible();
  await expect(item).toContainText('Done');

  // The transcript page: full text and the stored audio.
  await item.getByRole('link', { name: 'speech' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'speech' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Transcript text' })).toHaveText(FAKE_TRANSCRIPT);
  const audioUrl = new URL((await page.getByLabel('Recording').getAttribute('src')) ?? '', page.url()).toString();
  const audio = await page.request.get(audioUrl);
  expect(audio.status()).toBe(200);
  expect(sha256(await audio.body())).toBe(sha256(readFileSync(fixturePath('speech.mp3'))));

  // Share: the link works signed out, is not indexed and sends no referrer.
  await page.getByRole('button', { name: 'Share' }).click();
  const shareUrl = await page.getByLabel('Share link').inputValue();
  expect(shareUrl).toMatch(/\/s\/[A-Za-z0-9_-]{43}$/);
  const stranger = await browser.newContext({ storageState: signedOut });
  const strangerPage = await stranger.newPage();
  const shared = await strangerPage.goto(shareUrl);
  expect(shared?.status()).toBe(200);
  expect(shared?.headers()['referrer-policy']).toBe('no-referrer');
  await expect(strangerPage.locator('meta[name="robots"]')).toHaveAttribute('content', /noindex/);
  await expect(strangerPage.getByText(FAKE_TRANSCRIPT)).toBeVisible();

  // Stop sharing: the same link is 404 at once.
  await page.getByRole('button', { name: 'Stop sharing' }).click();
  await expect(page.getByText('Sharing stopped')).toBeVisible();
  const afterStop = await strangerPage.goto(shareUrl);
  expect(afterStop?.status()).toBe(404);
  await expect(strangerPage.getByText(FAKE_TRANSCRIPT)).toHaveCount(0);
  await stranger.close();
});

test('the shared page is readable without JavaScript', async ({ page, browser }) => {
  const transcribe = new TranscribePage(page);
  await transcribe.goto();
  await transcribe.transcribe('speech.wav', { prompt: `${uniqueMarker()} fake:delay=0` });
  await transcribe.openTranscript();
  await page.getByRole('button', { name: 'Share' }).click();
  const shareUrl = await page.getByLabel('Share link').inputValue();

  const noScript = await browser.newContext({ javaScriptEnabled: false, storageState: signedOut });
  const reader = await noScript.newPage();
  await reader.goto(shareUrl);
  await expect(reader.getByText(FAKE_TRANSCRIPT)).toBeVisible();
  await noScript.close();
});

test('a file that is not audio, or too large, is refused before any upload', async ({ page }) => {
  const transcribe = new TranscribePage(page);
  await transcribe.goto();
  const uploads: string[] = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.url().includes('/api/transcriptions')) uploads.push(request.url());
  });

  await transcribe.transcribe('not-audio.mp3');
  await expect(transcribe.alert()).toContainText('not an audio file');

  // Past the test app's MAX_UPLOAD_MB (120): a sparse file, as Playwright passes large files by path.
  const tooLarge = test.info().outputPath('long-meeting.mp3');
  writeFileSync(tooLarge, 'ID3');
  truncateSync(tooLarge, 121_000_000);
  await page.getByLabel('Audio file').setInputFiles(tooLarge);
  await page.getByRole('button', { name: 'Transcribe' }).click();
  await expect(transcribe.alert()).toContainText('120 MB');
  expect(uploads).toEqual([]);
});

test('deleting a transcript removes it and its audio', async ({ page }) => {
  const transcribe = new TranscribePage(page);
  await transcribe.goto();
  await transcribe.transcribe('speech.ogg', { prompt: `${uniqueMarker()} fake:delay=0` });
  const id = await transcribe.openTranscript();
  const transcriptUrl = page.url();

  await page.getByRole('button', { name: 'Delete' }).click();
  const dialog = page.getByRole('alertdialog').or(page.getByRole('dialog'));
  await expect(dialog.getByRole('heading', { name: 'Delete this transcript?' })).toBeVisible();
  await dialog.getByRole('button', { name: 'Delete transcript' }).click();
  await expect(page).toHaveURL(/\/history$/);

  expect((await page.request.get(`/api/transcriptions/${id}`)).status()).toBe(404);
  expect((await page.request.get(`/api/transcriptions/${id}/audio`)).status()).toBe(404);
  expect((await page.goto(transcriptUrl))?.status()).toBe(404);
});
