import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { FAKE_TRANSCRIPT } from './support/fake-upstream';
import { expect, fixturePath, test, TranscribePage, uniqueMarker, upstreamRequests } from './support/test';

const sha256 = (buffer: Buffer) => createHash('sha256').update(buffer).digest('hex');

async function latestTranscript(page: import('@playwright/test').Page) {
  const list = (await (await page.request.get('/api/transcriptions?limit=1')).json()) as { items: { id: string; status: string; errorMessage: string | null }[] };
  const item = list.items[0];
  if (!item) throw new Error('no transcript');
  return item;
}

test('an upstream refusal shows a clear error, keeps the file selected and the audio stored', async ({ page }) => {
  const transcribe = new TranscribePage(page);
  await transcribe.goto();
  await transcribe.transcribe('speech.m4a', { prompt: `${uniqueMarker()} fake:status=400` });
  await expect(transcribe.alert()).toContainText('could not process this audio');
  await expect(page.getByRole('button', { name: 'Transcribe' })).toBeEnabled();

  const failed = await latestTranscript(page);
  expect(failed.status).toBe('failed');
  const audio = await page.request.get(`/api/transcriptions/${failed.id}/audio`);
  expect(sha256(await audio.body())).toBe(sha256(readFileSync(fixturePath('speech.m4a'))));
});

test('a rejected key is reported as an operator problem without echoing the upstream', async ({ page }) => {
  const transcribe = new TranscribePage(page);
  await transcribe.goto();
  await transcribe.transcribe('speech.mp3', { prompt: `${uniqueMarker()} fake:status=401` });
  await expect(transcribe.alert()).toContainText('TRANSCRIBE_API_KEY');
  await expect(transcribe.alert()).not.toContainText('Incorrect API key');
});

test('a busy upstream is retried before any text reaches the browser', async ({ page }) => {
  const marker = uniqueMarker();
  const transcribe = new TranscribePage(page);
  await transcribe.goto();
  await transcribe.transcribe('speech.mp3', { prompt: `${marker} fake:status=429 fake:fail-times=1 fake:key=${marker} fake:delay=0` });
  await expect(transcribe.transcript()).toContainText(FAKE_TRANSCRIPT, { timeout: 20_000 });
  const attempts = await upstreamRequests(marker);
  expect(attempts.map((attempt) => attempt.outcome)).toEqual(['status-429', 'ok']);
  expect(attempts[1]?.file?.sha256).toBe(attempts[0]?.file?.sha256);
});

test('a stream cut midway keeps the partial text and says what happened', async ({ page }) => {
  const transcribe = new TranscribePage(page);
  await transcribe.goto();
  await transcribe.transcribe('speech.mp3', { prompt: `${uniqueMarker()} fake:cut` });
  await expect(transcribe.alert()).toBeVisible({ timeout: 20_000 });
  await expect(transcribe.transcript()).toContainText('Hello from');

  const failed = await latestTranscript(page);
  expect(failed.status).toBe('failed');
  const details = (await (await page.request.get(`/api/transcriptions/${failed.id}`)).json()) as { text: string };
  expect(details.text).toBe('Hello from');
});

test('a stalled stream ends with a timeout instead of hanging', async ({ page }) => {
  const transcribe = new TranscribePage(page);
  await transcribe.goto();
  await transcribe.transcribe('speech.mp3', { prompt: `${uniqueMarker()} fake:stall` });
  await expect(transcribe.alert()).toContainText('stalled', { timeout: 20_000 });
  expect((await latestTranscript(page)).status).toBe('failed');
});

test('Cancel stops the transcription and marks it cancelled', async ({ page }) => {
  const marker = uniqueMarker();
  const transcribe = new TranscribePage(page);
  await transcribe.goto();
  await transcribe.transcribe('speech.mp3', { prompt: `${marker} fake:delay=1000` });
  await expect(transcribe.transcript()).toContainText('Hello', { timeout: 20_000 });
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByText('Cancelled')).toBeVisible();
  await expect.poll(async () => (await upstreamRequests(marker))[0]?.outcome).toBe('client-aborted');
  expect((await latestTranscript(page)).status).toBe('cancelled');
});
