import { describe, expect, it } from 'vitest';
import { queuePositionOf, readUpstreamEvents, type UpstreamEvent } from './upstream-events';

/** A body delivered in the given pieces, split wherever the test says. */
const bodyOf = (...pieces: string[]) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (const piece of pieces) controller.enqueue(new TextEncoder().encode(piece));
      controller.close();
    },
  });

async function readAll(body: ReadableStream<Uint8Array>) {
  const events: UpstreamEvent[] = [];
  for await (const event of readUpstreamEvents(body)) events.push(event);
  return events;
}

const delta = (text: string) => `data: ${JSON.stringify({ type: 'transcript.text.delta', delta: text })}\n\n`;
const done = (text: string) => `data: ${JSON.stringify({ type: 'transcript.text.done', text, usage: { type: 'tokens', total_tokens: 3 } })}\n\n`;

describe('readUpstreamEvents', () => {
  it('relays deltas and the done event in order', async () => {
    expect(await readAll(bodyOf(delta('Hello'), delta(' world'), done('Hello world.')))).toEqual([
      { type: 'delta', delta: 'Hello' },
      { type: 'delta', delta: ' world' },
      { type: 'done', text: 'Hello world.', usage: { type: 'tokens', total_tokens: 3 } },
    ]);
  });

  it('reassembles events split across chunks at any byte, including inside UTF-8 characters', async () => {
    const whole = new TextEncoder().encode(delta('Grüße') + delta(' 你好') + done('Grüße 你好'));
    const pieces = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < whole.length; i += 3) controller.enqueue(whole.subarray(i, i + 3));
        controller.close();
      },
    });
    const events = await readAll(pieces);
    expect(events.map((event) => (event.type === 'delta' ? event.delta : event.text))).toEqual(['Grüße', ' 你好', 'Grüße 你好']);
  });

  it('accepts CRLF line endings, comments and a [DONE] marker', async () => {
    const events = await readAll(bodyOf(': keep-alive\r\n\r\n', delta('a').replace(/\n/g, '\r\n'), done('a'), 'data: [DONE]\n\n'));
    expect(events).toHaveLength(2);
  });

  it('ignores event types it does not know', async () => {
    const events = await readAll(bodyOf('data: {"type":"transcript.text.segment","text":"x"}\n\n', delta('a'), done('a')));
    expect(events.map((event) => event.type)).toEqual(['delta', 'done']);
  });

  it.each([
    ['an event: error', 'event: error\ndata: {"error":{"message":"boom"}}\n\n'],
    ['a payload with an error field', 'data: {"error":{"message":"boom","code":"server_error"}}\n\n'],
    ['malformed JSON', 'data: {not json\n\n'],
    ['a delta without text', 'data: {"type":"transcript.text.delta"}\n\n'],
  ])('fails on %s, after relaying what came before', async (_name, bad) => {
    const seen: UpstreamEvent[] = [];
    await expect(async () => {
      for await (const event of readUpstreamEvents(bodyOf(delta('kept'), bad, done('never')))) seen.push(event);
    }).rejects.toMatchObject({ code: 'upstream:stream' });
    expect(seen).toEqual([{ type: 'delta', delta: 'kept' }]);
  });

  it('fails when the stream ends before the done event', async () => {
    await expect(readAll(bodyOf(delta('partial')))).rejects.toMatchObject({ code: 'upstream:stream' });
  });

  it('never repeats the upstream error message to the caller', async () => {
    await expect(readAll(bodyOf('data: {"error":{"message":"key sk-secret invalid"}}\n\n'))).rejects.not.toThrow(/sk-secret/);
  });
});

describe('queuePositionOf', () => {
  it('reads a queue note and ignores other comments', () => {
    expect(queuePositionOf(' waiting 2')).toBe(2);
    expect(queuePositionOf('keepalive')).toBeUndefined();
    expect(queuePositionOf('waiting for godot')).toBeUndefined();
  });

  it('hands every comment to the listener without yielding it as an event', async () => {
    const comments: string[] = [];
    const events: UpstreamEvent[] = [];
    for await (const event of readUpstreamEvents(bodyOf(': waiting 1\n\n', ': keepalive\n\n', delta('a'), done('a')), (comment) => comments.push(comment.trim()))) {
      events.push(event);
    }
    expect(comments).toEqual(['waiting 1', 'keepalive']);
    expect(events.map((event) => event.type)).toEqual(['delta', 'done']);
  });
});
