import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TranscribePage } from './support/test';
import { CONTAINERS, expect, GO_FORWARD, test, THREE_UTTERANCES } from './support/engine';

// The app with no upstream configured: uploads in the browser are transcribed by its own offline engine.
const mimeTypes = { mp3: 'audio/mpeg', m4a: 'audio/mp4', webm: 'audio/webm', wav: 'audio/wav' } as const;
const upload = (file: string, mimeType: string) => ({ name: path.basename(file), mimeType, buffer: readFileSync(file) });

for (const container of CONTAINERS) {
  test(`a ${container} upload is transcribed by the offline engine`, async ({ page, clips }) => {
    const transcribe = new TranscribePage(page);
    await transcribe.goto();
    await transcribe.transcribe(upload(clips[container], mimeTypes[container]));
    await expect(transcribe.transcript()).toContainText(GO_FORWARD, { timeout: 30_000 });
  });
}

test('the transcript appears utterance by utterance while the engine recognises', async ({ page, clips }) => {
  const transcribe = new TranscribePage(page);
  await transcribe.goto();
  const stopSampling = transcribe.sampleTranscriptTexts();
  await transcribe.transcribe(upload(clips.threeUtterances, 'audio/webm'), { language: 'en' });
  const fullText = THREE_UTTERANCES.join(' ');
  await expect(transcribe.transcript()).toContainText(fullText, { timeout: 30_000 });
  const seenTexts = stopSampling();
  const partial = seenTexts.find((text) => text.includes(THREE_UTTERANCES[0] ?? '') && !text.includes(THREE_UTTERANCES[2] ?? ''));
  expect(partial, `texts seen: ${JSON.stringify(seenTexts)}`).toBeDefined();
});

test('the offline engine is labelled honestly and offers English only', async ({ page }) => {
  const transcribe = new TranscribePage(page);
  await transcribe.goto();
  const notice = page.getByRole('status').filter({ hasText: 'Offline engine — basic accuracy, English' });
  await expect(notice).toBeVisible();
  await expect(notice).toContainText('TRANSCRIBE_BASE_URL');
  const options = await page.getByLabel('Language').locator('option').allTextContents();
  expect(options).toEqual(['Auto-detect', 'English']);
});

test('an API client asking the engine for another language gets a clear refusal', async ({ page, clips }) => {
  const transcribe = new TranscribePage(page);
  await transcribe.goto();
  const response = await page.request.post('/api/transcriptions', {
    multipart: { language: 'fr', file: upload(clips.mp3, 'audio/mpeg') },
  });
  expect(response.status()).toBe(400);
  expect(await response.json()).toMatchObject({ error: { code: 'bad_request:language', message: expect.stringContaining('language') } });
});
