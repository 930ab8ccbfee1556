import { createReadStream, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import OpenAI, { APIError, AuthenticationError, BadRequestError, NotFoundError, RateLimitError, toFile } from 'openai';
import { BOUNDARY, fakeAudio, multipart, partHead } from './support/api-client';
import { createApiKey, revokeApiKey } from './support/api-keys';
import { APP_BASE_URL, E2E_SERVER_LOG } from './support/constants';
import { FAKE_TRANSCRIPT } from './support/fake-upstream';
import { expect, fixturePath, registerAccount, test, uniqueMarker, upstreamRequests } from './support/test';

// The /v1 API read by OpenAI's official client, against the running app and the fake upstream.

const TRANSCRIPT_ID = /^[0-9a-f-]{36}$/;
/** Every key this spec creates: none may reach the server log. */
const keysSeen: string[] = [];

async function newKey(cookie: string, name: string) {
  const created = await createApiKey(cookie, name);
  keysSeen.push(created.key);
  return created;
}

const clientWith = (apiKey: string) => new OpenAI({ baseURL: `${APP_BASE_URL}/v1`, apiKey, maxRetries: 0 });

async function historyOf(cookie: string, query = '') {
  const response = await fetch(`${APP_BASE_URL}/api/transcriptions?limit=100${query}`, { headers: { cookie } });
  return ((await response.json()) as { items: { id: string; title: string; source: unknown }[] }).items;
}

test('json and text answers, a file from fs.createReadStream and from toFile; each transcript lands in the history as "API · key name"', async ({ account }) => {
  const marker = uniqueMarker();
  const name = `Notes script ${marker}`;
  const { key, id: keyId } = await newKey(account.cookieHeader, name);

  // The README's example.
  const client = new OpenAI({ baseURL: `${APP_BASE_URL}/v1`, apiKey: key });
  const json = await client.audio.transcriptions.create({ file: createReadStream(fixturePath('speech.mp3')), model: 'whisper-1', prompt: `${marker} fake:delay=0` });

  expect(json).toEqual({ text: FAKE_TRANSCRIPT, usage: expect.objectContaining({ type: 'tokens' }), id: expect.stringMatching(TRANSCRIPT_ID) });
  const { id } = json as typeof json & { id: string };

  const { data: text, response } = await client.audio.transcriptions
    .create({ file: await toFile(readFileSync(fixturePath('speech.m4a')), 'speech.m4a'), model: 'gpt-4o-transcribe', response_format: 'text', prompt: `${marker} fake:delay=0` })
    .withResponse();
  expect(text).toBe(`${FAKE_TRANSCRIPT}\n`);
  const textId = response.headers.get('x-verbatim-transcript-id') ?? '';
  expect(textId).toMatch(TRANSCRIPT_ID);

  // The upstream got the audio and the server's own model, whatever name the client sent.
  const received = await upstreamRequests(marker);
  expect(received).toHaveLength(2);
  for (const each of received) expect(each.fields.model).toBe('vtrix-gpt-4o-transcribe');

  const details = (await (await fetch(`${APP_BASE_URL}/api/transcriptions/${id}`, { headers: { cookie: account.cookieHeader } })).json()) as Record<string, unknown>;
  expect(details).toMatchObject({ status: 'done', text: FAKE_TRANSCRIPT, title: 'speech', audioType: 'audio/mpeg', source: { kind: 'api', keyId, keyName: name } });
  const audio = await fetch(`${APP_BASE_URL}/api/transcriptions/${id}/audio`, { headers: { cookie: account.cookieHeader } });
  expect(Buffer.from(await audio.arrayBuffer()).equals(readFileSync(fixturePath('speech.mp3')))).toBe(true);
  const fromApi = await historyOf(account.cookieHeader, '&source=api');
  expect(fromApi.map((item) => item.id)).toEqual(expect.arrayContaining([id, textId]));
  expect((await historyOf(account.cookieHeader, '&source=upload')).map((item) => item.id)).not.toContain(id);
});

test('stream=true is exactly OpenAI’s event stream: deltas, then done with usage, nothing of ours', async ({ account }) => {
  const marker = uniqueMarker();
  const { key } = await newKey(account.cookieHeader, `Streamer ${marker}`);
  const stream = await clientWith(key).audio.transcriptions.create({
    file: await toFile(readFileSync(fixturePath('speech.mp3')), 'speech.mp3'),
    model: 'gpt-4o-mini-transcribe',
    stream: true,
    prompt: `${marker} fake:delay=5`,
    // Accepted and ignored, as by a model that has no use for them.
    temperature: 0.2,
    include: ['logprobs'],
  });
  const events: { type: string; delta?: string; text?: string; usage?: unknown }[] = [];
  for await (const event of stream) events.push(event);
  const done = events.at(-1);
  expect(done).toEqual({ type: 'transcript.text.done', text: FAKE_TRANSCRIPT, usage: expect.objectContaining({ type: 'tokens', total_tokens: expect.any(Number) }) });
  const deltas = events.slice(0, -1);
  expect(deltas.length).toBeGreaterThan(3);
  expect(deltas.every((event) => event.type === 'transcript.text.delta')).toBe(true);
  expect(deltas.map((event) => event.delta).join('')).toBe(FAKE_TRANSCRIPT);

  // On the wire: the transcript's id in a header, no event of ours.
  const raw = await fetch(`${APP_BASE_URL}/v1/audio/transcriptions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    body: new Uint8Array(
      multipart([
        { name: 'file', filename: 'a.mp3', data: fakeAudio(4096) },
        { name: 'model', value: 'whisper-1' },
        { name: 'stream', value: 'true' },
        { name: 'prompt', value: `${marker} fake:delay=0` },
      ]),
    ),
  });
  expect(raw.headers.get('content-type')).toContain('text/event-stream');
  expect(raw.headers.get('x-verbatim-transcript-id')).toMatch(TRANSCRIPT_ID);
  const body = await raw.text();
  const payloads = [...body.matchAll(/^data: (.*)$/gm)].map((match) => JSON.parse(match[1] ?? '') as { type: string });
  expect(new Set(payloads.map((payload) => payload.type))).toEqual(new Set(['transcript.text.delta', 'transcript.text.done']));
  expect(body).not.toMatch(/transcript\.created|transcript\.waiting|"id"/);
});

test('refusals raise the client’s typed errors: revoked key, unknown model, timed formats; models are listed', async ({ account }) => {
  const { key, id } = await newKey(account.cookieHeader, 'Soon revoked');
  const client = clientWith(key);
  const file = async () => toFile(fakeAudio(2048), 'a.mp3');

  const models = await client.models.list();
  expect(models.data.map((model) => model.id)).toEqual(['vtrix-gpt-4o-transcribe', 'whisper-1', 'gpt-4o-transcribe', 'gpt-4o-mini-transcribe']);
  expect(models.data[0]).toMatchObject({ object: 'model', owned_by: 'verbatim' });

  await expect(client.audio.transcriptions.create({ file: await file(), model: 'gpt-5-turbo-transcribe' })).rejects.toMatchObject({
    constructor: NotFoundError,
    status: 404,
    code: 'model_not_found',
    param: 'model',
  });
  await expect(client.audio.transcriptions.create({ file: await file(), model: 'whisper-1', response_format: 'srt' })).rejects.toMatchObject({
    constructor: BadRequestError,
    code: 'unsupported_value',
    param: 'response_format',
  });
  await expect(client.audio.transcriptions.create({ file: await toFile(Buffer.from('not audio at all'), 'a.mp3'), model: 'whisper-1' })).rejects.toMatchObject({
    constructor: BadRequestError,
    param: 'file',
  });
  await expect(clientWith(`vb_${'x'.repeat(43)}`).models.list()).rejects.toBeInstanceOf(AuthenticationError);

  expect((await revokeApiKey(account.cookieHeader, id)).status).toBe(204);
  await expect(client.audio.transcriptions.create({ file: await file(), model: 'whisper-1' })).rejects.toMatchObject({ constructor: AuthenticationError, status: 401, code: 'invalid_api_key' });
  await expect(client.models.list()).rejects.toBeInstanceOf(AuthenticationError);
});

test('the in-flight limit raises RateLimitError with Retry-After', async ({ browser }) => {
  const user = await registerAccount(browser, 'api-limit');
  const { key } = await newKey(user.cookieHeader, 'Busy script');
  const stop = new AbortController();
  // The e2e server allows 4 at once: four slow streams hold every slot.
  const running = await Promise.all(
    Array.from({ length: 4 }, () =>
      fetch(`${APP_BASE_URL}/v1/audio/transcriptions`, {
        method: 'POST',
        signal: stop.signal,
        headers: { authorization: `Bearer ${key}`, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
        body: new Uint8Array(multipart([{ name: 'model', value: 'whisper-1' }, { name: 'stream', value: 'true' }, { name: 'prompt', value: 'fake:delay=1000' }, { name: 'file', filename: 'a.mp3', data: fakeAudio(2048) }])),
      }),
    ),
  );
  expect(running.map((response) => response.status)).toEqual([200, 200, 200, 200]);
  try {
    const refused = clientWith(key).audio.transcriptions.create({ file: await toFile(fakeAudio(2048), 'a.mp3'), model: 'whisper-1' });
    await expect(refused).rejects.toBeInstanceOf(RateLimitError);
    const error = (await refused.catch((caught: unknown) => caught)) as RateLimitError;
    expect(error).toMatchObject({ status: 429, code: 'rate_limit_exceeded', type: 'requests' });
    expect(Number(error.headers?.get('retry-after'))).toBeGreaterThan(0);
  } finally {
    stop.abort();
  }
});

test('a 26 MB file is refused with 413 before the server reads it', async ({ account }) => {
  const { key } = await newKey(account.cookieHeader, 'Big files');
  const big = clientWith(key).audio.transcriptions.create({ file: await toFile(fakeAudio(26 * 1024 * 1024), 'big.mp3'), model: 'whisper-1' });
  await expect(big).rejects.toMatchObject({ constructor: APIError, status: 413, code: 'request_too_large', param: 'file' });

  // Declared 26 MB, sent 64 KB: the answer comes without the rest of the body, and nothing is kept.
  const url = new URL('/v1/audio/transcriptions', APP_BASE_URL);
  const declared = 26 * 1024 * 1024;
  const upload = httpRequest({
    host: url.hostname,
    port: url.port,
    path: url.pathname,
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, 'content-length': declared },
  });
  const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
    upload.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    upload.on('error', reject);
  });
  upload.write(Buffer.concat([Buffer.from(partHead({ name: 'file', filename: 'big.mp3', data: Buffer.alloc(0) })), fakeAudio(64 * 1024)]));
  const { status, body } = await answered;
  upload.destroy();
  expect(status).toBe(413);
  expect(JSON.parse(body)).toMatchObject({ error: { code: 'request_too_large', type: 'invalid_request_error' } });
  expect((await historyOf(account.cookieHeader)).map((item) => item.title)).not.toContain('big');
});

test('a key reads and writes only its own user’s history, and opens nothing but /v1', async ({ account, otherAccount }) => {
  const marker = uniqueMarker();
  const { key } = await newKey(account.cookieHeader, `A's key ${marker}`);
  const made = (await clientWith(key).audio.transcriptions.create({ file: await toFile(fakeAudio(2048), `${marker}.mp3`), model: 'whisper-1', prompt: 'fake:delay=0' })) as { id?: string };
  expect(made.id).toMatch(TRANSCRIPT_ID);
  expect((await historyOf(account.cookieHeader)).map((item) => item.id)).toContain(made.id);
  expect((await historyOf(otherAccount.cookieHeader)).map((item) => item.title)).not.toContain(marker);
  const othersTranscript = (await (await fetch(`${APP_BASE_URL}/api/transcriptions/${made.id}`, { headers: { cookie: otherAccount.cookieHeader } })).json()) as unknown;
  expect(othersTranscript).toMatchObject({ error: { code: 'not_found:transcript' } });

  const bearer = { authorization: `Bearer ${key}` };
  for (const path of ['/api/transcriptions', `/api/transcriptions/${made.id}`, `/api/transcriptions/${made.id}/audio`, '/api/keys']) {
    const response = await fetch(`${APP_BASE_URL}${path}`, { headers: bearer });
    expect(response.status, path).toBe(401);
    expect(await response.text()).not.toContain(FAKE_TRANSCRIPT);
  }
  const upload = await fetch(`${APP_BASE_URL}/api/transcriptions`, {
    method: 'POST',
    headers: { ...bearer, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    body: new Uint8Array(multipart([{ name: 'file', filename: 'a.mp3', data: fakeAudio(2048) }])),
  });
  expect(upload.status).toBe(401);
  for (const path of ['/', '/history', `/transcripts/${made.id}`, '/settings']) {
    const page = await fetch(`${APP_BASE_URL}${path}`, { headers: bearer, redirect: 'manual' });
    expect(page.status, path).toBe(307);
    expect(page.headers.get('location')).toContain('/sign-in');
  }
});

test('keys reach no log, error body or page', async ({ account }) => {
  const { key, id } = await newKey(account.cookieHeader, 'Canary');
  const bodies: string[] = [];
  const client = clientWith(key);
  await client.audio.transcriptions.create({ file: await toFile(fakeAudio(2048), 'a.mp3'), model: 'whisper-1', prompt: 'fake:status=500 fake:fail-times=0' }).catch(() => undefined);
  for (const model of ['nope', key]) {
    const response = await fetch(`${APP_BASE_URL}/v1/audio/transcriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      body: new Uint8Array(multipart([{ name: 'model', value: model === key ? 'whisper-1' : model }, { name: 'file', filename: 'a.txt', data: Buffer.from('text') }])),
    });
    bodies.push(await response.text());
  }
  bodies.push(await (await fetch(`${APP_BASE_URL}/v1/models`, { headers: { authorization: `Bearer ${key.slice(0, -1)}Z` } })).text());
  bodies.push(await (await fetch(`${APP_BASE_URL}/api/keys`, { headers: { cookie: account.cookieHeader } })).text());
  bodies.push(await (await fetch(`${APP_BASE_URL}/settings`, { headers: { cookie: account.cookieHeader } })).text());
  bodies.push(await (await fetch(`${APP_BASE_URL}/settings`, { headers: { cookie: account.cookieHeader, rsc: '1' } })).text());
  await revokeApiKey(account.cookieHeader, id);
  bodies.push(await (await fetch(`${APP_BASE_URL}/v1/models`, { headers: { authorization: `Bearer ${key}` } })).text());
  for (const body of bodies) expect(body).not.toContain(key.slice(10));
  expect(bodies.join('')).toContain(key.slice(0, 10));

  const log = readFileSync(E2E_SERVER_LOG, 'utf8');
  for (const seen of keysSeen) expect(log).not.toContain(seen.slice(10));
});
