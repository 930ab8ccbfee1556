import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import * as tus from 'tus-js-client';
import { APP_BASE_URL, APP_PORT, E2E_DATA_DIR } from './support/constants';
import { startNetworkProxy } from './support/network-proxy';
import { FAKE_TRANSCRIPT } from './support/fake-upstream';
import { speechLikeWav } from './support/long-audio';
import { expect, fixturePath, test, TranscribePage, uniqueMarker, upstreamRequests } from './support/test';

// tus-js-client (the official client, its Node build) against the running app, with the session
// cookie of a registered account. The app keeps audio in its local folder here.

const ENDPOINT = `${APP_BASE_URL}/api/uploads/resumable`;
const MB = 1_000_000;

type UploadOptions = ConstructorParameters<typeof tus.Upload>[1];

/** Runs one tus upload to its end; resolves with its URL, rejects with tus's error. */
function runUpload(input: Buffer, options: UploadOptions, onUrl?: (url: string) => void) {
  return new Promise<string>((resolve, reject) => {
    const upload: tus.Upload = new tus.Upload(input, {
      retryDelays: null,
      ...options,
      onUploadUrlAvailable: () => onUrl?.(upload.url ?? ''),
      onSuccess: () => resolve(upload.url ?? ''),
      onError: reject,
    });
    upload.start();
  });
}

const idOf = (url: string) => url.split('/').pop() ?? '';

const audioMetadata = (overrides: Record<string, string> = {}) => ({ filename: 'meeting.wav', filetype: 'audio/wav', ...overrides });

/** A WAV header followed by random bytes: any corruption shows in the hash. */
function largeWav(bytes: number) {
  const data = randomBytes(bytes);
  Buffer.from('RIFF').copy(data, 0);
  data.writeUInt32LE(bytes - 8, 4);
  Buffer.from('WAVEfmt ').copy(data, 8);
  return data;
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** The upload's bytes as the server stored them: its chunk rows, in order, read from the audio folder. */
function storedBytes(uploadId: string) {
  const database = new SQLite(path.join(E2E_DATA_DIR, 'verbatim.db'), { readonly: true });
  try {
    database.pragma('busy_timeout = 5000');
    const chunks = database.prepare('select start_offset, byte_count, storage_key from resumable_upload_chunks where upload_id = ? order by start_offset').all(uploadId) as {
      start_offset: number;
      byte_count: number;
      storage_key: string;
    }[];
    let expected = 0;
    for (const chunk of chunks) {
      expect(chunk.start_offset).toBe(expected);
      expected += chunk.byte_count;
    }
    return Buffer.concat(chunks.map((chunk) => readFileSync(path.join(E2E_DATA_DIR, 'audio', chunk.storage_key))));
  } finally {
    database.close();
  }
}

async function head(url: string, cookie: string) {
  const response = await fetch(url, { method: 'HEAD', headers: { cookie, 'Tus-Resumable': '1.0.0' } });
  return { status: response.status, offset: Number(response.headers.get('upload-offset')), length: response.headers.get('upload-length'), deferred: response.headers.get('upload-defer-length') };
}

function transcribe(cookie: string, body: Record<string, unknown>) {
  return fetch(`${APP_BASE_URL}/api/transcriptions`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

test('a 100 MB upload cut at half resumes from the bytes the server stored, and none of the first half is sent again', async ({ account }) => {
  test.setTimeout(180_000);
  const file = largeWav(100 * MB);
  const proxy = await startNetworkProxy(APP_PORT);
  try {
    const cut = proxy.cutAfter(file.byteLength / 2);
    let sentAtCut = 0;
    let resumedFrom: number | undefined;
    const patchOffsets: number[] = [];
    const url = await runUpload(file, {
      endpoint: `${proxy.baseUrl}/api/uploads/resumable`,
      headers: { cookie: account.cookieHeader },
      metadata: audioMetadata(),
      // One PATCH for the whole file, so that the cut falls inside it; tus-js-client retries by itself.
      chunkSize: Number.POSITIVE_INFINITY,
      retryDelays: [500, 1000, 2000],
      onBeforeRequest: (request) => {
        if (request.getMethod() === 'PATCH') patchOffsets.push(Number(request.getHeader('Upload-Offset')));
        if (request.getMethod() === 'HEAD') sentAtCut ||= proxy.sent;
      },
      onAfterResponse: (request, response) => {
        if (request.getMethod() === 'HEAD') resumedFrom = Number(response.getHeader('Upload-Offset'));
      },
    });
    await cut;
    const sentAfterCut = proxy.sent - sentAtCut;

    // The server kept what it had stored before the cut (all but the chunk in progress at most)...
    expect(resumedFrom).toBeGreaterThanOrEqual(0.35 * file.byteLength);
    expect(patchOffsets).toEqual([0, resumedFrom]);
    // ...and the retry sent only the rest (plus a few request headers), not the first half again.
    expect(sentAfterCut).toBeGreaterThanOrEqual(file.byteLength - (resumedFrom ?? 0));
    expect(sentAfterCut).toBeLessThan(file.byteLength - (resumedFrom ?? 0) + 16 * 1024);

    const id = idOf(url);
    expect(await head(`${ENDPOINT}/${id}`, account.cookieHeader)).toMatchObject({ status: 200, offset: file.byteLength, length: String(file.byteLength) });
    expect(sha256(storedBytes(id))).toBe(sha256(file));

    // Terminated by its owner, the upload is gone (long audio from a resumable upload: e2e/long-audio.spec.ts).
    await tus.Upload.terminate(`${ENDPOINT}/${id}`, { headers: { cookie: account.cookieHeader } });
    expect((await head(`${ENDPOINT}/${id}`, account.cookieHeader)).status).toBe(404);
  } finally {
    await proxy.close();
  }
});

test('a finished upload is transcribed through POST /api/transcriptions', async ({ account }) => {
  const marker = uniqueMarker();
  const audio = readFileSync(fixturePath('speech.mp3'));
  const url = await runUpload(audio, {
    endpoint: ENDPOINT,
    headers: { cookie: account.cookieHeader },
    metadata: { filename: 'Interview.mp3', filetype: 'audio/mpeg', language: 'en', prompt: `${marker} fake:delay=0` },
    // Small requests, the first one with the creation: several chunks to put back together.
    chunkSize: 16 * 1024,
    uploadDataDuringCreation: true,
  });
  const id = idOf(url);

  const response = await transcribe(account.cookieHeader, { resumableUpload: id });
  expect(response.status).toBe(200);
  const { text, id: transcriptId } = (await response.json()) as { text: string; id: string };
  expect(text).toBe(FAKE_TRANSCRIPT);

  const [received] = await upstreamRequests(marker);
  expect(received?.file).toMatchObject({ bytes: audio.byteLength, sha256: sha256(audio) });
  expect(received?.fields.language).toBe('en');
  // The upload became the transcript's audio, whole, and is gone as an upload.
  const stored = await fetch(`${APP_BASE_URL}/api/transcriptions/${transcriptId}/audio`, { headers: { cookie: account.cookieHeader } });
  expect(Buffer.from(await stored.arrayBuffer()).equals(audio)).toBe(true);
  expect((await head(url, account.cookieHeader)).status).toBe(404);
  expect((await transcribe(account.cookieHeader, { resumableUpload: id })).status).toBe(404);
});

test('an upload of unknown length (a recording) declares its length at the end', async ({ account }) => {
  const marker = uniqueMarker();
  const audio = readFileSync(fixturePath('speech.webm'));
  const tusHeaders = { cookie: account.cookieHeader, 'Tus-Resumable': '1.0.0' };
  const encoded = (value: string) => Buffer.from(value).toString('base64');
  // The protocol by hand, as a recorder's client speaks it (tus-js-client's Node stream reader can
  // wait forever when a stream ends at a chunk's end): created with its length deferred...
  const created = await fetch(ENDPOINT, {
    method: 'POST',
    headers: {
      ...tusHeaders,
      'Upload-Defer-Length': '1',
      'Upload-Metadata': `filename ${encoded('Recording.webm')},filetype ${encoded('audio/webm;codecs=opus')},prompt ${encoded(`${marker} fake:delay=0`)}`,
    },
  });
  expect(created.status).toBe(201);
  const url = new URL(created.headers.get('location') ?? '', ENDPOINT).href;
  // ...then a few KB at a time, as the recorder produces them, the last PATCH naming the length.
  const pieces = Array.from({ length: Math.ceil(audio.byteLength / 4000) }, (_, index) => audio.subarray(index * 4000, (index + 1) * 4000));
  let offset = 0;
  for (const [index, piece] of pieces.entries()) {
    if (index === 2) expect(await head(url, account.cookieHeader)).toMatchObject({ status: 200, offset, deferred: '1', length: null });
    const last = index === pieces.length - 1;
    const patched = await fetch(url, {
      method: 'PATCH',
      headers: { ...tusHeaders, 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream', ...(last ? { 'Upload-Length': String(audio.byteLength) } : {}) },
      body: piece,
    });
    expect(patched.status).toBe(204);
    offset += piece.byteLength;
  }
  expect(await head(url, account.cookieHeader)).toMatchObject({ status: 200, offset: audio.byteLength, length: String(audio.byteLength), deferred: null });

  const response = await transcribe(account.cookieHeader, { resumableUpload: idOf(url), stream: false });
  expect(response.status).toBe(200);
  expect((await upstreamRequests(marker))[0]?.file).toMatchObject({ bytes: audio.byteLength, sha256: sha256(audio) });
});

test('uploads belong to their user: another user and a signed-out request get 404 and 401', async ({ account, otherAccount }) => {
  // An open upload to probe.
  const created = await fetch(ENDPOINT, {
    method: 'POST',
    headers: { cookie: account.cookieHeader, 'Tus-Resumable': '1.0.0', 'Upload-Length': '1000', 'Upload-Metadata': `filetype ${Buffer.from('audio/mpeg').toString('base64')}` },
  });
  expect(created.status).toBe(201);
  const uploadUrl = new URL(created.headers.get('location') ?? '', APP_BASE_URL).toString();
  const mine = { cookie: account.cookieHeader, 'Tus-Resumable': '1.0.0' };
  const theirs = { cookie: otherAccount.cookieHeader, 'Tus-Resumable': '1.0.0' };
  const body = Buffer.alloc(500, 0x55);
  Buffer.from('ID3\x04\x00\x00\x00\x00\x00\x00').copy(body);

  const patch = (headers: Record<string, string>) =>
    fetch(uploadUrl, { method: 'PATCH', headers: { ...headers, 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' }, body });
  expect((await head(uploadUrl, otherAccount.cookieHeader)).status).toBe(404);
  expect((await patch(theirs)).status).toBe(404);
  expect((await fetch(uploadUrl, { method: 'DELETE', headers: theirs })).status).toBe(404);
  const transcribed = await transcribe(otherAccount.cookieHeader, { resumableUpload: idOf(uploadUrl) });
  expect(transcribed.status).toBe(404);
  expect(((await transcribed.json()) as { error: { code: string } }).error.code).toBe('not_found:upload');
  expect((await fetch(uploadUrl, { method: 'HEAD', headers: { 'Tus-Resumable': '1.0.0' } })).status).toBe(401);
  expect((await fetch(ENDPOINT, { method: 'POST', headers: { 'Tus-Resumable': '1.0.0', 'Upload-Length': '10' } })).status).toBe(401);

  // Nothing the other user tried touched it: the owner continues where it was.
  expect(await head(uploadUrl, account.cookieHeader)).toMatchObject({ status: 200, offset: 0 });
  expect((await patch(mine)).status).toBe(204);
  expect(await head(uploadUrl, account.cookieHeader)).toMatchObject({ status: 200, offset: 500 });
});

test('refusals at creation and at the first bytes', async ({ account }) => {
  const create = (headers: Record<string, string>) => fetch(ENDPOINT, { method: 'POST', headers: { cookie: account.cookieHeader, 'Tus-Resumable': '1.0.0', ...headers } });
  const metadata = (type: string) => `filename ${Buffer.from('a.wav').toString('base64')},filetype ${Buffer.from(type).toString('base64')}`;

  // Over MAX_UPLOAD_MB (120 on the test app, 500 by default), refused before anything is stored.
  const tooLarge = await create({ 'Upload-Length': String(501 * MB), 'Upload-Metadata': metadata('audio/wav') });
  expect(tooLarge.status).toBe(413);
  expect(((await tooLarge.json()) as { error: { code: string } }).error.code).toBe('payload_too_large:upload');
  // Not an audio type.
  const textType = await create({ 'Upload-Length': '100', 'Upload-Metadata': metadata('text/html') });
  expect(textType.status).toBe(400);
  expect(((await textType.json()) as { error: { code: string } }).error.code).toBe('bad_request:upload');

  // An audio type, but the first bytes are not audio: refused and deleted.
  const error = await runUpload(Buffer.from('<html>'.repeat(100)), { endpoint: ENDPOINT, headers: { cookie: account.cookieHeader }, metadata: audioMetadata() }).catch(
    (failure: tus.DetailedError) => failure,
  );
  expect(error).toBeInstanceOf(tus.DetailedError);
  expect((error as tus.DetailedError).originalResponse?.getStatus()).toBe(415);
  const url = (error as tus.DetailedError).originalRequest.getURL();
  expect((await head(url, account.cookieHeader)).status).toBe(404);
});

test('in the browser, a file past 25 MB goes up resumably: after a reload it continues from the bytes the server stored', async ({ page, account }) => {
  test.setTimeout(240_000);
  const wav = speechLikeWav(840);
  const marker = uniqueMarker();
  const transcribe = new TranscribePage(page);
  const send = async () => {
    await page.getByLabel('Audio file').setInputFiles(wav);
    await page.getByLabel('Prompt (optional)').fill(`${marker} fake:echo fake:delay=0`);
    await page.getByRole('button', { name: 'Transcribe' }).click();
  };
  await transcribe.goto();

  // The upload's URL, and the offset each PATCH starts at, as the browser sends them.
  let uploadUrl: string | undefined;
  const patchOffsets: number[] = [];
  page.on('response', (response) => {
    if (response.request().method() === 'POST' && response.url().endsWith('/api/uploads/resumable')) uploadUrl = new URL(response.headers().location ?? '', APP_BASE_URL).href;
  });
  page.on('request', (request) => {
    if (request.method() === 'PATCH') patchOffsets.push(Number(request.headers()['upload-offset']));
  });
  // When the page asks for the transcription, and when the last byte of the file was stored.
  let transcriptionAskedAt = Number.POSITIVE_INFINITY;
  let lastPatchDoneAt = 0;
  page.on('request', (request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/transcriptions') transcriptionAskedAt = Math.min(transcriptionAskedAt, Date.now());
  });
  page.on('response', (response) => {
    if (response.request().method() === 'PATCH') lastPatchDoneAt = Date.now();
  });

  // A slow uplink, so that the reload falls in the middle of the upload.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 3_000_000 });
  await send();
  await expect.poll(async () => (uploadUrl ? (await head(uploadUrl, account.cookieHeader)).offset : 0), { timeout: 60_000 }).toBeGreaterThan(0);
  await page.reload();
  const stored = (await head(uploadUrl ?? '', account.cookieHeader)).offset;
  expect(stored).toBeLessThan(statSync(wav).size);
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

  // The same file again: the upload resumes at the server's offset instead of starting over.
  patchOffsets.length = 0;
  transcriptionAskedAt = Number.POSITIVE_INFINITY;
  await send();
  await expect(page.getByRole('link', { name: 'Open transcript' })).toBeVisible({ timeout: 120_000 });
  expect(patchOffsets[0]).toBe(stored);
  // After the reload too, the transcription was asked for while the file was still going up (it follows the one already running).
  expect(transcriptionAskedAt).toBeLessThan(lastPatchDoneAt);
  const [request] = await upstreamRequests(marker);
  expect(request?.outcome).toBe('ok');
});
