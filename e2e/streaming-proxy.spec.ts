import { setTimeout as sleep } from 'node:timers/promises';
import { EventSourceParserStream } from 'eventsource-parser/stream';
import { bodyOf, BOUNDARY, fakeAudio, mp3Header, multipart, openRawUpload, type Part, partHead, post, readEvents } from './support/api-client';
import { APP_BASE_URL } from './support/constants';
import { FAKE_TRANSCRIPT } from './support/fake-upstream';
import { expect, test, uniqueMarker, upstreamRequests } from './support/test';

// These tests speak HTTP to the app directly, as an API client (or a hostile one) would.

test('stream=true relays the upstream events as SSE, created first and done last', async ({ account }) => {
  const marker = uniqueMarker();
  const response = await post(
    account.cookieHeader,
    multipart([
      { name: 'stream', value: 'true' },
      { name: 'prompt', value: `${marker} fake:done-marker` },
      { name: 'file', filename: 'a.mp3', data: fakeAudio(4096) },
    ]),
  );
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  expect(response.headers.get('cache-control')).toBe('no-cache, no-transform');
  expect(response.headers.get('x-accel-buffering')).toBe('no');
  const events = await readEvents(response);
  expect(events[0]).toMatchObject({ type: 'transcript.created', id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  const deltas = events.filter((event) => event.type === 'transcript.text.delta');
  expect(deltas.length).toBeGreaterThan(5);
  expect(deltas.map((event) => event.delta).join('')).toBe(FAKE_TRANSCRIPT);
  expect(events.at(-1)).toMatchObject({ type: 'transcript.text.done', text: FAKE_TRANSCRIPT });
});

test('stream=false answers JSON, or plain text with response_format=text', async ({ account }) => {
  const json = await post(account.cookieHeader, multipart([{ name: 'prompt', value: 'fake:delay=0' }, { name: 'file', filename: 'a.mp3', data: fakeAudio(2048) }]));
  expect(json.status).toBe(200);
  expect(await json.json()).toEqual({ id: expect.any(String), text: FAKE_TRANSCRIPT });

  // Fields after the file (as the OpenAI SDK sends them) count too.
  const text = await post(account.cookieHeader, multipart([{ name: 'file', filename: 'a.mp3', data: fakeAudio(2048) }, { name: 'response_format', value: 'text' }, { name: 'prompt', value: 'fake:delay=0' }]));
  expect(text.headers.get('content-type')).toContain('text/plain');
  expect(await text.text()).toBe(FAKE_TRANSCRIPT);
});

for (const [label, filename] of [
  ['quotes and a path', '..%2F..%2Fetc%2Fpasswd"; name="model.mp3'],
  ['traversal', '../../../etc/passwd.mp3'],
  ['unicode', 'Sitzung – Überblick 会議 🎙️.mp3'],
  ['a very long name', `${'a'.repeat(900)}.mp3`],
] as const) {
  test(`only allowed fields reach the upstream, under our own file name and model (${label})`, async ({ account }) => {
    const marker = uniqueMarker();
    const response = await post(
      account.cookieHeader,
      multipart([
        { name: 'model', value: 'attacker-model' },
        { name: 'api_base', value: 'http://attacker.invalid' },
        { name: 'base_url', value: 'http://attacker.invalid' },
        { name: 'user_config[api_key]', value: 'stolen' },
        { name: 'prompt', value: `${marker} fake:delay=0` },
        { name: 'file', filename, data: fakeAudio(1024) },
      ]),
    );
    expect(response.status).toBe(200);
    const [received] = await upstreamRequests(marker);
    expect(received?.fields.model).toBe('vtrix-gpt-4o-transcribe');
    expect(received?.fieldNames.sort()).toEqual(['model', 'prompt', 'response_format', 'stream']);
    expect(received?.file?.filename).toBe('audio.mp3');
  });
}

test('a file name that breaks its part header is a clear 400', async ({ account }) => {
  const response = await post(account.cookieHeader, multipart([{ name: 'file', filename: 'x"; name="model"\r\nContent-Type: text/plain\r\n../../etc/passwd.mp3', data: fakeAudio(1024) }]));
  expect(response.status).toBe(400);
  expect(((await response.json()) as { error: { code: string } }).error.code).toBe('bad_request:transcription');
});

test.describe('refusals', () => {
  test('401 before a byte of the body is read', async () => {
    const upload = openRawUpload('', { 'transfer-encoding': 'chunked' });
    await upload.write(Buffer.from(partHead({ name: 'file', filename: 'a.mp3', data: Buffer.alloc(0) })));
    const response = await upload.response;
    expect(response.statusCode).toBe(401);
    expect(JSON.parse(await bodyOf(response))).toMatchObject({ error: { code: 'unauthorized:auth' } });
    upload.request.destroy();
  });

  test('413 at once when Content-Length is over the limit', async ({ account }) => {
    // Over the test app's MAX_UPLOAD_MB (120).
    const upload = openRawUpload(account.cookieHeader, { 'content-length': 130_000_000 });
    const started = Date.now();
    await upload.write(Buffer.from(partHead({ name: 'file', filename: 'a.mp3', data: Buffer.alloc(0) })));
    const response = await upload.response;
    expect(response.statusCode).toBe(413);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(JSON.parse(await bodyOf(response))).toMatchObject({ error: { code: 'payload_too_large:transcription' } });
    // The server closes the connection instead of draining the 130 MB it refused.
    expect(response.headers.connection).toBe('close');
    const closed = new Promise((resolve) => upload.request.once('close', resolve));
    const chunk = Buffer.alloc(256 * 1024);
    let sent = 0;
    while (!upload.request.destroyed && sent < 130_000_000) {
      await Promise.race([upload.write(chunk), closed]);
      sent += chunk.length;
    }
    expect(sent).toBeLessThan(130_000_000);
  });

  test('413 as soon as a chunked upload passes the limit, before the client has finished, and nothing is kept', async ({ account }) => {
    // The account is shared with other specs: look for this upload's own transcript, by its title,
    // through every page of the list.
    const marker = uniqueMarker();
    const listed = async () => {
      const titles: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
        const page = (await (await fetch(`${APP_BASE_URL}/api/transcriptions?limit=100${query}`, { headers: { cookie: account.cookieHeader } })).json()) as {
          items: { title: string }[];
          nextCursor: string | null;
        };
        titles.push(...page.items.map((item) => item.title));
        cursor = page.nextCursor;
      } while (cursor);
      return titles.includes(marker);
    };
    const upload = openRawUpload(account.cookieHeader, { 'transfer-encoding': 'chunked' });
    await upload.write(Buffer.from(partHead({ name: 'file', filename: `${marker}.mp3`, data: Buffer.alloc(0) })));
    await upload.write(mp3Header);
    const chunk = Buffer.alloc(256 * 1024, 0x55);
    for (let sent = 0; sent < 26_000_000; sent += chunk.length) {
      await upload.write(chunk);
      // While it arrives the upload is a transcript in the list: the lookup below can see one.
      if (sent === 4 * chunk.length) await expect.poll(listed).toBe(true);
    }
    // The body is left unfinished: the answer must not wait for its end.
    const response = await upload.response;
    expect(response.statusCode).toBe(413);
    expect(JSON.parse(await bodyOf(response))).toMatchObject({ error: { code: 'payload_too_large:transcription' } });
    upload.request.destroy();
    expect(await listed()).toBe(false);
  });

  test('415 for content that is not audio, whatever its name', async ({ account }) => {
    const response = await post(account.cookieHeader, multipart([{ name: 'file', filename: 'song.mp3', data: Buffer.from('<html><body>not audio</body></html>') }]));
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ error: { code: 'unsupported_media_type:transcription' } });
  });

  test('400 for bad fields and a missing file', async ({ account }) => {
    for (const parts of [
      [{ name: 'language', value: 'klingon' }, { name: 'file', filename: 'a.mp3', data: fakeAudio(512) }],
      [{ name: 'prompt', value: 'x'.repeat(5000) }, { name: 'file', filename: 'a.mp3', data: fakeAudio(512) }],
      [{ name: 'language', value: 'en' }],
    ] satisfies Part[][]) {
      const response = await post(account.cookieHeader, multipart(parts));
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('bad_request:transcription');
    }
  });
});

test('a slow 20 MB upload reaches the upstream while the client is still sending', async ({ account }) => {
  test.setTimeout(120_000);
  const marker = uniqueMarker();
  const upload = openRawUpload(account.cookieHeader, { 'transfer-encoding': 'chunked' });
  await upload.write(Buffer.from(partHead({ name: 'prompt', value: `${marker} fake:delay=0` }) + partHead({ name: 'file', filename: 'long.mp3', data: Buffer.alloc(0) })));
  await upload.write(mp3Header);
  const total = 20 * 1024 * 1024;
  const chunk = Buffer.alloc(256 * 1024, 0x55);
  for (let sent = mp3Header.length; sent < total; sent += chunk.length) {
    await upload.write(chunk);
    await sleep(40); // ≈ 6 MB/s: a fast connection, but far slower than loopback
  }
  upload.request.end(`\r\n--${BOUNDARY}--\r\n`);
  const clientFinishedAt = Date.now();
  const response = await upload.response;
  expect(response.statusCode).toBe(200);
  expect(JSON.parse(await bodyOf(response))).toMatchObject({ text: FAKE_TRANSCRIPT });

  const [received] = await upstreamRequests(marker);
  expect(received?.file?.bytes).toBeGreaterThan(total - chunk.length);
  const headStart = clientFinishedAt - (received?.firstByteAt ?? Number.POSITIVE_INFINITY);
  expect(headStart, 'the upstream received its first byte this many ms before the client finished').toBeGreaterThan(2_000);
});

test('a client that leaves after the upload still gets its transcript stored', async ({ account }) => {
  const response = await post(account.cookieHeader, multipart([{ name: 'stream', value: 'true' }, { name: 'prompt', value: 'fake:delay=150' }, { name: 'file', filename: 'a.mp3', data: fakeAudio(4096) }]));
  const reader = response.body?.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream()).getReader();
  const first = await reader?.read();
  const { id } = JSON.parse(first?.value?.data ?? '{}') as { id: string };
  await reader?.cancel();

  await expect
    .poll(async () => {
      const details = (await (await fetch(`${APP_BASE_URL}/api/transcriptions/${id}`, { headers: { cookie: account.cookieHeader } })).json()) as { status: string; text: string };
      return `${details.status}: ${details.text}`;
    }, { timeout: 15_000 })
    .toBe(`done: ${FAKE_TRANSCRIPT}`);
});

test('a client that leaves during the upload aborts the upstream request and leaves nothing behind', async ({ account }) => {
  const marker = uniqueMarker();
  const upload = openRawUpload(account.cookieHeader, { 'transfer-encoding': 'chunked' });
  await upload.write(Buffer.from(partHead({ name: 'prompt', value: marker }) + partHead({ name: 'file', filename: 'a.mp3', data: Buffer.alloc(0) })));
  await upload.write(fakeAudio(512 * 1024));
  await expect.poll(async () => (await upstreamRequests(marker))[0]?.bodyBytes ?? 0).toBeGreaterThan(0);
  upload.request.destroy();
  upload.response.catch(() => undefined);
  await expect.poll(async () => (await upstreamRequests(marker))[0]?.outcome, { timeout: 10_000 }).toBe('client-aborted');
});

test('a unicode file name becomes a readable title', async ({ account }) => {
  const response = await post(account.cookieHeader, multipart([{ name: 'prompt', value: 'fake:delay=0' }, { name: 'file', filename: 'Sitzung – Überblick 会議.mp3', data: fakeAudio(1024) }]));
  const { id } = (await response.json()) as { id: string };
  const details = (await (await fetch(`${APP_BASE_URL}/api/transcriptions/${id}`, { headers: { cookie: account.cookieHeader } })).json()) as { title: string };
  expect(details.title).toBe('Sitzung – Überblick 会議');
});
