import { FAKE_TRANSCRIPT } from './support/fake-upstream';
import { expect, RecorderPanel, test, TranscribePage, uniqueMarker, upstreamRequests } from './support/test';

// Chromium's fake microphone plays e2e/fixtures/speech.wav once, then silence (see playwright.config.ts).

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test('record → stop → play back → transcribe → history has a WebM recording; nothing stays on the device', async ({ page }, testInfo) => {
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
    await page.getByRole('button', { name: 'Stop' }).click();

    const playback = page.getByLabel('Recording playback');
    await expect(playback).toBeVisible();
    await expect.poll(() => playback.evaluate((audio: HTMLAudioElement) => audio.readyState)).toBeGreaterThan(0);
    await expect(page.getByText(/^Recording \d{4}-\d\d-\d\d \d\d\.\d\d\.webm$/)).toBeVisible();
    const [kept] = await recorder.onDevice();
    expect(kept).toMatchObject({ state: 'stopped' });
    expect(kept?.bytes).toBeGreaterThan(1_000);
    await page.screenshot({ path: testInfo.outputPath('review-on-a-phone.png') });

    await page.getByRole('button', { name: 'Transcribe recording' }).click();
    await expect(transcribe.transcript()).toContainText(FAKE_TRANSCRIPT, { timeout: 20_000 });
    await expect(page.getByRole('main').getByRole('status').filter({ hasText: 'Done' })).toBeVisible();
    await expect.poll(() => recorder.onDevice()).toEqual([]);
    await expect(recorder.pendingHeading()).toHaveCount(0);

    // The upstream got a WebM named .webm: the recorder's container, with the matching extension.
    const [received] = await upstreamRequests(marker);
    expect(received?.file).toMatchObject({ filename: 'audio.webm', contentType: 'audio/webm', bytes: kept?.bytes });

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
  await recorder.record(2);
  await expect.poll(async () => (await recorder.onDevice())[0]?.bytes ?? 0).toBeGreaterThan(0);

  // Leaving while recording asks first; the person insists.
  page.on('dialog', (dialog) => void dialog.accept());
  await page.reload();
  await expect(recorder.pendingHeading()).toHaveText('1 recording not yet transcribed');
  const row = page.getByRole('list', { name: 'Recordings on this device' }).getByRole('listitem');
  await expect(row).toContainText('interrupted');
  const [interrupted] = await recorder.onDevice();
  expect(interrupted?.state).toBe('recording');

  await page.getByLabel('Prompt (optional)').fill(`${marker} fake:delay=0`);
  await row.getByRole('button', { name: /^Transcribe recording of / }).click();
  await expect(transcribe.transcript()).toContainText(FAKE_TRANSCRIPT, { timeout: 20_000 });
  await expect.poll(() => recorder.onDevice()).toEqual([]);
  await expect(recorder.pendingHeading()).toHaveCount(0);

  const [received] = await upstreamRequests(marker);
  expect(received?.file).toMatchObject({ filename: 'audio.webm', contentType: 'audio/webm', bytes: interrupted?.bytes });
});

test('a failed transcription keeps the recording on the device; sent again offline, it waits for the connection, then goes through and is removed', async ({ page, context }) => {
  const marker = uniqueMarker();
  const transcribe = new TranscribePage(page);
  const recorder = new RecorderPanel(page);
  await transcribe.goto();
  await recorder.record(2);
  await page.getByRole('button', { name: 'Stop' }).click();

  // The upstream refuses the audio.
  await page.getByLabel('Prompt (optional)').fill(`${marker} fake:status=400`);
  await page.getByRole('button', { name: 'Transcribe recording' }).click();
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

  const attempts = await upstreamRequests(marker);
  expect(attempts.map((attempt) => attempt.file?.bytes)).toEqual([kept?.bytes, kept?.bytes]);
});

test('discarding a recording asks first, then removes it from the device', async ({ page }) => {
  const recorder = new RecorderPanel(page);
  await new TranscribePage(page).goto();
  await recorder.record(1);
  await page.getByRole('button', { name: 'Discard', exact: true }).click();
  const confirm = page.getByRole('group', { name: 'Discard this recording?' });
  await confirm.getByRole('button', { name: 'Keep it' }).click();
  await expect(recorder.timer()).toBeVisible();

  await page.getByRole('button', { name: 'Discard', exact: true }).click();
  await confirm.getByRole('button', { name: 'Discard recording' }).click();
  await expect(recorder.recordButton()).toBeVisible();
  await expect.poll(() => recorder.onDevice()).toEqual([]);
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
  await new TranscribePage(page).goto();
  await recorder.record(2);
  await page.evaluate(() => {
    const track = (window as unknown as { microphoneTrack: MediaStreamTrack }).microphoneTrack;
    track.stop();
    track.dispatchEvent(new Event('ended'));
  });

  await expect(page.getByText('The microphone stopped')).toBeVisible();
  await expect(page.getByLabel('Recording playback')).toBeVisible();
  const [kept] = await recorder.onDevice();
  expect(kept).toMatchObject({ state: 'stopped' });
  expect(kept?.bytes).toBeGreaterThan(0);
  await page.getByRole('button', { name: 'Discard', exact: true }).click();
  await page.getByRole('group', { name: 'Discard this recording?' }).getByRole('button', { name: 'Discard recording' }).click();
  await expect.poll(() => recorder.onDevice()).toEqual([]);
});
