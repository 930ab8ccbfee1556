import { describe, expect, it, vi } from 'vitest';
import type { TranscriptEvent } from './events';
import type { SavedTranscript } from './follow';

vi.stubEnv('DATABASE_URL', '');
const { getJobBus } = await import('@/lib/bus');
const { followTranscript } = await import('./follow');

function follow(saved: { current: SavedTranscript | undefined }) {
  const id = crypto.randomUUID();
  const events: TranscriptEvent[] = [];
  const reader = new AbortController();
  const followed = followTranscript({ id, load: async () => saved.current && { ...saved.current }, send: (event) => events.push(event), signal: reader.signal });
  const text = () => events.map((event) => (event.type === 'transcript.text.delta' ? event.delta : '')).join('');
  return { id, events, text, followed, stop: () => reader.abort() };
}

describe('followTranscript', () => {
  it('catches up from the saved text, skips what it already has and fills a gap from the next save', async () => {
    const saved = { current: { status: 'transcribing', text: 'Hello' } as SavedTranscript | undefined };
    const follower = follow(saved);
    await vi.waitFor(() => expect(follower.text()).toBe('Hello'));
    expect(follower.events[0]).toEqual({ type: 'transcript.created', id: follower.id });

    const bus = getJobBus();
    await bus.publish(follower.id, { type: 'delta', at: 3, delta: 'lo, you' });
    await vi.waitFor(() => expect(follower.text()).toBe('Hello, you'));
    // " all" (at 10) went out before anyone listened; " there" shows the gap.
    await bus.publish(follower.id, { type: 'delta', at: 14, delta: ' there' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(follower.text()).toBe('Hello, you');
    if (saved.current) saved.current.text = 'Hello, you all';
    await vi.waitFor(() => expect(follower.text()).toBe('Hello, you all there'));

    saved.current = { status: 'done', text: 'Hello, you all there.' };
    await bus.publish(follower.id, { type: 'end' });
    await follower.followed;
    expect(follower.events.at(-1)).toEqual({ type: 'transcript.text.done', text: 'Hello, you all there.' });
    expect(follower.events.filter((event) => event.type === 'transcript.text.done')).toHaveLength(1);
  });

  it('passes on which part of long audio is being transcribed, between the deltas, as on the running instance', async () => {
    const saved = { current: { status: 'transcribing', text: 'One.' } as SavedTranscript | undefined };
    const follower = follow(saved);
    await vi.waitFor(() => expect(follower.text()).toBe('One.'));
    const bus = getJobBus();
    await bus.publish(follower.id, { type: 'part', index: 2, count: null, startSeconds: 299.88 });
    await bus.publish(follower.id, { type: 'delta', at: 4, delta: ' Two.' });
    await bus.publish(follower.id, { type: 'part', index: 3, count: 3, startSeconds: 598.2 });
    await vi.waitFor(() => expect(follower.events.filter((event) => event.type === 'transcript.part')).toHaveLength(2));
    expect(follower.events.slice(1)).toEqual([
      { type: 'transcript.text.delta', delta: 'One.' },
      { type: 'transcript.part', index: 2, count: null, startSeconds: 299.88 },
      { type: 'transcript.text.delta', delta: ' Two.' },
      { type: 'transcript.part', index: 3, count: 3, startSeconds: 598.2 },
    ]);
    follower.stop();
    await follower.followed;
  });

  it('ends with the saved failure, or with the text when it has already ended', async () => {
    const failing = follow({ current: { status: 'transcribing', text: '' } });
    await vi.waitFor(() => expect(failing.events).toHaveLength(1));
    const saved = { status: 'cancelled', text: 'So far', error_code: 'cancelled:transcription', error_message: 'The transcription was cancelled.' } as const;
    const ended = follow({ current: saved });
    await ended.followed;
    expect(ended.events).toEqual([{ type: 'error', error: { code: 'cancelled:transcription', message: 'The transcription was cancelled.' } }]);
    failing.stop();
    await failing.followed;

    const done = follow({ current: { status: 'done', text: 'All of it.', usage_json: '{"type":"duration","seconds":3}' } });
    await done.followed;
    expect(done.events).toEqual([{ type: 'transcript.text.done', text: 'All of it.', usage: { type: 'duration', seconds: 3 } }]);
  });
});
