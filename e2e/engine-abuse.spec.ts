import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { audioForm, dataEvents, engineUrl, expect, makeLongMp3, makePlaylistDisguisedAsMp3, readEngineKey, readTimedLines, test, THREE_UTTERANCES } from './support/engine';

// What one upload must not be able to do to the built-in engine: make ffmpeg read other files,
// hold the engine for hours, or push ahead of other users.

let directory: string;
let longMp3: string;
test.beforeAll(() => {
  directory = mkdtempSync(path.join(tmpdir(), 'engine-abuse-'));
  longMp3 = makeLongMp3(directory, 31);
});
test.afterAll(() => rmSync(directory, { recursive: true, force: true }));

const post = (baseURL: string, form: FormData, key: string, headers: Record<string, string> = {}) =>
  fetch(engineUrl(baseURL), { method: 'POST', body: form, headers: { Authorization: `Bearer ${key}`, ...headers } });

test('a playlist disguised as MP3 does not make ffmpeg read the file it names', async ({ baseURL, clips }) => {
  // The named file is real speech: read, it would come back as "go forward ten meters".
  const response = await post(String(baseURL), audioForm(makePlaylistDisguisedAsMp3(directory, clips.mp3)), await readEngineKey(String(baseURL)));
  const body = (await response.json()) as { text?: string; error?: { code: string } };
  expect(body.text).toBeUndefined();
  expect(response.status).toBe(400);
  expect(body.error?.code).toBe('invalid_file_format');
});

test('audio longer than ENGINE_MAX_AUDIO_MINUTES is refused before it takes a place in line, with the limit named', async ({ baseURL }) => {
  // A streamed request that takes a place is answered 200 at once and then waits; a refusal comes first.
  const response = await post(String(baseURL), audioForm(longMp3, { stream: 'true' }), await readEngineKey(String(baseURL)));
  expect(response.status).toBe(400);
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe('audio_too_long');
  expect(body.error.message).toContain('30 minutes');
});

test('the app tells its user the offline engine’s length limit', async ({ page }) => {
  test.setTimeout(90_000);
  const response = await page.request.post('/api/transcriptions', {
    multipart: { file: { name: 'long.mp3', mimeType: 'audio/mpeg', buffer: readFileSync(longMp3) } },
  });
  expect(response.status()).toBe(413);
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe('payload_too_large:duration');
  expect(body.error.message).toContain('longer than 30 minutes');
});

test('one user cannot hold more than one place in line ahead of another', async ({ baseURL, clips }) => {
  test.setTimeout(180_000);
  const key = await readEngineKey(String(baseURL));
  const startedAt = Date.now();
  // Each request has its place once it is answered, before the next is sent: arrival order is known.
  const open = async (clip: string, user: string) => {
    const response = await post(String(baseURL), audioForm(clip, { stream: 'true' }), key, { 'X-Engine-User': user });
    expect(response.status).toBe(200);
    return { lines: readTimedLines(response, startedAt) };
  };
  const opened = [];
  for (const user of ['alice-e2e', 'alice-e2e', 'alice-e2e', 'bob-e2e']) opened.push(await open(clips.threeUtterances, user));
  const [, alice2, alice3, bob] = await Promise.all(opened.map(({ lines }) => lines.then(dataEvents)));
  const doneAt = (events: ReturnType<typeof dataEvents> = []) => {
    const done = events.find(({ event }) => event.type === 'transcript.text.done');
    expect(done?.event).toMatchObject({ text: THREE_UTTERANCES.join(' ') });
    return done?.at ?? Infinity;
  };
  const firstEventAt = (events: ReturnType<typeof dataEvents> = []) => events[0]?.at ?? -Infinity;
  // Bob arrived last, yet runs before Alice's third job: Alice keeps only her second place ahead of him.
  expect(doneAt(bob)).toBeLessThan(firstEventAt(alice3));
  expect(doneAt(alice2)).toBeLessThan(doneAt(alice3));
});
