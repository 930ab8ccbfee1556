import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it, vi } from 'vitest';

let connections = 0;
const upstream = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(200, { 'Content-Type': 'text/event-stream' });
    response.write(`data: ${JSON.stringify({ type: 'transcript.text.done', text: 'Hi.' })}\n\n`);
    // The answer ends a little after the done event, with the marker some compatible servers add.
    setTimeout(() => response.end('data: [DONE]\n\n'), 20);
  });
});
upstream.on('connection', () => (connections += 1));
await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
vi.stubEnv('TRANSCRIBE_BASE_URL', `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`);
vi.stubEnv('TRANSCRIBE_API_KEY', 'sk-test');
const { openTranscription } = await import('./upstream');

afterAll(() => {
  upstream.closeAllConnections();
  upstream.close();
});

const audio = () => new Blob([new Uint8Array(256 * 1024).fill(0x55)]).stream();

/** Reads the events as the job does: it stops at the done event. */
async function transcribe() {
  const { events } = await openTranscription({
    audio: audio(),
    format: { container: 'mp3', extension: 'mp3', mimeType: 'audio/mpeg' },
    options: {},
    signal: new AbortController().signal,
    requestId: crypto.randomUUID(),
    userId: 'u',
  });
  for await (const event of events) if (event.type === 'done') return event.text;
  return undefined;
}

describe('openTranscription', () => {
  it('sends the next transcription over the same kept-alive connection, once the answer after the done event is drained', async () => {
    expect(await transcribe()).toBe('Hi.');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await transcribe()).toBe('Hi.');
    expect(connections).toBe(1);
  });
});
