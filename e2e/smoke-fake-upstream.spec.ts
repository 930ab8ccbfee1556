import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { EventSourceParserStream, type EventSourceMessage } from 'eventsource-parser/stream';
import { FAKE_UPSTREAM_API_KEY, FAKE_UPSTREAM_ORIGIN, FAKE_UPSTREAM_URL } from './support/constants';
import { FAKE_TRANSCRIPT, type RecordedRequest } from './support/fake-upstream';

const TRANSCRIPTIONS_URL = `${FAKE_UPSTREAM_URL}/audio/transcriptions`;
const SPEECH_WEBM = new URL('./fixtures/speech.webm', import.meta.url);

interface TranscriptionForm {
  prompt: string;
  stream?: boolean;
  responseFormat?: 'json' | 'text';
  file?: { bytes: Uint8Array<ArrayBuffer>; filename: string; contentType: string } | null;
  extraFields?: Record<string, string>;
}

let speechWebm: Uint8Array<ArrayBuffer>;

test.beforeAll(async () => {
  speechWebm = new Uint8Array(await readFile(SPEECH_WEBM));
});

function uniqueMarker(): string {
  return `smoke-${randomUUID()}`;
}

function transcriptionForm({
  prompt,
  stream = true,
  responseFormat = 'json',
  file = { bytes: speechWebm, filename: 'speech.webm', contentType: 'audio/webm' },
  extraFields = {},
}: TranscriptionForm): FormData {
  const form = new FormData();
  form.append('model', 'gpt-4o-mini-transcribe');
  form.append('language', 'en');
  form.append('prompt', prompt);
  form.append('response_format', responseFormat);
  form.append('stream', String(stream));
  for (const [name, value] of Object.entries(extraFields)) form.append(name, value);
  if (file) form.append('file', new Blob([file.bytes], { type: file.contentType }), file.filename);
  return form;
}

function postTranscription(form: FormData, apiKey: string | null = FAKE_UPSTREAM_API_KEY) {
  return fetch(TRANSCRIPTIONS_URL, {
    method: 'POST',
    headers: apiKey === null ? {} : { Authorization: `Bearer ${apiKey}` },
    body: form,
  });
}

async function readSseEvents(response: Response): Promise<EventSourceMessage[]> {
  if (!response.body) throw new Error('response has no body');
  const events: EventSourceMessage[] = [];
  const reader = response.body
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream())
    .getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return events;
    events.push(value);
  }
}

async function recordsFor(marker: string): Promise<RecordedRequest[]> {
  const response = await fetch(
    `${FAKE_UPSTREAM_ORIGIN}/__fake/requests?prompt_contains=${encodeURIComponent(marker)}`,
  );
  expect(response.status).toBe(200);
  return (await response.json()) as RecordedRequest[];
}

function expectOpenAiError(body: unknown, code: string | null, param: string | null = null): void {
  expect(body).toEqual({
    error: {
      message: expect.any(String) as unknown,
      type: expect.any(String) as unknown,
      param,
      code,
    },
  });
}

test('rejects a wrong or missing API key with OpenAI’s 401 body', async () => {
  const marker = uniqueMarker();
  for (const apiKey of ['sk-wrong', null]) {
    const response = await postTranscription(transcriptionForm({ prompt: marker }), apiKey);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error: {
        message: 'Incorrect API key provided.',
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_api_key',
      },
    });
  }
  const records = await recordsFor(marker);
  expect(records.map((record) => [record.authorized, record.outcome])).toEqual([
    [false, 'status-401'],
    [false, 'status-401'],
  ]);
});

test('streams word deltas then a done event whose text equals their concatenation', async () => {
  const marker = uniqueMarker();
  const response = await postTranscription(
    transcriptionForm({
      prompt: `${marker} fake:delay=5`,
      extraFields: { api_base: 'https://evil.invalid' },
    }),
  );
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);

  const events = await readSseEvents(response);
  expect(events.every((event) => event.event === undefined)).toBe(true);
  const payloads = events.map((event) => JSON.parse(event.data) as Record<string, unknown>);
  const deltas = payloads.filter((payload) => payload.type === 'transcript.text.delta');
  const done = payloads.at(-1);
  expect(deltas.length).toBeGreaterThanOrEqual(2);
  expect(done?.type).toBe('transcript.text.done');
  expect(done?.text).toBe(deltas.map((payload) => payload.delta).join(''));
  expect(done?.text).toBe(FAKE_TRANSCRIPT);
  expect(done?.usage).toMatchObject({ type: 'tokens', total_tokens: expect.any(Number) as unknown });

  const [record, ...others] = await recordsFor(marker);
  expect(others).toEqual([]);
  expect(record).toMatchObject({
    authorized: true,
    outcome: 'ok',
    fields: {
      model: 'gpt-4o-mini-transcribe',
      language: 'en',
      prompt: `${marker} fake:delay=5`,
      response_format: 'json',
      stream: 'true',
      api_base: 'https://evil.invalid',
    },
    fieldNames: ['model', 'language', 'prompt', 'response_format', 'stream', 'api_base'],
    file: {
      fieldName: 'file',
      filename: 'speech.webm',
      contentType: 'audio/webm',
      bytes: speechWebm.byteLength,
      sha256: createHash('sha256').update(speechWebm).digest('hex'),
    },
  });
  expect(record?.firstByteAt).toBeGreaterThanOrEqual(record?.receivedAt ?? Infinity);
  expect(record?.lastByteAt).toBeGreaterThanOrEqual(record?.firstByteAt ?? Infinity);
});

test('fake:status=500 answers with the OpenAI error shape', async () => {
  const marker = uniqueMarker();
  const response = await postTranscription(transcriptionForm({ prompt: `${marker} fake:status=500` }));
  expect(response.status).toBe(500);
  expectOpenAiError(await response.json(), 'server_error');
  const [record] = await recordsFor(marker);
  expect(record?.outcome).toBe('status-500');
});

test('fake:fail-times fails only the first N requests sharing a key', async () => {
  const marker = uniqueMarker();
  const prompt = `${marker} fake:status=429 fake:fail-times=2 fake:key=${marker}`;
  const statuses: number[] = [];
  for (let attempt = 0; attempt < 3; attempt++) {
    const response = await postTranscription(transcriptionForm({ prompt, stream: false }));
    statuses.push(response.status);
    if (response.status === 429) expect(response.headers.get('retry-after')).toBe('1');
    await response.arrayBuffer();
  }
  expect(statuses).toEqual([429, 429, 200]);
});

test('validates the file and answers non-streamed requests as JSON or text', async () => {
  const marker = uniqueMarker();
  const wrongFormat = await postTranscription(
    transcriptionForm({
      prompt: marker,
      file: {
        bytes: new TextEncoder().encode('hello'),
        filename: 'notes.txt',
        contentType: 'text/plain',
      },
    }),
  );
  expect(wrongFormat.status).toBe(400);
  expectOpenAiError(await wrongFormat.json(), 'invalid_file_format', 'file');

  const noFile = await postTranscription(transcriptionForm({ prompt: marker, file: null }));
  expect(noFile.status).toBe(400);

  const asJson = await postTranscription(
    transcriptionForm({ prompt: `${marker} fake:text=short_and_sweet`, stream: false }),
  );
  expect(await asJson.json()).toMatchObject({ text: 'short and sweet' });

  const asText = await postTranscription(
    transcriptionForm({ prompt: marker, stream: false, responseFormat: 'text' }),
  );
  expect(asText.headers.get('content-type')).toMatch(/^text\/plain/);
  expect(await asText.text()).toBe(FAKE_TRANSCRIPT);
});

test('fake:cut breaks the stream and fake:error-event ends it with an error event', async () => {
  const marker = uniqueMarker();
  const cut = await postTranscription(transcriptionForm({ prompt: `${marker} fake:cut fake:delay=5` }));
  expect(cut.status).toBe(200);
  await expect(readSseEvents(cut)).rejects.toThrow();

  const failed = await postTranscription(
    transcriptionForm({ prompt: `${marker} fake:error-event fake:delay=5 fake:done-marker` }),
  );
  const events = await readSseEvents(failed);
  expect(events).toHaveLength(3);
  expect(events.at(-1)?.event).toBe('error');
  expectOpenAiError(JSON.parse(events.at(-1)?.data ?? 'null'), 'server_error');

  const withMarker = await postTranscription(
    transcriptionForm({ prompt: `${marker} fake:done-marker fake:delay=0` }),
  );
  expect((await readSseEvents(withMarker)).at(-1)?.data).toBe('[DONE]');

  const outcomes = (await recordsFor(marker)).map((record) => record.outcome);
  expect(outcomes).toEqual(['cut', 'error-event', 'ok']);
});

test('rejects a multipart body over 25 MiB with 413', async () => {
  const marker = uniqueMarker();
  const oversized = new Uint8Array(26_214_400);
  const response = await postTranscription(
    transcriptionForm({
      prompt: marker,
      file: { bytes: oversized, filename: 'big.webm', contentType: 'audio/webm' },
    }),
  );
  expect(response.status).toBe(413);
  expectOpenAiError(await response.json(), 'request_too_large');
  const [record] = await recordsFor(marker);
  expect(record?.bodyBytes).toBeGreaterThan(26_214_400);
});
