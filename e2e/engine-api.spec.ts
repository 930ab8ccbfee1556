import { audioForm, CONTAINERS, dataEvents, engineUrl, expect, GO_FORWARD, processesMentioning, readEngineKey, readTimedLines, test, THREE_UTTERANCES } from './support/engine';
import { fixturePath } from './support/test';

// The built-in engine's own contract, over HTTP as the app's upstream client (or any OpenAI client) uses it.
const post = async (baseURL: string, form: FormData, key?: string) =>
  fetch(engineUrl(baseURL), { method: 'POST', body: form, headers: key === undefined ? {} : { Authorization: `Bearer ${key}` } });

const errorShape = (code: string | null, param: string | null = null) => ({
  error: { message: expect.any(String), type: 'invalid_request_error', param, code },
});

test('refuses a missing or wrong key with a 401 in the upstream error shape', async ({ baseURL, clips }) => {
  const key = await readEngineKey(String(baseURL));
  for (const wrongKey of [undefined, 'sk-wrong', `${key}x`, key.slice(0, -1)]) {
    const response = await post(String(baseURL), audioForm(clips.mp3), wrongKey);
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(await response.json()).toEqual(errorShape('invalid_api_key'));
  }
});

test('400 for a missing file, for a file that is not audio, and for a language other than English', async ({ baseURL, clips }) => {
  const key = await readEngineKey(String(baseURL));
  const noFile = new FormData();
  noFile.append('model', 'pocketsphinx-en-us');
  let response = await post(String(baseURL), noFile, key);
  expect(response.status).toBe(400);
  expect(await response.json()).toEqual(errorShape('missing_required_parameter', 'file'));

  response = await post(String(baseURL), audioForm(fixturePath('not-audio.mp3')), key);
  expect(response.status).toBe(400);
  expect(await response.json()).toEqual(errorShape('invalid_file_format', 'file'));

  response = await post(String(baseURL), audioForm(clips.mp3, { language: 'fr' }), key);
  expect(response.status).toBe(400);
  const body = (await response.json()) as { error: { message: string } };
  expect(body).toEqual(errorShape('unsupported_language', 'language'));
  expect(body.error.message).toContain('English only');

  response = await post(String(baseURL), audioForm(clips.mp3, { model: 'whisper-1' }), key);
  expect(response.status).toBe(400);
  expect(await response.json()).toEqual(errorShape('invalid_value', 'model'));
});

for (const container of CONTAINERS) {
  test(`recognises real speech in ${container}: JSON with the duration`, async ({ baseURL, clips }) => {
    const key = await readEngineKey(String(baseURL));
    const response = await post(String(baseURL), audioForm(clips[container], { language: 'en' }), key);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ text: GO_FORWARD, usage: { type: 'duration', seconds: 3 } });
  });
}

test('response_format=text answers plain text', async ({ baseURL, clips }) => {
  const key = await readEngineKey(String(baseURL));
  const response = await post(String(baseURL), audioForm(clips.m4a, { response_format: 'text' }), key);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  expect((await response.text()).trim()).toBe(GO_FORWARD);
});

test('stream=true sends each utterance as a delta while it recognises, then the done event', async ({ baseURL, clips }) => {
  const key = await readEngineKey(String(baseURL));
  const requestId = `stream-${Date.now()}`;
  const response = await fetch(engineUrl(String(baseURL)), {
    method: 'POST',
    body: audioForm(clips.threeUtterances, { stream: 'true' }),
    headers: { Authorization: `Bearer ${key}`, 'X-Client-Request-Id': requestId },
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  // The engine's files for this request live in a folder named after it, as do its programs' arguments.
  const runningAtFirstDelta: string[][] = [];
  const lines = await readTimedLines(response, Date.now(), (line) => {
    if (line.includes('transcript.text.delta') && runningAtFirstDelta.length === 0) runningAtFirstDelta.push(processesMentioning(`verbatim-engine-${requestId}-`));
  });
  const events = dataEvents(lines);

  const deltas = events.filter(({ event }) => event.type === 'transcript.text.delta');
  expect(deltas.map(({ event }) => event.delta)).toEqual([THREE_UTTERANCES[0], ` ${THREE_UTTERANCES[1]}`, ` ${THREE_UTTERANCES[2]}`]);
  const done = events.at(-1);
  expect(done?.event).toEqual({ type: 'transcript.text.done', text: THREE_UTTERANCES.join(' '), usage: { type: 'duration', seconds: 10 } });
  // Streamed, not sent at the end: the first words reached us while the recogniser was still at work.
  expect(runningAtFirstDelta[0]).toContain('pocketsphinx_continuous');
  expect(processesMentioning(`verbatim-engine-${requestId}-`)).toEqual([]);
});

test('three requests at once all finish, one recognised at a time (ENGINE_CONCURRENCY=1)', async ({ baseURL, clips }) => {
  const key = await readEngineKey(String(baseURL));
  const startedAt = Date.now();
  const runs = await Promise.all(
    [0, 1, 2].map(async () => {
      const response = await post(String(baseURL), audioForm(clips.threeUtterances, { stream: 'true' }), key);
      expect(response.status).toBe(200);
      return readTimedLines(response, startedAt);
    }),
  );
  const windows = runs.map((lines) => {
    const events = dataEvents(lines);
    expect(events.at(-1)?.event).toMatchObject({ type: 'transcript.text.done', text: THREE_UTTERANCES.join(' ') });
    return { waited: lines.some(({ line }) => line.startsWith(': waiting')), from: events[0]?.at ?? 0, to: events.at(-1)?.at ?? 0 };
  });
  // At least two of the three were told they wait in line (all three when another test's request
  // held the engine just then); no two were recognising at the same time.
  expect(windows.filter(({ waited }) => waited).length).toBeGreaterThanOrEqual(2);
  const ordered = windows.toSorted((a, b) => a.from - b.from);
  for (let index = 1; index < ordered.length; index++) {
    expect(ordered[index]?.from).toBeGreaterThanOrEqual(ordered[index - 1]?.to ?? Infinity);
  }
});
