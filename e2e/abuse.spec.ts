import { createServer, type Server } from 'node:http';
import { bodyOf, BOUNDARY, fakeAudio, multipart, openRawUpload, type Part, partHead } from './support/api-client';
import { type AppInstance, startAppInstance } from './support/app-instance';
import { freePort } from './support/free-port';
import { type Account, expect, registerAccount, test } from './support/test';

// Hostile and broken input through the API: each one a clear 4xx with a stable code, none of
// them leaving a transcript or reaching the upstream. The spec runs an instance of its own whose
// upstream is a listener that only counts: whatever reaches it came from these requests, however
// their bodies were built.

type BadInput = {
  name: string;
  status: number;
  code: string;
  /** Parts of a well-formed multipart body, or the raw body and content type. */
  parts?: Part[];
  raw?: { body: Buffer | string; contentType?: string; headers?: Record<string, string> };
};

const file = (data: Buffer | string, filename = 'audio.mp3'): Part => ({ name: 'file', filename, data: Buffer.from(data) });
const withAudio = (...parts: Part[]): Part[] => [...parts, file(fakeAudio(1024))];
const bytes = (...values: number[]) => Buffer.from(values);
const notAudio = (name: string, data: Buffer | string, filename: string): BadInput => ({
  name: `not audio: ${name} named ${filename}`,
  status: 415,
  code: 'unsupported_media_type:transcription',
  parts: [file(data, filename)],
});
const badField = (name: string, value: string): BadInput => ({
  name: `bad field: ${name}=${JSON.stringify(value.length > 40 ? `${value.slice(0, 20)}…(${value.length})` : value)}`,
  status: 400,
  code: 'bad_request:transcription',
  parts: withAudio({ name, value }),
});
const wrongType = (contentType: string | undefined, body: string): BadInput => ({
  name: `wrong content type: ${contentType ?? 'none'}`,
  status: 415,
  code: 'unsupported_media_type:transcription',
  raw: { body, contentType },
});
const malformed = (name: string, body: string, contentType = `multipart/form-data; boundary=${BOUNDARY}`): BadInput => ({
  name: `malformed multipart: ${name}`,
  status: 400,
  code: 'bad_request:transcription',
  raw: { body, contentType },
});

const BAD_INPUTS: BadInput[] = [
  notAudio('plain text', 'just some words, not a recording', 'talk.mp3'),
  notAudio('HTML', '<!doctype html><script>alert(1)</script>', 'talk.webm'),
  notAudio('JSON', '{"text":"hello"}', 'talk.wav'),
  notAudio('PNG', bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52), 'talk.wav'),
  notAudio('PDF', '%PDF-1.7\n%âãÏÓ\n1 0 obj', 'talk.m4a'),
  notAudio('ZIP', bytes(0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0, 8, 0), 'talk.mp3'),
  notAudio('ELF executable', bytes(0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0), 'talk.ogg'),
  notAudio('AAC ADTS (not accepted upstream)', bytes(0xff, 0xf1, 0x50, 0x80, 0x02, 0x1f, 0xfc, 0, 0, 0), 'talk.aac.mp3'),
  notAudio('Matroska video (EBML, not WebM)', Buffer.concat([bytes(0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x88), Buffer.from('matroska')]), 'talk.webm'),
  notAudio('RIFF that is not WAVE', Buffer.from('RIFF\x24\x00\x00\x00AVI LIST'), 'talk.wav'),
  notAudio('truncated header (2 bytes of ID3)', 'ID', 'talk.mp3'),
  notAudio('truncated MP4 header (ftyp without brand)', Buffer.concat([bytes(0, 0, 0, 0x18), Buffer.from('ftyp')]), 'talk.m4a'),
  notAudio('corrupt Ogg magic', 'OggX\x00\x02\x00\x00\x00\x00', 'talk.ogg'),
  { name: 'empty (0-byte) file', status: 400, code: 'bad_request:transcription', parts: [file('')] },
  { name: 'missing file', status: 400, code: 'bad_request:transcription', parts: [{ name: 'language', value: 'en' }] },
  { name: 'file under another field name', status: 400, code: 'bad_request:transcription', parts: [{ name: 'audio', filename: 'a.mp3', data: fakeAudio(512) }] },
  { name: 'two files', status: 400, code: 'bad_request:transcription', parts: [file(fakeAudio(512)), file(fakeAudio(512), 'b.mp3')] },
  { name: 'a second file under another name', status: 400, code: 'bad_request:transcription', parts: [{ name: 'extra', filename: 'x.mp3', data: fakeAudio(64) }, file(fakeAudio(512))] },
  { name: 'file name that breaks out of its header', status: 400, code: 'bad_request:transcription', parts: [file(fakeAudio(512), 'x"; name="model"\r\nContent-Type: text/plain\r\n../x.mp3')] },
  { name: 'too many fields', status: 400, code: 'bad_request:transcription', parts: withAudio(...Array.from({ length: 30 }, (_, index) => ({ name: `f${index}`, value: 'x' }))) },
  badField('language', 'klingon'),
  badField('language', 'e'),
  badField('language', 'en-US'),
  badField('language', 'en_GB'),
  badField('language', '<script>'),
  badField('language', "en' OR 1=1 --"),
  badField('language', '12'),
  badField('prompt', 'x'.repeat(1001)),
  badField('prompt', 'y'.repeat(20_000)),
  badField('response_format', 'xml'),
  badField('response_format', 'verbose_json'),
  badField('stream', 'yes'),
  badField('stream', '1'),
  wrongType('application/json', JSON.stringify({ file: 'aGVsbG8=', language: 'en' })),
  wrongType('text/plain', 'hello'),
  wrongType('application/x-www-form-urlencoded', 'file=hello&language=en'),
  wrongType('audio/mpeg', 'ID3\x04\x00\x00\x00\x00\x00\x00'),
  wrongType('multipart/mixed; boundary=x', '--x\r\n\r\nhello\r\n--x--\r\n'),
  wrongType(undefined, 'hello'),
  malformed('no boundary parameter', `--${BOUNDARY}\r\n\r\n`, 'multipart/form-data'),
  malformed('body uses another boundary', `--other\r\nContent-Disposition: form-data; name="file"; filename="a.mp3"\r\n\r\nID3\x04\x00\x00\x00\r\n--other--\r\n`),
  malformed('garbage body', 'this is not multipart at all'),
  malformed('part without Content-Disposition', `--${BOUNDARY}\r\nContent-Type: audio/mpeg\r\n\r\nID3\x04\x00\x00\x00\x00\x00\x00\r\n--${BOUNDARY}--\r\n`),
  malformed('empty body', ''),
  {
    name: 'oversize with Content-Length',
    status: 413,
    code: 'payload_too_large:transcription',
    raw: { body: partHead({ name: 'file', filename: 'a.mp3', data: Buffer.alloc(0) }), headers: { 'x-declared-length': '30000000' } },
  },
];

let upstream: Server;
const upstreamHeard: string[] = [];
let app: AppInstance;
let account: Account;
test.beforeAll(async ({ browser }) => {
  upstream = createServer((request, response) => {
    upstreamHeard.push(`${request.method ?? ''} ${request.url ?? ''}`);
    request.resume();
    response.writeHead(500).end();
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const address = upstream.address();
  const upstreamPort = address && typeof address === 'object' ? address.port : 0;
  app = await startAppInstance({ name: 'abuse', port: await freePort(), env: { TRANSCRIBE_BASE_URL: `http://127.0.0.1:${upstreamPort}/v1` } });
  account = await registerAccount(browser, 'abuse', app.baseUrl);
});
test.afterAll(async () => {
  await app?.stop();
  await new Promise((resolve) => upstream?.close(resolve));
});

async function send(input: BadInput) {
  const headers: Record<string, string> = { cookie: account.cookieHeader };
  let body: Buffer;
  if (input.parts) {
    body = multipart(input.parts);
    headers['content-type'] = `multipart/form-data; boundary=${BOUNDARY}`;
  } else {
    body = Buffer.from(input.raw?.body ?? '');
    if (input.raw?.contentType) headers['content-type'] = input.raw.contentType;
  }
  const declared = input.raw?.headers?.['x-declared-length'];
  if (declared) {
    // A lying Content-Length: the answer must come from the header alone.
    const upload = openRawUpload(account.cookieHeader, { 'content-length': declared }, app.baseUrl);
    await upload.write(body);
    const response = await upload.response;
    const text = await bodyOf(response);
    upload.request.destroy();
    return { status: response.statusCode ?? 0, text, retryAfter: undefined };
  }
  const response = await fetch(`${app.baseUrl}/api/transcriptions`, { method: 'POST', headers, body: new Uint8Array(body) });
  return { status: response.status, text: await response.text(), retryAfter: response.headers.get('retry-after') };
}

test.describe('bad input through the API', () => {
  for (const input of BAD_INPUTS) {
    test(`${input.status} ${input.code}: ${input.name}`, async () => {
      const { status, text } = await send(input);
      expect(status).toBe(input.status);
      const body = JSON.parse(text) as { error: { code: string; message: string } };
      expect(body.error.code).toBe(input.code);
      expect(body.error.message.length).toBeGreaterThan(10);
      expect(upstreamHeard).toEqual([]);
    });
  }

  test('oversize without Content-Length (chunked) is 413 before the client has finished', async () => {
    test.setTimeout(60_000);
    const upload = openRawUpload(account.cookieHeader, { 'transfer-encoding': 'chunked' }, app.baseUrl);
    await upload.write(Buffer.from(partHead({ name: 'file', filename: 'a.mp3', data: Buffer.alloc(0) })));
    await upload.write(fakeAudio(16));
    const chunk = Buffer.alloc(256 * 1024, 0x55);
    let answered = false;
    void upload.response.then(() => (answered = true));
    for (let sent = 0; sent < 26_000_000 && !answered; sent += chunk.length) await upload.write(chunk);
    const response = await upload.response;
    expect(response.statusCode).toBe(413);
    expect(JSON.parse(await bodyOf(response))).toMatchObject({ error: { code: 'payload_too_large:transcription' } });
    upload.request.destroy();
  });

  test('a header too large for the server is refused with 431', async () => {
    const response = await fetch(`${app.baseUrl}/api/transcriptions`, {
      method: 'POST',
      headers: { cookie: account.cookieHeader, 'x-padding': 'a'.repeat(64 * 1024), 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      body: new Uint8Array(multipart([file(fakeAudio(512))])),
    }).catch((error: unknown) => error);
    // Node's HTTP parser answers 431 before the app runs (or closes the socket mid-send).
    if (response instanceof Response) expect(response.status).toBe(431);
    else expect(String((response as Error).cause ?? response)).toMatch(/socket|closed|reset|ECONNRESET|other side/i);
  });

  test('none of the bad inputs left a transcript behind', async () => {
    const list = (await (await fetch(`${app.baseUrl}/api/transcriptions?limit=100`, { headers: { cookie: account.cookieHeader } })).json()) as { items: unknown[] };
    expect(list.items).toEqual([]);
  });
});

test.describe('requests that must not pass the session or the origin check', () => {
  const cases: { name: string; status: number; code: string; init: () => RequestInit; path?: string }[] = [
    { name: 'no session', status: 401, code: 'unauthorized:auth', init: () => ({ method: 'POST', body: 'x' }) },
    { name: 'a forged session cookie', status: 401, code: 'unauthorized:auth', init: () => ({ method: 'POST', headers: { cookie: 'authjs.session-token=eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.' }, body: 'x' }) },
    {
      name: 'x-middleware-subrequest without a session',
      status: 401,
      code: 'unauthorized:auth',
      init: () => ({ method: 'POST', headers: { 'x-middleware-subrequest': 'proxy:proxy:proxy:proxy:proxy:middleware:middleware:middleware:middleware:middleware' }, body: 'x' }),
    },
    { name: 'a cross-site Origin', status: 403, code: 'forbidden:origin', init: () => ({ method: 'POST', headers: { cookie: account.cookieHeader, origin: 'https://evil.example' }, body: 'x' }) },
    { name: 'Origin: null (sandboxed frame)', status: 403, code: 'forbidden:origin', init: () => ({ method: 'POST', headers: { cookie: account.cookieHeader, origin: 'null' }, body: 'x' }) },
    { name: 'Sec-Fetch-Site: cross-site', status: 403, code: 'forbidden:origin', init: () => ({ method: 'POST', headers: { cookie: account.cookieHeader, 'sec-fetch-site': 'cross-site' }, body: 'x' }) },
    {
      name: 'a cross-site DELETE of a transcript',
      status: 403,
      code: 'forbidden:origin',
      path: '/api/transcriptions/00000000-0000-4000-8000-000000000000',
      init: () => ({ method: 'DELETE', headers: { cookie: account.cookieHeader, origin: 'https://evil.example' } }),
    },
    {
      name: 'a cross-site share',
      status: 403,
      code: 'forbidden:origin',
      path: '/api/transcriptions/00000000-0000-4000-8000-000000000000/share',
      init: () => ({ method: 'POST', headers: { cookie: account.cookieHeader, origin: 'https://evil.example' } }),
    },
    {
      name: 'a cross-site cancel',
      status: 403,
      code: 'forbidden:origin',
      path: '/api/transcriptions/00000000-0000-4000-8000-000000000000/cancel',
      init: () => ({ method: 'POST', headers: { cookie: account.cookieHeader, origin: 'https://evil.example' } }),
    },
    {
      // Another site must not make the app announce a shared file (the service worker not running yet).
      name: 'a cross-site POST to the share target',
      status: 403,
      code: 'forbidden:origin',
      path: '/share-target',
      init: () => ({ method: 'POST', headers: { cookie: account.cookieHeader, origin: 'https://evil.example' }, body: 'x' }),
    },
    { name: 'an unbounded page size', status: 400, code: 'bad_request:api', path: '/api/transcriptions?limit=100000', init: () => ({ headers: { cookie: account.cookieHeader } }) },
    { name: 'a forged cursor', status: 400, code: 'bad_request:api', path: '/api/transcriptions?cursor=bm90LWEtY3Vyc29y', init: () => ({ headers: { cookie: account.cookieHeader } }) },
    { name: 'a transcript id that is not a UUID', status: 404, code: 'not_found:transcript', path: '/api/transcriptions/..%2F..%2Fetc%2Fpasswd', init: () => ({ headers: { cookie: account.cookieHeader } }) },
  ];
  for (const { name, status, code, init, path = '/api/transcriptions' } of cases) {
    test(`${status} ${code}: ${name}`, async () => {
      const response = await fetch(`${app.baseUrl}${path}`, init());
      expect(response.status).toBe(status);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
    });
  }

  test('a same-origin request from the app passes the origin check', async () => {
    const response = await fetch(`${app.baseUrl}/api/transcriptions/00000000-0000-4000-8000-000000000000/share`, {
      method: 'POST',
      headers: { cookie: account.cookieHeader, origin: app.baseUrl, 'sec-fetch-site': 'same-origin' },
    });
    expect(response.status).toBe(404);
  });
});
