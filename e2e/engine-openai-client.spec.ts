import { readFileSync } from 'node:fs';
import path from 'node:path';
import OpenAI, { AuthenticationError, BadRequestError, toFile } from 'openai';
import { expect, GO_FORWARD, readEngineKey, test, THREE_UTTERANCES } from './support/engine';

// The engine read by OpenAI's official client: proof that it speaks the upstream's wire format.
const clientFor = (baseURL: string, apiKey: string) => new OpenAI({ apiKey, baseURL: `${baseURL}/api/engine/v1`, maxRetries: 0 });
const audio = (file: string) => toFile(readFileSync(file), path.basename(file));

test('the stream parses with the openai client: a delta per utterance, then done with the duration', async ({ baseURL, clips }) => {
  const client = clientFor(String(baseURL), await readEngineKey(String(baseURL)));
  const stream = await client.audio.transcriptions.create({ file: await audio(clips.threeUtterances), model: 'pocketsphinx-en-us', stream: true });
  const events = [];
  for await (const event of stream) events.push(event);
  expect(events).toEqual([
    { type: 'transcript.text.delta', delta: THREE_UTTERANCES[0] },
    { type: 'transcript.text.delta', delta: ` ${THREE_UTTERANCES[1]}` },
    { type: 'transcript.text.delta', delta: ` ${THREE_UTTERANCES[2]}` },
    { type: 'transcript.text.done', text: THREE_UTTERANCES.join(' '), usage: { type: 'duration', seconds: 10 } },
  ]);
});

test('JSON and text answers, and errors as the client’s typed errors', async ({ baseURL, clips }) => {
  const client = clientFor(String(baseURL), await readEngineKey(String(baseURL)));
  const json = await client.audio.transcriptions.create({ file: await audio(clips.m4a), model: 'pocketsphinx-en-us' });
  expect(json).toEqual({ text: GO_FORWARD, usage: { type: 'duration', seconds: 3 } });
  const text = await client.audio.transcriptions.create({ file: await audio(clips.mp3), model: 'pocketsphinx-en-us', response_format: 'text' });
  expect(text.trim()).toBe(GO_FORWARD);

  const wrongKey = clientFor(String(baseURL), 'sk-wrong').audio.transcriptions.create({ file: await audio(clips.wav), model: 'pocketsphinx-en-us' });
  await expect(wrongKey).rejects.toBeInstanceOf(AuthenticationError);
  const german = client.audio.transcriptions.create({ file: await audio(clips.wav), model: 'pocketsphinx-en-us', language: 'de' });
  await expect(german).rejects.toMatchObject({ constructor: BadRequestError, status: 400, code: 'unsupported_language', param: 'language' });
});
