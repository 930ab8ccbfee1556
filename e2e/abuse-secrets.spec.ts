import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fakeAudio, multipart, post, readEvents } from './support/api-client';
import { APP_BASE_URL, E2E_SERVER_LOG, FAKE_UPSTREAM_API_KEY, PROJECT_ROOT } from './support/constants';
import { expect, test, uniqueMarker } from './support/test';

// The upstream key (a canary here) and users' content must not reach clients or logs.

function* filesUnder(directory: string): Generator<string> {
  for (const entry of readdirSync(directory)) {
    const full = path.join(directory, entry);
    if (statSync(full).isDirectory()) yield* filesUnder(full);
    else yield full;
  }
}

test('the upstream key is in no build output', () => {
  const leaks: string[] = [];
  for (const file of filesUnder(path.join(PROJECT_ROOT, '.next'))) {
    if (file.includes(`${path.sep}cache${path.sep}`)) continue;
    if (readFileSync(file).includes(FAKE_UPSTREAM_API_KEY)) leaks.push(path.relative(PROJECT_ROOT, file));
  }
  expect(leaks).toEqual([]);
});

test('the upstream key is in no HTML, RSC payload or error body', async ({ account }) => {
  const bodies: string[] = [];
  for (const path of ['/', '/history', '/sign-in', '/no-such-page']) {
    bodies.push(await (await fetch(`${APP_BASE_URL}${path}`, { headers: { cookie: account.cookieHeader } })).text());
    bodies.push(await (await fetch(`${APP_BASE_URL}${path}`, { headers: { cookie: account.cookieHeader, rsc: '1' } })).text());
  }
  for (const directive of ['fake:status=401', 'fake:status=400', 'fake:status=500 fake:fail-times=0', 'fake:cut']) {
    const response = await post(account.cookieHeader, multipart([{ name: 'prompt', value: `${directive} fake:delay=0` }, { name: 'file', filename: 'a.mp3', data: fakeAudio(1024) }]));
    bodies.push(await response.text());
  }
  bodies.push(await (await fetch(`${APP_BASE_URL}/api/transcriptions`, { method: 'POST', headers: { cookie: account.cookieHeader } })).text());
  for (const body of bodies) {
    expect(body).not.toContain(FAKE_UPSTREAM_API_KEY);
    expect(body).not.toContain('CANARY');
  }
});

test('one structured line per transcription request, without key, audio, text, file names, prompts or cookies', async ({ account }) => {
  const canary = uniqueMarker();
  const fileName = `secret-file-${canary}.mp3`;
  const prompt = `secret-prompt-${canary} fake:delay=0 fake:text=secret_words_${canary}`;
  const audio = Buffer.concat([fakeAudio(64), Buffer.from(`secret-audio-${canary}`), Buffer.alloc(4096, 0x55)]);
  const events = await readEvents(await post(account.cookieHeader, multipart([{ name: 'stream', value: 'true' }, { name: 'prompt', value: prompt }, { name: 'file', filename: fileName, data: audio }])));
  const id = String(events[0]?.id);
  expect(events.at(-1)).toMatchObject({ type: 'transcript.text.done', text: `secret words ${canary}` });
  await fetch(`${APP_BASE_URL}/api/transcriptions/${id}`, { headers: { cookie: account.cookieHeader } });

  let line: Record<string, unknown> | undefined;
  await expect
    .poll(() => {
      const lines = readFileSync(E2E_SERVER_LOG, 'utf8').split('\n');
      const found = lines.find((each) => each.includes('"transcription.request"') && each.includes(id));
      line = found ? (JSON.parse(found.slice(found.indexOf('{'))) as Record<string, unknown>) : undefined;
      return line;
    })
    .toBeDefined();
  expect(line).toMatchObject({
    level: 'info',
    requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    userHash: expect.stringMatching(/^[0-9a-f]{16}$/),
    status: 200,
    audioBytes: audio.length,
    attempts: 1,
    upstreamRequestId: expect.stringMatching(/^req_/),
    uploadMs: expect.any(Number),
    firstDeltaMs: expect.any(Number),
    totalMs: expect.any(Number),
  });

  const log = readFileSync(E2E_SERVER_LOG, 'utf8');
  const sessionToken = account.cookieHeader.split('; ').find((cookie) => cookie.includes('session-token'))?.split('=')[1] ?? '';
  expect(sessionToken.length).toBeGreaterThan(20);
  for (const secret of [canary, FAKE_UPSTREAM_API_KEY, sessionToken, account.email, account.password]) expect(log).not.toContain(secret);
});
