import { createServer, type IncomingMessage, type Server } from 'node:http';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { type AppInstance, startAppInstance } from './support/app-instance';
import { audioForm, dataEvents, engineUrl, expect, GO_FORWARD, processesMentioning, readTimedLines, test } from './support/engine';
import { freePort } from './support/free-port';
import { registerAccount } from './support/test';

// The engine's line and its deadline, on an instance of its own with tight limits. The instance
// is started the way the README's deploy recipe does, `next start -p N -H <address>` with no PORT,
// bound to 127.0.0.2: the old `127.0.0.1:$PORT`-or-3000 guess would hand the engine key to
// whatever listens there, so decoys listen there and must hear nothing.

const JOB_TIMEOUT_SECONDS = 20;

type Decoy = { server: Server; heard: { authorization: string | undefined; url: string | undefined }[] };

async function startDecoy(port: number): Promise<Decoy | undefined> {
  const heard: Decoy['heard'] = [];
  const server = createServer((request: IncomingMessage, response) => {
    heard.push({ authorization: request.headers.authorization, url: request.url });
    request.resume();
    response.writeHead(500).end();
  });
  // Another program on this machine may hold the port; then that decoy cannot be planted.
  const listening = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => resolve(true));
  });
  return listening ? { server, heard } : undefined;
}

let app: AppInstance;
let key: string;
const decoys: Decoy[] = [];
test.beforeAll(async () => {
  const port = await freePort('127.0.0.2');
  for (const decoyPort of [port, 3000]) {
    const decoy = await startDecoy(decoyPort);
    if (decoy) decoys.push(decoy);
  }
  expect(decoys.length).toBeGreaterThan(0);
  app = await startAppInstance({
    name: 'engine-limits',
    port,
    hostname: '127.0.0.2',
    env: {
      TRANSCRIBE_BASE_URL: '',
      TRANSCRIBE_API_KEY: '',
      ENGINE_CONCURRENCY: '1',
      ENGINE_QUEUE_MAX: '1',
      ENGINE_JOB_TIMEOUT_SECONDS: String(JOB_TIMEOUT_SECONDS),
      // The engine may be slow on a busy machine: only its own deadline may end a job here.
      TRANSCRIBE_IDLE_TIMEOUT_MS: '600000',
    },
  });
  await fetch(engineUrl(app.baseUrl), { method: 'POST' });
  key = readFileSync(path.join(app.dataDir, 'engine-key'), 'utf8').trim();
});
test.afterAll(async () => {
  await app?.stop();
  await Promise.all(decoys.map(({ server }) => new Promise((resolve) => server.close(resolve))));
});

const send = (form: FormData, requestId: string) =>
  fetch(engineUrl(app.baseUrl), { method: 'POST', body: form, headers: { Authorization: `Bearer ${key}`, 'X-Client-Request-Id': requestId } });

test('the app reaches its engine on the address it listens on, and no decoy hears the key', async ({ browser, clips }) => {
  test.setTimeout(120_000);
  const account = await registerAccount(browser, 'engine-address', app.baseUrl);
  const response = await fetch(`${app.baseUrl}/api/transcriptions`, {
    method: 'POST',
    headers: { cookie: account.cookieHeader },
    body: (() => {
      const form = new FormData();
      form.append('file', new Blob([readFileSync(clips.mp3)]), 'go-forward.mp3');
      return form;
    })(),
  });
  const body: unknown = await response.json();
  for (const { heard } of decoys) expect(heard).toEqual([]);
  expect(body).toMatchObject({ text: GO_FORWARD });
  expect(app.output()).not.toContain(key);
});

test('a full line refuses at once with 429, Retry-After and a message; a job past its deadline is killed', async ({ clips }) => {
  test.setTimeout(180_000);
  const runId = `limits-${Date.now()}`;
  // Three minutes of speech take longer to recognise than the deadline on any machine.
  const running = await send(audioForm(clips.threeMinutes, { stream: 'true' }), `${runId}-running`);
  expect(running.status).toBe(200);
  const runningLines = readTimedLines(running, Date.now());
  const waiting = await send(audioForm(clips.mp3, { stream: 'true' }), `${runId}-waiting`);
  expect(waiting.status).toBe(200);
  const waitingLines = readTimedLines(waiting, Date.now());

  const refused = await send(audioForm(clips.mp3, { stream: 'true' }), `${runId}-refused`);
  expect(refused.status).toBe(429);
  expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  const body = (await refused.json()) as { error: { code: string; message: string } };
  expect(body.error).toMatchObject({ code: 'engine_busy', message: expect.stringContaining('queue is full') });

  // The long job ends at its deadline, keep-alives or not, with its programs gone.
  const startedAt = Date.now();
  const runningEvents = dataEvents(await runningLines);
  expect(Date.now() - startedAt).toBeLessThan((JOB_TIMEOUT_SECONDS + 10) * 1000);
  expect(runningEvents.at(-1)?.event).toMatchObject({ type: 'error', error: { code: 'engine_timeout' } });
  expect(processesMentioning(`verbatim-engine-${runId}-running-`)).toEqual([]);

  // The one that waited runs next, and the line takes newcomers again.
  expect(dataEvents(await waitingLines).at(-1)?.event).toMatchObject({ type: 'transcript.text.done', text: GO_FORWARD });
  const again = await send(audioForm(clips.mp3), `${runId}-again`);
  expect(again.status).toBe(200);
  expect(await again.json()).toMatchObject({ text: GO_FORWARD });
});
