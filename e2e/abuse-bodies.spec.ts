import { readdirSync, readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { type AppInstance, startAppInstance } from './support/app-instance';
import { APP_BASE_URL, SPARE_APP_PORTS } from './support/constants';
import { createShareLink, createTranscript } from './support/transcripts';
import { expect, signedOut, test, uniqueMarker } from './support/test';

// Request bodies are capped everywhere: 64 KB for every request but an upload (1.1 MB for a
// transcript edit), refused with 413 from Content-Length or by counting a chunked body, on the
// Auth.js routes and server actions too. Without the cap one anonymous 300 MB POST took the
// server from 180 MB to 1 GB resident.

const MB = 1024 * 1024;

/** Resident memory of a process and its children (next start may run the server in a child). */
function residentBytes(rootPid: number) {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // The process ended meanwhile.
    }
  }
  const tree = new Set([rootPid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, parent] of parentOf) {
      if (tree.has(parent) && !tree.has(pid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  let total = 0;
  for (const pid of tree) {
    try {
      const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      total += Number(kb ?? 0) * 1024;
    } catch {
      // Gone.
    }
  }
  return total;
}

/**
 * Sends up to `totalBytes` (declared or chunked) as fast as the server takes them, and stops
 * at the first answer. Returns the status and how much was sent before it came.
 */
async function flood(baseUrl: string, path: string, { totalBytes, chunked }: { totalBytes: number; chunked: boolean }) {
  const url = new URL(path, baseUrl);
  const request = httpRequest({
    host: url.hostname,
    port: url.port,
    path: url.pathname,
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(totalBytes) }),
    },
  });
  let answer: IncomingMessage | undefined;
  const answered = new Promise<IncomingMessage>((resolve, reject) => {
    request.on('response', (response) => resolve((answer = response)));
    request.on('error', reject);
  });
  answered.catch(() => undefined);
  const chunk = Buffer.alloc(256 * 1024, 'a');
  let sent = 0;
  while (sent < totalBytes && !answer && !request.destroyed) {
    const accepted = request.write(chunk);
    sent += chunk.length;
    if (!accepted) await Promise.race([new Promise((resolve) => request.once('drain', resolve)), answered.catch(() => undefined)]);
  }
  // A body small enough to be read whole is ended, so that it gets its answer.
  if (!answer && !request.destroyed) request.end();
  const response = await answered;
  let body = '';
  for await (const part of response) body += String(part);
  request.destroy();
  return { status: response.statusCode ?? 0, body, sentBytes: sent };
}

test.describe('a 300 MB anonymous POST', () => {
  // Each flood pushes 300 MB through loopback: slow on a loaded machine.
  test.describe.configure({ mode: 'serial', timeout: 240_000 });
  let app: AppInstance;
  test.beforeAll(async () => {
    app = await startAppInstance({ name: 'bodies', port: SPARE_APP_PORTS[3] });
  });
  test.afterAll(async () => app.stop());

  async function expectRefusedWithoutGrowth(path: string, options: { chunked: boolean }) {
    // Loaded and warm first: the route's first request loads its code.
    for (let index = 0; index < 3; index++) await flood(app.baseUrl, path, { totalBytes: 1024, ...options });
    const before = residentBytes(app.pid);
    const { status, body, sentBytes } = await flood(app.baseUrl, path, { totalBytes: 300 * MB, ...options });
    const after = residentBytes(app.pid);
    expect(status).toBe(413);
    expect(sentBytes).toBeLessThan(300 * MB);
    expect(after - before, `resident memory grew by ${((after - before) / MB).toFixed(1)} MB`).toBeLessThan(20 * MB);
    return body;
  }

  test('to the credentials callback with Content-Length is refused with 413 before it is read', async () => {
    const body = await expectRefusedWithoutGrowth('/api/auth/callback/credentials', { chunked: false });
    expect(JSON.parse(body)).toMatchObject({ error: { code: 'payload_too_large:request' } });
  });

  test('to the credentials callback, chunked, is refused with 413 once it passes 64 KB', async () => {
    const body = await expectRefusedWithoutGrowth('/api/auth/callback/credentials', { chunked: true });
    expect(JSON.parse(body)).toMatchObject({ error: { code: 'payload_too_large:request' } });
  });

  test('to the sign-in server action is refused once past 64 KB', async ({ browser }) => {
    // The action's request as the sign-in form sends it.
    const context = await browser.newContext({ baseURL: app.baseUrl, storageState: signedOut });
    const page = await context.newPage();
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill('nobody@example.test');
    await page.getByLabel('Password').fill('not the password');
    const [submitted] = await Promise.all([page.waitForRequest((request) => request.method() === 'POST'), page.getByRole('button', { name: 'Sign in' }).click()]);
    const sent = submitted.headers();
    const form = submitted.postDataBuffer() ?? Buffer.alloc(0);
    await context.close();
    const boundary = /boundary=(.+)$/.exec(sent['content-type'] ?? '')?.[1] ?? '';
    const headers = { 'next-action': sent['next-action'] ?? '', 'next-router-state-tree': sent['next-router-state-tree'] ?? '', accept: 'text/x-component' };
    expect(headers['next-action']).toBeTruthy();

    // The same action with a field of padding: within the cap it runs, past it Next refuses it.
    const withPadding = (bytes: number) => {
      const end = form.lastIndexOf(`--${boundary}--`);
      const pad = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="pad"\r\n\r\n${'p'.repeat(bytes)}\r\n`);
      return fetch(`${app.baseUrl}/sign-in`, {
        method: 'POST',
        headers: { ...headers, 'content-type': sent['content-type'] ?? '' },
        body: Buffer.concat([form.subarray(0, end), pad, form.subarray(end)]),
      });
    };
    expect((await withPadding(1024)).status).toBe(200);
    // Next 16 stops reading at serverActions.bodySizeLimit and answers 500 (not 413: a TODO in
    // its action handler); the default limit, 1 MB, would have run this one. A page route's body
    // passes through proxy.ts's clone first, which holds at most proxyClientMaxBodySize and drops
    // the rest, but waits for the end of the body before the action runs: a 300 MB flood through
    // it took minutes on a loaded machine, so it is not part of the suite.
    expect((await withPadding(100 * 1024)).status).toBeGreaterThanOrEqual(400);
  });
});

test.describe('every JSON route caps its body', () => {
  let transcriptId: string;
  let linkId: string;
  test.beforeAll(async ({ browser, account }) => {
    const context = await browser.newContext({ storageState: account.storageStatePath });
    const created = await createTranscript(context.request, { title: `Caps ${uniqueMarker()}`, prompt: 'fake:delay=0' });
    transcriptId = created.id;
    linkId = (await createShareLink(context.request, transcriptId)).link.id;
    await context.close();
  });

  const KB64 = 64 * 1024;
  const routes: { name: string; method: string; path: () => string; cap: number }[] = [
    { name: 'transcript edit', method: 'PATCH', path: () => `/api/transcriptions/${transcriptId}`, cap: 1_100_000 },
    { name: 'share', method: 'POST', path: () => `/api/transcriptions/${transcriptId}/share`, cap: KB64 },
    { name: 'stop sharing', method: 'DELETE', path: () => `/api/transcriptions/${transcriptId}/share`, cap: KB64 },
    { name: 'revoke a link', method: 'DELETE', path: () => `/api/transcriptions/${transcriptId}/share/${linkId}`, cap: KB64 },
    { name: 'retranscribe', method: 'POST', path: () => `/api/transcriptions/${transcriptId}/retranscribe`, cap: KB64 },
    { name: 'revert', method: 'POST', path: () => `/api/transcriptions/${transcriptId}/revert`, cap: KB64 },
    { name: 'cancel', method: 'POST', path: () => `/api/transcriptions/${transcriptId}/cancel`, cap: KB64 },
    { name: 'delete', method: 'DELETE', path: () => `/api/transcriptions/${transcriptId}`, cap: KB64 },
    { name: 'bulk delete', method: 'DELETE', path: () => '/api/transcriptions', cap: KB64 },
    { name: 'Auth.js sign-in', method: 'POST', path: () => '/api/auth/signin/credentials', cap: KB64 },
  ];

  for (const { name, method, path, cap } of routes) {
    for (const chunked of [false, true]) {
      test(`${method} ${name}: one byte over ${cap} bytes is 413${chunked ? ' (chunked)' : ''}`, async ({ account }) => {
        const body = `{"text":"${'a'.repeat(cap - 10)}"}`;
        expect(body.length).toBe(cap + 1);
        const response = await fetch(`${APP_BASE_URL}${path()}`, {
          method,
          headers: { cookie: account.cookieHeader, 'content-type': 'application/json' },
          // A stream has no length: undici sends it chunked.
          body: chunked ? new Blob([body]).stream() : body,
          duplex: 'half',
        } as RequestInit);
        expect(response.status).toBe(413);
        expect(await response.json()).toMatchObject({ error: { code: 'payload_too_large:request', message: expect.stringMatching(/larger than/) } });
      });
    }
  }

  test('an edit of the longest text allowed (1,000,000 characters) is within its cap; a body past 1.1 MB is not', async ({ account }) => {
    const edit = (body: string) =>
      fetch(`${APP_BASE_URL}/api/transcriptions/${transcriptId}`, { method: 'PATCH', headers: { cookie: account.cookieHeader, 'content-type': 'application/json' }, body });
    const text = 'word '.repeat(200_000);
    const response = await edit(JSON.stringify({ text }));
    expect(response.status).toBe(200);
    expect(((await response.json()) as { text: string }).text).toBe(text);
    expect((await edit(JSON.stringify({ text: `${text}${' '.repeat(100_001)}` }))).status).toBe(413);
  });
});
