import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Browser, test } from '@playwright/test';
import { type AppInstance, startAppInstance } from '../support/app-instance';
import { PROJECT_ROOT } from '../support/constants';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream';
import { createTusUpload, transcribeResumable, tusMetadata } from '../support/growing-upload';
import { speechLikeWav, speechLikeWebm } from '../support/long-audio';
import { registerAccount } from '../support/test';
import { peakRssGrowth } from './process-stats';

// Long audio sent as resumable (tus) uploads that are transcribed while they grow, against the
// fake upstream on loopback, with `next start` of a production build. Generated fixtures are
// cached in .e2e-cache (the 300 MB WAV takes a minute or two the first time).

const OFFSET = Number(process.env.E2E_PORT_OFFSET ?? 0);
const FAKE_PORT = 4021 + OFFSET;
const APP_PORT = 3114 + OFFSET;
const KEY = 'sk-bench-CANARY-0000';
const RECORDING_SECONDS = 30 * 60;
/** The recording goes up this many times faster than real time, a second of audio per PATCH. */
const RECORDING_SPEEDUP = 10;

type Row = { metric: string; value: string; target: string; met: boolean | null };
const rows: Row[] = [];
const raw: Record<string, unknown> = {};

let fake: FakeUpstream;
let app: AppInstance;
let cookie = '';

async function startLongAudioApp(browser: Browser) {
  const instance = await startAppInstance({
    name: 'bench-long',
    port: APP_PORT,
    env: {
      TRANSCRIBE_BASE_URL: `http://127.0.0.1:${FAKE_PORT}/v1`,
      TRANSCRIBE_API_KEY: KEY,
      TRANSCRIBE_IDLE_TIMEOUT_MS: '60000',
      RATE_LIMIT_TRANSCRIPTIONS_IN_FLIGHT: '100',
      RATE_LIMIT_TRANSCRIPTIONS_PER_HOUR: '100000',
      RATE_LIMIT_AUDIO_MB_PER_DAY: '10000000',
      RATE_LIMIT_AUDIO_MINUTES_PER_DAY: '100000',
      MAX_UPLOAD_MB: '500',
    },
  });
  return { instance, cookie: (await registerAccount(browser, 'bench-long', instance.baseUrl)).cookieHeader };
}

/** Sends a whole file as a tus upload in PATCHes of `pieceBytes`, asking for its transcription once the first PATCH is in. */
async function sendWhileTranscribing(file: string, pieceBytes: number) {
  const data = readFileSync(file);
  const startedAt = Date.now();
  const upload = await createTusUpload(app.baseUrl, cookie, { 'Upload-Length': String(data.byteLength), 'Upload-Metadata': tusMetadata({ filename: path.basename(file), filetype: 'audio/wav' }) });
  let offset = await upload.patch(data.subarray(0, pieceBytes), 0);
  const answer = transcribeResumable(app.baseUrl, cookie, { resumableUpload: upload.id, prompt: 'fake:echo fake:delay=0', stream: true });
  while (offset < data.byteLength) offset = await upload.patch(data.subarray(offset, offset + pieceBytes), offset);
  const uploadedAt = Date.now();
  const events = await answer.events;
  if (events.at(-1)?.type !== 'transcript.text.done') throw new Error(`The transcription ended with ${JSON.stringify(events.at(-1))}`);
  return { startedAt, uploadedAt, firstDeltaAt: answer.firstDeltaAt() ?? Number.NaN, doneAt: Date.now(), parts: events.filter((event) => event.type === 'transcript.part').length };
}

test.beforeAll(async ({ browser }) => {
  fake = await startFakeUpstream({ port: FAKE_PORT, apiKey: KEY });
  ({ instance: app, cookie } = await startLongAudioApp(browser));
});

test.afterAll(async () => {
  await app?.stop();
  await fake?.close();
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 1024 ** 3).toFixed(1)} GB RAM, Node ${process.version}`;
  const width = Math.max('Metric'.length, ...rows.map((row) => row.metric.length));
  const lines = [
    `Verbatim long-audio benchmark — ${new Date().toISOString()} — ${machine}`,
    '',
    `| ${'Metric'.padEnd(width)} | Result | Target | Met |`,
    `|${'-'.repeat(width + 2)}|---|---|---|`,
    ...rows.map((row) => `| ${row.metric.padEnd(width)} | ${row.value} | ${row.target} | ${row.met === null ? '—' : row.met ? 'yes' : '**no**'} |`),
  ];
  console.log(`\n${lines.join('\n')}\n`);
  mkdirSync(path.join(PROJECT_ROOT, 'bench-results'), { recursive: true });
  writeFileSync(path.join(PROJECT_ROOT, 'bench-results', 'long-audio.json'), JSON.stringify({ machine, at: new Date().toISOString(), rows, raw }, null, 2));
  writeFileSync(path.join(PROJECT_ROOT, 'bench-results', 'long-audio.md'), `${lines.join('\n')}\n`);
});

test('a. 30-minute recording as a growing upload (deferred length), 10× real time in 1-second PATCHes: Stop → transcript done', async () => {
  test.setTimeout(900_000);
  const webm = readFileSync(speechLikeWebm(RECORDING_SECONDS));
  const bytesPerSecond = webm.byteLength / RECORDING_SECONDS;
  const upload = await createTusUpload(app.baseUrl, cookie, {
    'Upload-Defer-Length': '1',
    'Upload-Metadata': tusMetadata({ filename: 'Recording.webm', filetype: 'audio/webm;codecs=opus', source: 'recording' }),
  });
  const piece = Math.ceil(bytesPerSecond);
  let offset = await upload.patch(webm.subarray(0, piece), 0);
  const answer = transcribeResumable(app.baseUrl, cookie, { resumableUpload: upload.id, prompt: 'fake:echo fake:delay=0', stream: true });
  const startedAt = Date.now();
  for (let second = 1; offset < webm.byteLength; second++) {
    offset = await upload.patch(webm.subarray(offset, offset + piece), offset);
    const due = startedAt + (second * 1000) / RECORDING_SPEEDUP;
    if (due > Date.now()) await sleep(due - Date.now());
  }
  const stopAt = Date.now();
  await upload.patch(new Uint8Array(new ArrayBuffer(0)), offset, { 'Upload-Length': String(webm.byteLength) });
  const events = await answer.events;
  const seconds = (Date.now() - stopAt) / 1000;
  const done = events.at(-1)?.type === 'transcript.text.done';
  raw.recording = { bytes: webm.byteLength, seconds, parts: events.filter((event) => event.type === 'transcript.part').length, done };
  rows.push({ metric: '30-min recording (growing upload, 10× real time): Stop → text.done', value: done ? `${seconds.toFixed(1)} s` : 'failed', target: '≤ 15 s', met: done && seconds <= 15 });
});

test('b. server RSS growth while a 300 MB WAV is uploaded (tus, 8 MB PATCHes) and transcribed as it grows', async () => {
  test.setTimeout(900_000);
  const wav = speechLikeWav(9400);
  const bytes = statSync(wav).size;
  let run: Awaited<ReturnType<typeof sendWhileTranscribing>> | undefined;
  const growth = await peakRssGrowth(app.pid, async () => {
    run = await sendWhileTranscribing(wav, 8_000_000);
  });
  raw.rss300 = { bytes, ...growth, parts: run?.parts };
  rows.push({
    metric: `RSS growth (app + ffmpeg), ${(bytes / 1e6).toFixed(0)} MB WAV via tus, transcribed while uploading`,
    value: `${growth.growthMb.toFixed(0)} MB`,
    target: 'bounded (compare: 20 × 20 MB rows of proxy.bench.ts)',
    met: null,
  });
});

test('c. 40-minute WAV via tus: upload start → first delta', async () => {
  test.setTimeout(600_000);
  const run = await sendWhileTranscribing(speechLikeWav(2400), 4_000_000);
  raw.firstDelta40 = run;
  rows.push({
    metric: '40-min WAV (76.8 MB) via tus: upload start → first delta',
    value: `${((run.firstDeltaAt - run.startedAt) / 1000).toFixed(1)} s (upload took ${((run.uploadedAt - run.startedAt) / 1000).toFixed(1)} s)`,
    target: 'reported',
    met: null,
  });
});
