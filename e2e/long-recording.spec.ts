import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { echoText } from './support/fake-upstream';
import { expect, RecorderPanel, test, TranscribePage, uniqueMarker, upstreamRequests } from './support/test';

// A long recording from Chromium's fake microphone, which loops e2e/fixtures/speech.wav (the
// `long-recording` project in playwright.config.ts). It uploads while it records, survives an
// offline stretch in the middle, and is transcribed while it records (a part each minute, see
// RECORDING_PART_MINUTES in playwright.config.ts): little is left after Stop.
// E2E_LONG_RECORDING_SECONDS shortens it while developing (e.g. 90).

const RECORDING_SECONDS = Number(process.env.E2E_LONG_RECORDING_SECONDS ?? 600);
const OFFLINE_SECONDS = Math.min(60, Math.round(RECORDING_SECONDS / 4));
const OFFLINE_FROM = Math.round((RECORDING_SECONDS - OFFLINE_SECONDS) / 2);
/** The stored recording is kept here as the long WebM fixture of issue 13 (ignored by git). */
const CACHE_DIR = fileURLToPath(new URL('../.e2e-cache/long-recording', import.meta.url));

type Patch = { at: number; offset: number };

/** "12:34" or "1:02:03" in seconds. */
const seconds = (clock: string) => clock.split(':').reduce((total, part) => total * 60 + Number(part), 0);

/** The duration of an audio file from the timestamp of its last packet (a recorder's WebM states none in its header). */
function audioDurationSeconds(file: string) {
  const out = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'packet=pts_time,duration_time', '-of', 'csv=p=0', file], { encoding: 'utf8' });
  const last = out.trim().split('\n').at(-1)?.split(',') ?? [];
  return Number(last[0]) + (Number(last[1]) || 0);
}

test(`a ${RECORDING_SECONDS} s recording uploads and is transcribed while it records, loses nothing offline, and is done soon after Stop`, async ({ page, context }, testInfo) => {
  const marker = uniqueMarker();
  const transcribe = new TranscribePage(page);
  const recorder = new RecorderPanel(page);
  const clock = async () => seconds((await recorder.timer().textContent()) ?? '0');
  const until = (target: number) => expect.poll(clock, { timeout: (target + 60) * 1000, intervals: [1000] }).toBeGreaterThanOrEqual(target);

  // Every PATCH the server acknowledged, with the offset it stored.
  const patches: Patch[] = [];
  page.on('response', (response) => {
    if (response.request().method() !== 'PATCH' || !response.url().includes('/api/uploads/resumable/')) return;
    const offset = Number(response.headers()['upload-offset']);
    if (response.status() === 204 && Number.isFinite(offset)) patches.push({ at: Date.now(), offset });
  });
  const stored = () => patches.at(-1)?.offset ?? 0;

  await transcribe.goto();
  await page.getByLabel('Prompt (optional)').fill(`${marker} fake:echo fake:delay=0 fake:key=${marker}`);
  await recorder.recordButton().click();

  // Before the offline stretch: the server stores the recording as it is made, and the page says how far.
  await until(OFFLINE_FROM);
  expect(patches.length).toBeGreaterThan(3);
  const beforeOffline = stored();
  expect(beforeOffline).toBeGreaterThan(0);
  await expect(page.getByText(/^Saved on server up to \d\d:\d\d$/)).not.toHaveText('Saved on server up to 00:00');

  await context.setOffline(true);
  const offlineAt = Date.now();
  const onDeviceAtOffline = (await recorder.onDevice())[0]?.bytes ?? 0;
  await until(OFFLINE_FROM + OFFLINE_SECONDS);
  // The device kept recording; nothing reached the server meanwhile.
  expect((await recorder.onDevice())[0]?.bytes ?? 0).toBeGreaterThan(onDeviceAtOffline);
  expect(patches.filter((patch) => patch.at > offlineAt + 1_000)).toEqual([]);
  await context.setOffline(false);

  await until(RECORDING_SECONDS);
  // Back online, the upload caught up while the recording went on.
  const onlineAt = Date.now();
  await expect.poll(stored, { timeout: 45_000 }).toBeGreaterThan(beforeOffline);
  const patchesAfterOffline = patches.filter((patch) => patch.at > onlineAt - 30_000).length;
  expect(patchesAfterOffline).toBeGreaterThan(0);

  // Parts reached the upstream while the recording went on, and their text is on the page already.
  const ok = async () => (await upstreamRequests(marker)).filter((request) => request.outcome === 'ok');
  await expect.poll(async () => (await ok()).length, { timeout: 90_000 }).toBeGreaterThan(0);
  const [firstPart] = await ok();
  await expect(transcribe.transcript()).toContainText(echoText(firstPart?.file?.sha256 ?? ''));
  await expect(page.getByRole('main').getByRole('status').filter({ hasText: /^Part \d+/ })).toBeVisible();
  await expect(page.getByRole('main').getByRole('status').filter({ hasText: 'Recording' })).toBeVisible();
  const partsBeforeStop = (await ok()).length;

  const recordedSeconds = await clock();
  await page.getByRole('button', { name: 'Stop' }).click();
  const stoppedAt = Date.now();
  // The device holds the whole recording until the transcript is done.
  let [kept] = await recorder.onDevice();
  while (kept?.state === 'recording') [kept] = await recorder.onDevice();
  expect(kept).toMatchObject({ state: 'stopped' });
  // No review step: the transcript completes in the same result view.
  await expect(page.getByLabel('Recording playback')).toHaveCount(0);
  await expect(page.getByRole('main').getByRole('status').filter({ hasText: 'Done' })).toBeVisible({ timeout: 120_000 });
  const stopToDone = (Date.now() - stoppedAt) / 1000;
  console.log(
    `long recording: ${recordedSeconds} s recorded, ${(kept?.bytes ?? 0).toLocaleString('en')} bytes, ${patches.length} PATCHes, ${partsBeforeStop} part(s) transcribed before Stop; transcript done ${stopToDone.toFixed(1)} s after Stop`,
  );

  // Everything is on the server: as many bytes as the device holds, the whole duration, every part's text.
  expect(stored()).toBe(kept?.bytes);
  const requests = (await upstreamRequests(marker)).filter((request) => request.outcome === 'ok');
  expect(requests.length).toBeGreaterThan(0);
  for (const request of requests) await expect(transcribe.transcript()).toContainText(echoText(request.file?.sha256 ?? ''));
  await expect.poll(() => recorder.onDevice()).toEqual([]);

  const id = await transcribe.openTranscript();
  const audio = await page.request.get(`/api/transcriptions/${id}/audio`);
  expect(audio.status()).toBe(200);
  const body = await audio.body();
  expect(body.length).toBe(kept?.bytes);
  mkdirSync(CACHE_DIR, { recursive: true });
  const file = path.join(CACHE_DIR, `recording-${RECORDING_SECONDS}s.webm`);
  writeFileSync(file, body);
  await testInfo.attach('recording.webm', { path: file, contentType: 'audio/webm' });
  expect(audioDurationSeconds(file)).toBeGreaterThan(recordedSeconds - 3);
  expect(audioDurationSeconds(file)).toBeLessThan(recordedSeconds + 3);
});
