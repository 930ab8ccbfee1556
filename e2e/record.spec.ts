import type { Page } from '@playwright/test';
import { FAKE_TRANSCRIPT } from './support/fake-upstream';
import { expect, RecorderPanel, test, TranscribePage, uniqueMarker, upstreamRequests } from './support/test';

// Chromium's fake microphone plays e2e/fixtures/speech.wav once, then silence (see playwright.config.ts).
// Long audio is on in this app: a recording is transcribed while it records, from its upload.

/** The ids of this account's transcripts, newest first. */
async function transcriptIds(page: Page) {
  const { items } = (await (await page.request.get('/api/transcriptions?limit=100')).json()) as { items: { id: string }[] };
  return items.map((item) => item.id);
}

/** Reads the recording on the device once it has stopped, before the form releases it. */
async function keptAfterStop(recorder: RecorderPanel) {
  let [kept] = await recorder.onDevice();
  while (kept?.state === 'recording') [kept] = await recorder.onDevice();
  return kept;
}

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test('record → transcribed while recording → stop → done without a review step → history has a WebM recording; nothing stays on the device', async ({ page }, testInfo) => {
    const marker = uniqueMarker();
    const transcribe = new TranscribePage(page);
    const recorder = new RecorderPanel(page);
    await transcribe.goto();
    await page.getByLabel('Prompt (optional)').fill(`${marker} fake:delay=60`);

    // The Record button sits in the lower half of the screen, in reach of a thumb.
    const recordBox = await recorder.recordButton().boundingBox();
    expect(recordBox?.height).toBeGreaterThanOrEqual(44);
    expect((recordBox?.y ?? 0) + (recordBox?.height ?? 0)).toBeLessThanOrEqual(844);
    expect(recordBox?.y).toBeGreaterThan(844 / 2);

    await recorder.record(3);
    await expect(page.getByRole('main').getByRole('status').filter({ hasText: 'Recording' })).toBeVisible();
    for (const name of ['Discard', 'Pause', 'Stop']) {
      const box = await page.getByRole('button', { name, exact: true }).boundingBox();
      expect(box?.height, name).toBeGreaterThanOrEqual(44);
      expect((box?.y ?? 0) + (box?.height ?? 0), name).toBeLessThanOrEqual(844);
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: testInfo.outputPath('recording-on-a-phone.png') });

    // Pause stops the clock; Resume goes on from there.
    await page.getByRole('button', { name: 'Pause' }).click();
    await expect(page.getByRole('main').getByRole('status').filter({ hasText: 'Paused' })).toBeVisible();
    const pausedAt = await recorder.timer().textContent();
    await page.waitForTimeout(1_500);
    await expect(recorder.timer()).toHaveText(pausedAt ?? '');
    await page.getByRole('button', { name: 'Resume' }).click();
    // The transcription runs from the start of the recording, in the result view.
    await expect(page.getByRole('main').getByRole('status').filter({ hasText: 'Transcribing while you record' })).toBeVisible();
    await page.getByRole('button', { name: 'Stop' }).click();

    const kept = await keptAfterStop(recorder);
    expect(kept).toMatchObject({ state: 'stopped' });
    expect(kept?.bytes).toBeGreaterThan(1_000);
    await expect(page.getByLabel('Recording playback')).toHaveCount(0);
    await expect(transcribe.transcript()).toContainText(FAKE_TRANSCRIPT, { timeout: 20_000 });
    await expect(page.getByRole('main').getByRole('status').filter({ hasText: 'Done' })).toBeVisible();
    await expect.poll(() => recorder.onDevice()).toEqual([]);
    await expect(recorder.pendingHeading()).toHaveCount(0);

    // The upstream got the growing recording's one part, as MP3 (the server's format for parts).
    const received = await upstreamRequests(marker);
    expect(received.map((request) => request.file)).toMatchObject([{ filename: 'audio.mp3', contentType: 'audio/mpeg' }]);

    await page.getByRole('link', { name: 'History' }).click();
    const item = page.getByRole('list', { name: 'Transcripts' }).getByRole('listitem').first();
    const title = item.getByRole('link', { name: /^Recording \d{4}-\d\d-\d\d \d\d\.\d\d$/ });
    await expect(title).toBeVisible();
    await expect(item).toContainText('Done');
    await title.click();
    await expect(page).toHaveURL(/\/transcripts\/[0-9a-f-]{36}$/);
    const id = page.url().split('/').pop() ?? '';
    const details = (await (await page.request.get(`/api/transcriptions/${id}`)).json()) as { audioType: string; audioBytes: number };
    expect(details).toMatchObject({ audioType: 'audio/webm', audioBytes: kept?.bytes });
  });
});

test('a reload in the middle of a recording leaves it recoverable, and it transcribes', async ({ page }) => {
  const marker = uniqueMarker();
  const transcribe = new TranscribePage(page);
  const recorder = new RecorderPanel(page);
  await transcribe.goto();
  // The transcription starts with the recording, with the options as they are then.
  await page.getByLabel('Prompt (optional)').fill(`${marker} fake:delay=0`);
  await recorder.record(2);
  await expect.poll(async () => (await recorder.onDevice())[0]?.bytes ?? 0).toBeGreaterThan(0);
  // The device notes the transcript the recording started, to find it again after the reload.
  await expect.poll(async () => (await recorder.onDevice())[0]?.transcriptId).toBeDefined();

  // Leaving while recording asks first; the person insists.
  page.on('dialog', (dialog) => void dialog.accept());
  await page.reload();
  await expect(recorder.pendingHeading()).toHaveText('1 recording not yet transcribed');
  const row = page.getByRole('list', { name: 'Recordings on this device' }).getByRole('listitem');
  await expect(row).toContainText('interrupted');
  const [interrupted] = await recorder.onDevice();
  expect(interrupted?.state).toBe('recording');
  const transcriptsBefore = await transcriptIds(page);

  // Sent again, its upload resumes from the server's offset and the running transcription is followed.
  await row.getByRole('button', { name: /^Transcribe recording of / }).click();
  await expect(transcribe.transcript()).toContainText(FAKE_TRANSCRIPT, { timeout: 20_000 });
  await expect.poll(() => recorder.onDevice()).toEqual([]);
  await expect(recorder.pendingHeading()).toHaveCount(0);
  expect(await transcriptIds(page)).toEqual(transcriptsBefore);
  expect(await transcribe.openTranscript()).toBe(interrupted?.transcriptId);

  // Transcribed once: the send after the reload followed the transcription the recording started.
  const received = await upstreamRequests(marker);
  expect(received.map((request) => request.file)).toMatchObject([{ filename: 'audio.mp3', contentType: 'audio/mpeg' }]);
});

test('a failed transcription keeps the recording on the device; sent again offline, it waits for the connection, then goes through and is removed', async ({ page, context }) => {
  const marker = uniqueMarker();
  const transcribe = new TranscribePage(page);
  const recorder = new RecorderPanel(page);
  await transcribe.goto();
  // The upstream refuses the audio.
  await page.getByLabel('Prompt (optional)').fill(`${marker} fake:status=400`);
  await recorder.record(2);
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(transcribe.alert()).toBeVisible({ timeout: 20_000 });
  await expect(page.getByText('The recording is safe on this device')).toBeVisible();
  await expect(recorder.pendingHeading()).toHaveText('1 recording not yet transcribed');
  const [kept] = await recorder.onDevice();
  expect(kept?.bytes).toBeGreaterThan(0);

  // Offline: the recording goes up resumably, so the upload waits for the network instead of failing.
  await context.setOffline(true);
  await page.getByLabel('Prompt (optional)').fill(`${marker} fake:delay=0`);
  await page.getByRole('button', { name: 'Transcribe', exact: true }).click();
  await page.waitForTimeout(3_000);
  await expect(transcribe.alert()).toHaveCount(0);
  expect(await recorder.onDevice()).toHaveLength(1);

  await context.setOffline(false);
  await expect(transcribe.transcript()).toContainText(FAKE_TRANSCRIPT, { timeout: 60_000 });
  await expect.poll(() => recorder.onDevice()).toEqual([]);
  await expect(recorder.pendingHeading()).toHaveCount(0);

  // The same audio both times: what the device kept is what the server has.
  const attempts = await upstreamRequests(marker);
  expect(attempts).toHaveLength(2);
  expect(attempts[1]?.file?.sha256).toBe(attempts[0]?.file?.sha256);
});

test('discarding a recording asks first, then removes it from the device, its upload and its transcript', async ({ page }) => {
  const recorder = new RecorderPanel(page);
  await new TranscribePage(page).goto();
  const before = await transcriptIds(page);
  const uploads: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes('/api/uploads/resumable/')) uploads.push(request.url());
  });
  await recorder.record(3);
  // Its transcript exists from the start of the recording.
  await expect.poll(async () => (await transcriptIds(page)).length).toBe(before.length + 1);
  await page.getByRole('button', { name: 'Discard', exact: true }).click();
  const confirm = page.getByRole('group', { name: 'Discard this recording?' });
  await confirm.getByRole('button', { name: 'Keep it' }).click();
  await expect(recorder.timer()).toBeVisible();

  await page.getByRole('button', { name: 'Discard', exact: true }).click();
  await confirm.getByRole('button', { name: 'Discard recording' }).click();
  await expect(recorder.recordButton()).toBeVisible();
  await expect.poll(() => recorder.onDevice()).toEqual([]);
  await expect.poll(() => transcriptIds(page)).toEqual(before);
  await expect(page.getByRole('region', { name: 'Transcript', exact: true })).toHaveCount(0);
  const upload = uploads.at(-1);
  expect(upload).toBeDefined();
  expect([404, 410]).toContain((await page.request.head(upload ?? '', { headers: { 'Tus-Resumable': '1.0.0' } })).status());
});

test('a denied or missing microphone is explained, with how to allow it', async ({ page }) => {
  await page.addInitScript(() => {
    const names = ['NotAllowedError', 'NotFoundError'];
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('refused', names.shift() ?? 'NotAllowedError'));
  });
  const recorder = new RecorderPanel(page);
  const transcribe = new TranscribePage(page);
  await transcribe.goto();

  await recorder.recordButton().click();
  await expect(transcribe.alert()).toContainText('may not use the microphone');
  await expect(transcribe.alert()).toContainText('site settings');
  await recorder.recordButton().click();
  await expect(transcribe.alert()).toContainText('No microphone was found');
  await expect(recorder.recordButton()).toBeEnabled();
});

test('when the microphone goes away mid-recording (a call, an unplugged headset), what was recorded is kept', async ({ page }) => {
  // Keeps a handle on the microphone track so the test can end it as the system would.
  await page.addInitScript(() => {
    const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = async (constraints) => {
      const stream = await getUserMedia(constraints);
      (window as unknown as { microphoneTrack: MediaStreamTrack }).microphoneTrack = stream.getAudioTracks()[0]!;
      return stream;
    };
  });
  const recorder = new RecorderPanel(page);
  const transcribe = new TranscribePage(page);
  await transcribe.goto();
  await page.getByLabel('Prompt (optional)').fill('fake:delay=0');
  await recorder.record(2);
  await page.evaluate(() => {
    const track = (window as unknown as { microphoneTrack: MediaStreamTrack }).microphoneTrack;
    track.stop();
    track.dispatchEvent(new Event('ended'));
  });

  await expect(page.getByText('The microphone stopped')).toBeVisible();
  const kept = await keptAfterStop(recorder);
  expect(kept).toMatchObject({ state: 'stopped' });
  expect(kept?.bytes).toBeGreaterThan(0);
  // It was being transcribed all along: the transcript completes, then the device lets its copy go.
  await expect(transcribe.transcript()).toContainText(FAKE_TRANSCRIPT, { timeout: 20_000 });
  await expect.poll(() => recorder.onDevice()).toEqual([]);
});
