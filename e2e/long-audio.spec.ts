import { createReadStream, readFileSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { request as httpRequest } from 'node:http';
import * as tus from 'tus-js-client';
import { BOUNDARY, bodyOf, openRawUpload, partHead } from './support/api-client';
import { type AppInstance, startAppInstance } from './support/app-instance';
import { SPARE_APP_PORTS } from './support/constants';
import { echoText, type RecordedRequest } from './support/fake-upstream';
import { startNetworkProxy } from './support/network-proxy';
import { createTusUpload, transcribeResumable, tusMetadata } from './support/growing-upload';
import { isInSilence, speechLikeMp3, speechLikeWav, speechLikeWebm } from './support/long-audio';
import { type Account, expect, registerAccount, test, TranscribePage, uniqueMarker, upstreamRequests } from './support/test';

// Long audio through the API against a spare instance with 5-minute parts: a 40-minute WAV
// (76.8 MB) and a 35 MB MP3, generated once by ffmpeg and cached under .e2e-data.

type Event = { type: string; id?: string; index?: number; count?: number | null; startSeconds?: number; delta?: string; text?: string; error?: { code: string; message: string } };
type Part = { index: number; startSeconds: number; durationSeconds: number; status: string; text: string };
type Details = { status: string; paused: boolean; text: string; audioBytes: number; parts: Part[]; error: { code: string; message: string } | null };

const PART_SECONDS = 300;
const env = { MAX_UPLOAD_MB: '500', PART_MAX_MINUTES: '5', JOB_LEASE_MS: '2000', RATE_LIMIT_AUDIO_MINUTES_PER_DAY: '200', TRANSCRIBE_IDLE_TIMEOUT_MS: '60000' };

/** Uploads a file from disk at the pace the server reads it; resolves when the last byte is written, with the events to come. */
async function upload({ app, account, file, prompt, headers = {} }: { app: AppInstance; account: Account; file: string; prompt: string; headers?: Record<string, string> }) {
  const head = Buffer.from(
    partHead({ name: 'stream', value: 'true' }) + partHead({ name: 'prompt', value: prompt }) + partHead({ name: 'file', filename: 'long-meeting', data: Buffer.alloc(0) }),
  );
  const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
  const url = new URL('/api/transcriptions', app.baseUrl);
  const request = httpRequest({
    host: url.hostname,
    port: url.port,
    path: url.pathname,
    method: 'POST',
    headers: { cookie: account.cookieHeader, 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, 'content-length': head.length + statSync(file).size + tail.length, ...headers },
  });
  const events = new Promise<{ status: number; events: Event[] }>((resolve, reject) => {
    request.on('error', reject);
    request.on('response', (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        const parsed = response.headers['content-type']?.includes('event-stream')
          ? body.split('\n\n').flatMap((block) => (block.startsWith('data: ') ? [JSON.parse(block.slice(6)) as Event] : []))
          : [JSON.parse(body) as Event];
        resolve({ status: response.statusCode ?? 0, events: parsed });
      });
    });
  });
  events.catch(() => undefined);
  const write = (chunk: Buffer) => new Promise<void>((resolve) => (request.write(chunk) ? resolve() : request.once('drain', resolve)));
  await write(head);
  for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 })) await write(chunk as Buffer);
  request.end(tail);
  return { uploadedAt: Date.now(), events };
}

const details = async (app: AppInstance, account: Account, id: string) =>
  (await (await fetch(`${app.baseUrl}/api/transcriptions/${id}`, { headers: { cookie: account.cookieHeader } })).json()) as Details;

/** Checks what every answered part request looked like; returns them in order of arrival. */
function checkPartRequests(requests: RecordedRequest[], partSeconds = PART_SECONDS) {
  const sorted = [...requests].sort((a, b) => a.sequence - b.sequence);
  for (const request of sorted) {
    expect(request.file).toMatchObject({ filename: 'audio.mp3', contentType: 'audio/mpeg' });
    expect(request.file?.bytes ?? Infinity).toBeLessThanOrEqual(25_000_000);
    expect(request.file?.durationSeconds ?? Infinity).toBeLessThanOrEqual(partSeconds + 0.1);
  }
  return sorted;
}

test.describe('long audio', () => {
  test.describe.configure({ mode: 'serial' });
  let app: AppInstance | undefined;
  test.afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  test('a 40-minute WAV is split at silences and transcribed part by part, in order, with context; a 500 retries that part alone', async ({ browser }) => {
    test.setTimeout(420_000);
    const wav = speechLikeWav(2400);
    expect(statSync(wav).size).toBeGreaterThan(70_000_000);
    app = await startAppInstance({ name: 'long-wav', port: SPARE_APP_PORTS[2], env });
    const account = await registerAccount(browser, 'long-wav', app.baseUrl);
    const marker = uniqueMarker();
    const sent = await upload({
      app,
      account,
      file: wav,
      prompt: `${marker} fake:echo fake:delay=0 fake:status=500 fake:fail-nth=3 fake:key=${marker}`,
      headers: { 'x-audio-duration-seconds': '2400' },
    });
    const { status, events } = await sent.events;
    expect(status).toBe(200);
    const done = events.at(-1);
    expect(done?.type, JSON.stringify(done)).toBe('transcript.text.done');

    const requests = checkPartRequests(await upstreamRequests(marker));
    // Part 3 failed once with a 500 and was sent again, alone: the same bytes, right after.
    expect(requests[2]?.outcome).toBe('status-500');
    expect(requests[3]?.file?.sha256).toBe(requests[2]?.file?.sha256);
    const answered = requests.filter((request) => request.outcome === 'ok');
    expect(answered).toHaveLength(requests.length - 1);
    expect(new Set(answered.map((request) => request.file?.sha256)).size).toBe(answered.length);

    // One announcement per part, in order, each starting where the previous one ended, cut in a silence.
    const parts = events.filter((event) => event.type === 'transcript.part');
    expect(parts.map((event) => event.index)).toEqual(answered.map((_, index) => index + 1));
    expect(parts.length).toBeGreaterThanOrEqual(8);
    expect(parts.at(-1)?.count).toBe(parts.length);
    let end = 0;
    for (const [index, part] of parts.entries()) {
      expect(part.startSeconds ?? -1).toBeCloseTo(end, 3);
      if (index > 0) expect(isInSilence(end), `cut at ${end} s`).toBe(true);
      end += answered[index]?.file?.durationSeconds ?? 0;
    }
    expect(end).toBeCloseTo(2400, 0);

    // Part n's prompt is the user's prompt, then the end of the text so far (part n−1's last).
    const texts = answered.map((request) => echoText(request.file?.sha256 ?? ''));
    for (const [index, request] of answered.entries()) {
      expect(request.fields.prompt?.startsWith(marker)).toBe(true);
      if (index > 0) expect(request.fields.prompt?.endsWith(texts[index - 1] ?? '-')).toBe(true);
    }
    expect(done?.text).toBe(texts.join(' '));
    expect(
      events
        .filter((event) => event.type === 'transcript.text.delta')
        .map((event) => event.delta)
        .join(''),
    ).toBe(texts.join(' '));

    // The first part went upstream while the rest of the file was still uploading.
    expect(answered[0]?.receivedAt ?? Infinity).toBeLessThan(sent.uploadedAt);

    const saved = await details(app, account, events[0]?.id ?? '');
    expect(saved).toMatchObject({ status: 'done', text: texts.join(' ') });
    expect(saved.parts.map(({ index, status, text }) => ({ index, status, text }))).toEqual(texts.map((text, index) => ({ index: index + 1, status: 'done', text })));

    // The transcript page lists the parts; a part's button plays the recording from its start.
    const context = await browser.newContext({ storageState: account.storageStatePath, baseURL: app.baseUrl });
    const page = await context.newPage();
    await page.goto(`/transcripts/${events[0]?.id ?? ''}`);
    const third = saved.parts[2];
    const list = page.getByRole('region', { name: 'Parts' });
    await expect(list.getByRole('listitem')).toHaveCount(saved.parts.length);
    await list.getByRole('button', { name: new RegExp(`^Play Part 3 of ${saved.parts.length}, from `) }).click();
    await expect.poll(() => page.getByLabel('Recording').evaluate((audio: HTMLAudioElement) => audio.currentTime)).toBeGreaterThanOrEqual(third?.startSeconds ?? Infinity);
    expect(await page.getByLabel('Recording').evaluate((audio: HTMLAudioElement) => audio.currentTime)).toBeLessThan((third?.startSeconds ?? 0) + 5);
    await context.close();
  });

  test('a 35 MB MP3 is transcribed in parts; a file longer than the day allows is refused before upload, or before any part goes upstream', async ({ browser }) => {
    test.setTimeout(420_000);
    const mp3 = speechLikeMp3(2190);
    expect(statSync(mp3).size).toBeGreaterThan(35_000_000);
    app = await startAppInstance({ name: 'long-mp3', port: SPARE_APP_PORTS[2], env: { ...env, RATE_LIMIT_AUDIO_MINUTES_PER_DAY: '45' } });
    const account = await registerAccount(browser, 'long-mp3', app.baseUrl);
    const marker = uniqueMarker();
    const { events } = await (await upload({ app, account, file: mp3, prompt: `${marker} fake:echo fake:delay=0` })).events;
    const requests = checkPartRequests(await upstreamRequests(marker));
    expect(requests.length).toBeGreaterThanOrEqual(8);
    expect(events.at(-1)).toMatchObject({ type: 'transcript.text.done', text: requests.map((request) => echoText(request.file?.sha256 ?? '')).join(' ') });

    // 36.5 of the day's 45 minutes are used: a stated 30 minutes is refused before a byte of it is read.
    const stated = openRawUpload(account.cookieHeader, { 'content-length': 90_000_000, 'x-audio-duration-seconds': 1800 }, app.baseUrl);
    stated.request.write(partHead({ name: 'stream', value: 'true' }));
    const answer = await stated.response;
    expect(answer.statusCode).toBe(429);
    expect(JSON.parse(await bodyOf(answer))).toMatchObject({ error: { code: 'rate_limit:daily_duration', message: expect.stringMatching(/daily allowance of 45 minutes/) } });
    stated.request.destroy();

    // Unstated, 14 minutes (a 27 MB WAV) are refused once their duration is known, before any part goes upstream.
    const copyMarker = uniqueMarker();
    const { events: copyEvents } = await (await upload({ app, account, file: speechLikeWav(840), prompt: `${copyMarker} fake:echo fake:delay=0` })).events;
    expect(copyEvents.at(-1)).toMatchObject({ type: 'error', error: { code: 'rate_limit:daily_duration', message: expect.stringMatching(/daily allowance of 45 minutes/) } });
    expect(await upstreamRequests(copyMarker)).toHaveLength(0);
  });

  test('a long WAV sent as a resumable (tus) upload is transcribed in parts', async ({ browser }) => {
    test.setTimeout(300_000);
    const wav = speechLikeWav(840);
    expect(statSync(wav).size).toBeGreaterThan(25_000_000);
    app = await startAppInstance({ name: 'long-tus', port: SPARE_APP_PORTS[2], env });
    const account = await registerAccount(browser, 'long-tus', app.baseUrl);
    const uploadUrl = await new Promise<string>((resolve, reject) => {
      const upload: tus.Upload = new tus.Upload(readFileSync(wav), {
        endpoint: `${app?.baseUrl ?? ''}/api/uploads/resumable`,
        headers: { cookie: account.cookieHeader },
        metadata: { filename: 'Lecture.wav', filetype: 'audio/wav' },
        chunkSize: 8_000_000,
        onSuccess: () => resolve(upload.url ?? ''),
        onError: reject,
      });
      upload.start();
    });

    const marker = uniqueMarker();
    const response = await fetch(`${app.baseUrl}/api/transcriptions`, {
      method: 'POST',
      headers: { cookie: account.cookieHeader, 'content-type': 'application/json' },
      body: JSON.stringify({ resumableUpload: uploadUrl.split('/').pop(), prompt: `${marker} fake:echo fake:delay=0` }),
    });
    expect(response.status).toBe(200);
    const { id, text } = (await response.json()) as { id: string; text: string };
    const requests = checkPartRequests(await upstreamRequests(marker));
    expect(requests).toHaveLength(3);
    expect(text).toBe(requests.map((request) => echoText(request.file?.sha256 ?? '')).join(' '));
    const saved = await details(app, account, id);
    expect(saved).toMatchObject({ status: 'done', text, audioBytes: statSync(wav).size });
    expect(saved.parts.map((part) => part.status)).toEqual(['done', 'done', 'done']);
  });

  test('a WAV sent with tus in slow PATCHes is transcribed while it uploads: the first part reaches the upstream before the last PATCH', async ({ browser }) => {
    test.setTimeout(300_000);
    const wav = readFileSync(speechLikeWav(840));
    app = await startAppInstance({ name: 'long-grow', port: SPARE_APP_PORTS[2], env });
    const account = await registerAccount(browser, 'long-grow', app.baseUrl);
    const upload = await createTusUpload(app.baseUrl, account.cookieHeader, { 'Upload-Length': String(wav.byteLength), 'Upload-Metadata': tusMetadata({ filename: 'Lecture.wav', filetype: 'audio/wav' }) });
    let offset = await upload.patch(wav.subarray(0, 1_000_000), 0);

    const marker = uniqueMarker();
    const answer = transcribeResumable(app.baseUrl, account.cookieHeader, { resumableUpload: upload.id, prompt: `${marker} fake:echo fake:delay=0`, stream: true });
    await expect.poll(async () => (await answer.peek()).some((event) => event.type === 'transcript.created')).toBe(true);
    // Of two requests for one upload, the second is told it is taken.
    const second = await fetch(`${app.baseUrl}/api/transcriptions`, {
      method: 'POST',
      headers: { cookie: account.cookieHeader, 'content-type': 'application/json' },
      body: JSON.stringify({ resumableUpload: upload.id }),
    });
    expect(second.status).toBe(409);
    // One that wants the stream (a page reloaded mid-upload) follows the running transcription instead.
    const follower = transcribeResumable(app.baseUrl, account.cookieHeader, { resumableUpload: upload.id, stream: true });

    // 12 MB (6 minutes of audio) in 1 MB PATCHes: more than one 5-minute part.
    while (offset < 12_000_000) offset = await upload.patch(wav.subarray(offset, offset + 1_000_000), offset);
    await expect.poll(async () => (await upstreamRequests(marker)).length, { timeout: 60_000 }).toBeGreaterThanOrEqual(1);
    const firstPartAt = Math.min(...(await upstreamRequests(marker)).map((request) => request.receivedAt));
    while (offset < wav.byteLength) offset = await upload.patch(wav.subarray(offset, offset + 4_000_000), offset);
    const lastPatchAt = Date.now();
    expect(firstPartAt).toBeLessThan(lastPatchAt);

    const events = await answer.events;
    const requests = checkPartRequests(await upstreamRequests(marker));
    expect(requests).toHaveLength(3);
    const texts = requests.map((request) => echoText(request.file?.sha256 ?? ''));
    expect(events.at(-1)).toMatchObject({ type: 'transcript.text.done', text: texts.join(' ') });
    expect(events.filter((event) => event.type === 'transcript.part').map((event) => event.index)).toEqual([1, 2, 3]);
    const followed = await follower.events;
    expect(followed.find((event) => event.type === 'transcript.created')?.id).toBe(events[0]?.id);
    expect(followed.at(-1)).toMatchObject({ type: 'transcript.text.done', text: texts.join(' ') });
    // The complete upload became the transcript's audio (for the player), and the upload is gone.
    const saved = await details(app, account, events[0]?.id ?? '');
    expect(saved).toMatchObject({ status: 'done', text: texts.join(' '), audioBytes: wav.byteLength });
    expect((await upload.head()).status).toBe(404);
  });

  test('a recording (deferred length) is transcribed part by part while it grows, waits through a pause longer than the idle timeout, and ends at its final PATCH', async ({ browser }) => {
    test.setTimeout(300_000);
    const webm = readFileSync(speechLikeWebm(240));
    // 1-minute recording parts; the idle timeout (3 s) is far shorter than the pause below.
    app = await startAppInstance({ name: 'long-record', port: SPARE_APP_PORTS[2], env: { ...env, TRANSCRIBE_IDLE_TIMEOUT_MS: '3000', RECORDING_PART_MINUTES: '1' } });
    const account = await registerAccount(browser, 'long-record', app.baseUrl);

    // A stated duration past the day's allowance (200 minutes here) is refused at creation, before any byte.
    const statedWays: Record<string, string>[] = [
      { 'Upload-Metadata': tusMetadata({ filetype: 'audio/wav', duration: '13000' }) },
      { 'Upload-Metadata': tusMetadata({ filetype: 'audio/wav' }), 'X-Audio-Duration-Seconds': '13000' },
    ];
    for (const stated of statedWays) {
      const refused = await fetch(`${app.baseUrl}/api/uploads/resumable`, { method: 'POST', headers: { cookie: account.cookieHeader, 'Tus-Resumable': '1.0.0', 'Upload-Length': '80000000', ...stated } });
      expect(refused.status).toBe(429);
      expect(await refused.json()).toMatchObject({ error: { code: 'rate_limit:daily_duration', message: expect.stringMatching(/daily allowance of 200 minutes/) } });
    }

    const upload = await createTusUpload(app.baseUrl, account.cookieHeader, {
      'Upload-Defer-Length': '1',
      'Upload-Metadata': tusMetadata({ filename: 'Recording.webm', filetype: 'audio/webm;codecs=opus', source: 'recording' }),
    });
    const step = 16_000;
    let offset = await upload.patch(webm.subarray(0, step), 0);
    const marker = uniqueMarker();
    const answer = transcribeResumable(app.baseUrl, account.cookieHeader, { resumableUpload: upload.id, prompt: `${marker} fake:echo fake:delay=0`, stream: true });

    // The first half, in small PATCHes, until two parts have gone upstream.
    while (offset < webm.byteLength / 2) offset = await upload.patch(webm.subarray(offset, offset + step), offset);
    await expect.poll(async () => (await upstreamRequests(marker)).length, { timeout: 60_000 }).toBeGreaterThanOrEqual(1);
    // Offline for longer than the idle timeout: the transcription waits for the upload.
    await sleep(6000);
    expect((await answer.peek()).some((event) => event.type === 'error')).toBe(false);
    const beforeStop = (await upstreamRequests(marker)).length;
    while (offset < webm.byteLength) offset = await upload.patch(webm.subarray(offset, offset + step), offset);
    expect((await answer.peek()).some((event) => event.type === 'transcript.text.done')).toBe(false);
    // Stop: the final PATCH declares the length.
    await upload.patch(Buffer.alloc(0), offset, { 'Upload-Length': String(webm.byteLength) });

    const events = await answer.events;
    const requests = checkPartRequests(await upstreamRequests(marker), 60);
    expect(beforeStop).toBeGreaterThanOrEqual(1);
    expect(requests.length).toBeGreaterThanOrEqual(4);
    const texts = requests.map((request) => echoText(request.file?.sha256 ?? ''));
    expect(events.at(-1)).toMatchObject({ type: 'transcript.text.done', text: texts.join(' ') });
    const saved = await details(app, account, events[0]?.id ?? '');
    expect(saved).toMatchObject({ status: 'done', audioBytes: webm.byteLength });
    expect(saved.parts.map((part) => part.status)).toEqual(texts.map(() => 'done'));
  });

  test('an upload that stops growing for UPLOAD_WAIT_SECONDS pauses its transcription with its finished parts; it goes on when a PATCH arrives, or when the page asks again', async ({ browser }) => {
    test.setTimeout(300_000);
    const webm = readFileSync(speechLikeWebm(240));
    app = await startAppInstance({ name: 'long-pause', port: SPARE_APP_PORTS[2], env: { ...env, RECORDING_PART_MINUTES: '1', UPLOAD_WAIT_SECONDS: '6' } });
    const account = await registerAccount(browser, 'long-pause', app.baseUrl);
    const upload = await createTusUpload(app.baseUrl, account.cookieHeader, {
      'Upload-Defer-Length': '1',
      'Upload-Metadata': tusMetadata({ filename: 'Recording.webm', filetype: 'audio/webm;codecs=opus', source: 'recording' }),
    });
    const marker = uniqueMarker();
    const request = { resumableUpload: upload.id, prompt: `${marker} fake:echo fake:delay=0`, stream: true };
    let offset = await upload.patch(webm.subarray(0, 16_000), 0);
    const first = transcribeResumable(app.baseUrl, account.cookieHeader, request);
    offset = await upload.patch(webm.subarray(offset, Math.floor(webm.byteLength * 0.4)), offset);

    // The laptop closes: nothing arrives for longer than the wait. The answer ends, the transcript keeps its finished parts.
    const firstEvents = await first.events;
    expect(firstEvents.at(-1)).toMatchObject({ type: 'error', error: { code: 'timeout:upload', message: expect.stringMatching(/goes on by itself/) } });
    const transcript = firstEvents[0]?.id ?? '';
    const paused = await details(app, account, transcript);
    const finished = paused.parts.filter((part) => part.status === 'done');
    expect(paused).toMatchObject({ status: 'failed', paused: true, error: { code: 'timeout:upload' } });
    const history = (await (await fetch(`${app.baseUrl}/api/transcriptions`, { headers: { cookie: account.cookieHeader } })).json()) as { items: { id: string; paused: boolean }[] };
    expect(history.items.find((item) => item.id === transcript)).toMatchObject({ paused: true });
    expect(finished.length).toBeGreaterThanOrEqual(1);
    expect(paused.text).toBe(finished.map((part) => part.text).join(' '));
    const sentBeforePause = new Set((await upstreamRequests(marker)).map((sent) => sent.file?.sha256));

    // It reopens: the next PATCH sets the transcription going again, with no request to transcribe.
    offset = await upload.patch(webm.subarray(offset, Math.floor(webm.byteLength * 0.7)), offset);
    await expect.poll(async () => (await details(app as AppInstance, account, transcript)).status).toBe('transcribing');
    // Closed again, long enough to pause again.
    await expect.poll(async () => (await details(app as AppInstance, account, transcript)).status, { timeout: 60_000 }).toBe('failed');

    // A reloaded page asks for the upload again: the transcription goes on and the answer streams it from its text so far.
    const again = transcribeResumable(app.baseUrl, account.cookieHeader, request);
    await expect.poll(async () => (await again.peek()).some((event) => event.type === 'transcript.text.delta')).toBe(true);
    expect((await again.peek())[0]).toMatchObject({ type: 'transcript.created', id: transcript });
    while (offset < webm.byteLength) offset = await upload.patch(webm.subarray(offset, offset + 64_000), offset);
    await upload.patch(Buffer.alloc(0), offset, { 'Upload-Length': String(webm.byteLength) });
    const events = await again.events;

    const requests = checkPartRequests(await upstreamRequests(marker), 60);
    const texts = requests.map((sent) => echoText(sent.file?.sha256 ?? ''));
    // Every part once: none of the finished ones went upstream again after a pause.
    expect(new Set(requests.map((sent) => sent.file?.sha256)).size).toBe(requests.length);
    expect(requests.filter((sent) => sentBeforePause.has(sent.file?.sha256))).toHaveLength(sentBeforePause.size);
    const streamed = events.flatMap((event) => (event.type === 'transcript.text.delta' ? [event.delta] : [])).join('');
    expect(streamed).toBe(texts.join(' '));
    expect(events.at(-1)).toMatchObject({ type: 'transcript.text.done', text: texts.join(' ') });
    const saved = await details(app, account, transcript);
    expect(saved).toMatchObject({ status: 'done', paused: false, audioBytes: webm.byteLength, error: null });
    expect(saved.parts.map((part) => part.text)).toEqual(texts);
    expect((await upload.head()).status).toBe(404);
    const audio = await fetch(`${app.baseUrl}/api/transcriptions/${transcript}/audio`, { headers: { cookie: account.cookieHeader } });
    expect(audio.status).toBe(200);
    expect((await audio.arrayBuffer()).byteLength).toBe(webm.byteLength);
  });

  test('in the browser, a long upload whose network is gone for longer than UPLOAD_WAIT_SECONDS (a closed laptop): once it is back the page shows the transcript arrive to its end', async ({ browser }) => {
    test.setTimeout(300_000);
    const wav = speechLikeWav(840);
    // The wait is longer than the upload takes to store each 8 MB piece at this uplink (2.7 s): only the cut pauses it.
    app = await startAppInstance({ name: 'long-offline', port: SPARE_APP_PORTS[2], env: { ...env, MAX_UPLOAD_MB: '120', PART_MAX_MINUTES: '1', UPLOAD_WAIT_SECONDS: '6' } });
    const account = await registerAccount(browser, 'long-offline', app.baseUrl);
    // The browser reaches the app through a proxy that can drop every connection, as a lost network does.
    const network = await startNetworkProxy(SPARE_APP_PORTS[2]);
    const context = await browser.newContext({ baseURL: network.baseUrl, storageState: account.storageStatePath });
    try {
      const page = await context.newPage();
      const transcribe = new TranscribePage(page);
      // A slow uplink, so that the network goes while the file is still going up.
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 3_000_000 });
      await transcribe.goto();
      const marker = uniqueMarker();
      await page.getByLabel('Audio file').setInputFiles(wav);
      await page.getByLabel('Prompt (optional)').fill(`${marker} fake:echo fake:delay=0`);
      await page.getByRole('button', { name: 'Transcribe' }).click();
      await expect(transcribe.transcript()).not.toHaveText('', { timeout: 60_000 });
      const transcript = await findTranscriptId(app, account);

      network.down();
      expect((await details(app, account, transcript)).status).toBe('transcribing');
      // The server stops waiting for the upload: the transcription pauses with its finished parts.
      await expect.poll(async () => (await details(app as AppInstance, account, transcript)).error?.code, { timeout: 60_000 }).toBe('timeout:upload');
      const uploadedWhilePaused = (await details(app, account, transcript)).audioBytes;
      // On another device (not behind the cut network), the transcript page says it is paused, and notices when it goes on.
      const viewer = await browser.newContext({ baseURL: app.baseUrl, storageState: account.storageStatePath });
      const transcriptPage = await viewer.newPage();
      await transcriptPage.goto(`/transcripts/${transcript}`);
      await expect(transcriptPage.getByRole('main').getByText('Paused', { exact: true })).toBeVisible();
      await expect(transcriptPage.getByRole('main').getByRole('status').filter({ hasText: 'goes on by itself' })).toBeVisible();
      await expect(transcriptPage.getByRole('main').getByRole('alert')).toHaveCount(0);
      network.up();

      await expect(page.getByRole('link', { name: 'Open transcript' })).toBeVisible({ timeout: 120_000 });
      await expect(transcribe.alert()).toHaveCount(0);
      const saved = await details(app, account, transcript);
      const texts = checkPartRequests(await upstreamRequests(marker), 60).map((sent) => echoText(sent.file?.sha256 ?? ''));
      expect(uploadedWhilePaused).toBe(0);
      expect(saved).toMatchObject({ status: 'done', text: texts.join(' '), audioBytes: statSync(wav).size });
      expect(new Set(texts).size).toBe(texts.length);
      await expect(transcribe.transcript()).toHaveText(saved.text);
      await expect(transcriptPage.getByRole('main').getByText('Done', { exact: true })).toBeVisible({ timeout: 30_000 });
      await viewer.close();
    } finally {
      await context.close();
      await network.close();
    }
  });

  test('kill -9 while a recording grows: the restarted instance goes on following the upload after its finished parts', async ({ browser }) => {
    test.setTimeout(300_000);
    const webm = readFileSync(speechLikeWebm(240));
    const port = SPARE_APP_PORTS[3];
    const recordingEnv = { ...env, RECORDING_PART_MINUTES: '1' };
    app = await startAppInstance({ name: 'long-record-crash', port, env: recordingEnv });
    const account = await registerAccount(browser, 'long-record-crash', app.baseUrl);
    const upload = await createTusUpload(app.baseUrl, account.cookieHeader, {
      'Upload-Defer-Length': '1',
      'Upload-Metadata': tusMetadata({ filename: 'Recording.webm', filetype: 'audio/webm;codecs=opus' }),
    });
    const half = Math.floor(webm.byteLength / 2);
    let offset = await upload.patch(webm.subarray(0, 16_000), 0);
    const marker = uniqueMarker();
    const answer = transcribeResumable(app.baseUrl, account.cookieHeader, { resumableUpload: upload.id, prompt: `${marker} fake:echo fake:delay=0`, stream: true });
    offset = await upload.patch(webm.subarray(offset, half), offset);
    await expect.poll(async () => (await answer.peek())[0]?.id).toBeTruthy();
    const transcript = (await answer.peek())[0]?.id ?? '';
    const doneParts = async () => (await details(app as AppInstance, account, transcript)).parts.filter((part) => part.status === 'done').length;
    await expect.poll(doneParts, { timeout: 60_000 }).toBeGreaterThanOrEqual(1);
    const finished = await doneParts();
    await app.kill();
    const sentBefore = (await upstreamRequests(marker)).length;

    app = await startAppInstance({ name: 'long-record-crash', port, env: recordingEnv, keepData: true });
    while (offset < webm.byteLength) offset = await upload.patch(webm.subarray(offset, offset + 64_000), offset);
    await upload.patch(Buffer.alloc(0), offset, { 'Upload-Length': String(webm.byteLength) });
    await expect.poll(async () => (await details(app as AppInstance, account, transcript)).status, { timeout: 120_000, intervals: [1000] }).toBe('done');
    const saved = await details(app, account, transcript);
    const requests = checkPartRequests(await upstreamRequests(marker), 60);
    const before = new Set(requests.slice(0, finished).map((request) => request.file?.sha256));
    expect(requests.slice(sentBefore).some((request) => before.has(request.file?.sha256))).toBe(false);
    expect(saved.parts.length).toBeGreaterThan(finished);
    expect(saved.parts.every((part) => part.status === 'done')).toBe(true);
    expect(saved.parts.length).toBeGreaterThanOrEqual(4);
    expect(saved).toMatchObject({ audioBytes: webm.byteLength, text: saved.parts.map((part) => part.text).join(' ') });
  });

  test('kill -9 mid-way: the restarted instance resumes at the first unfinished part; finished parts are not sent again', async ({ browser }) => {
    test.setTimeout(420_000);
    const wav = speechLikeWav(2400);
    const port = SPARE_APP_PORTS[3];
    app = await startAppInstance({ name: 'long-crash', port, env });
    const account = await registerAccount(browser, 'long-crash', app.baseUrl);
    const marker = uniqueMarker();
    // Slow parts (about 6 s each): most are still to do when the upload is complete.
    // The answer streams until the kill; only the saved state is read.
    await upload({ app, account, file: wav, prompt: `${marker} fake:echo fake:delay=1000`, headers: { 'x-audio-duration-seconds': '2400' } });
    const transcript = await findTranscriptId(app, account);
    await expect.poll(async () => (await details(app as AppInstance, account, transcript)).parts.filter((part) => part.status === 'done').length, { timeout: 120_000 }).toBeGreaterThanOrEqual(2);
    await expect.poll(async () => (await details(app as AppInstance, account, transcript)).audioBytes).toBeGreaterThan(0);
    const before = await details(app, account, transcript);
    const finished = before.parts.filter((part) => part.status === 'done');
    expect(before.parts.length).toBeLessThan(9);
    await app.kill();
    const sentBefore = (await upstreamRequests(marker)).length;

    app = await startAppInstance({ name: 'long-crash', port, env, keepData: true });
    await expect.poll(async () => (await details(app as AppInstance, account, transcript)).status, { timeout: 240_000, intervals: [2000] }).toBe('done');
    const after = await details(app, account, transcript);
    const requests = checkPartRequests(await upstreamRequests(marker));
    const resumed = requests.slice(sentBefore);
    // Nothing finished was sent again: the first request after the restart is the first unfinished part.
    const finishedHashes = new Set(requests.slice(0, finished.length).map((request) => request.file?.sha256));
    expect(resumed.some((request) => finishedHashes.has(request.file?.sha256))).toBe(false);
    expect(resumed[0]?.file?.sha256).toBe(requests[finished.length]?.file?.sha256);
    expect(after.parts.slice(0, finished.length).map((part) => part.text)).toEqual(finished.map((part) => part.text));
    expect(after.parts.every((part) => part.status === 'done')).toBe(true);
    expect(after.text).toBe(after.parts.map((part) => part.text).join(' '));
    expect(after.parts.at(-1)?.startSeconds ?? 0).toBeGreaterThan(2400 - PART_SECONDS);
  });
});

async function findTranscriptId(app: AppInstance, account: Account) {
  const list = (await (await fetch(`${app.baseUrl}/api/transcriptions`, { headers: { cookie: account.cookieHeader } })).json()) as { items: { id: string }[] };
  return list.items[0]?.id ?? '';
}
