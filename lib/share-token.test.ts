import { describe, expect, it, vi } from 'vitest';

const live = { value: true };
vi.mock('@/lib/db/share-links', () => ({ getSharedTranscriptByTokenHash: vi.fn(async () => (live.value ? { transcript_id: 't' } : undefined)) }));
const { createShareToken, eventForReaders, SHARE_RECHECK_MS, whileShared } = await import('./share-token');

describe('eventForReaders', () => {
  it('passes the text and nothing else: no ids, usage, queue positions or internal messages', () => {
    expect(eventForReaders({ type: 'transcript.created', id: 'secret-id' })).toBeUndefined();
    expect(eventForReaders({ type: 'transcript.waiting', position: 3 })).toBeUndefined();
    expect(eventForReaders({ type: 'transcript.text.delta', delta: ' hello' })).toEqual({ type: 'transcript.text.delta', delta: ' hello' });
    expect(eventForReaders({ type: 'transcript.text.done', text: 'hello', usage: { seconds: 3 } })).toEqual({ type: 'transcript.text.done', text: 'hello' });
    expect(eventForReaders({ type: 'error', error: { code: 'unavailable:transcription', message: 'Set TRANSCRIBE_API_KEY on the server.' } })).toEqual({
      type: 'error',
      error: { code: 'internal:transcription', message: 'The transcription did not finish.' },
    });
  });
});

describe('whileShared', () => {
  it('ends an open stream, saying why, at the first check after the link stops working', async () => {
    vi.useFakeTimers();
    const { token } = createShareToken();
    let sourceCancelled = false;
    const source = new ReadableStream<Uint8Array>({
      cancel() {
        sourceCancelled = true;
      },
    });
    const reader = whileShared(source, token).getReader();
    const first = reader.read();
    await vi.advanceTimersByTimeAsync(SHARE_RECHECK_MS * 3);
    live.value = false;
    await vi.advanceTimersByTimeAsync(SHARE_RECHECK_MS);
    const { value } = await first;
    expect(new TextDecoder().decode(value)).toContain('"code":"not_found:share"');
    expect((await reader.read()).done).toBe(true);
    expect(sourceCancelled).toBe(true);
    vi.useRealTimers();
  });

  it('passes the events through and stops checking when the stream ends by itself', async () => {
    live.value = true;
    const { token } = createShareToken();
    const source = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('data: 1\n\n'));
        controller.close();
      },
    });
    const text = await new Response(whileShared(source, token)).text();
    expect(text).toBe('data: 1\n\n');
  });
});
