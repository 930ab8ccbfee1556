import { afterAll, describe, expect, it, vi } from 'vitest';
import { deltaPieces } from '@/lib/transcription/events';
import { createMemoryBus } from './memory';
import { createPostgresBus } from './postgres';
import type { JobBus, JobMessage } from './types';

const postgresUrl = process.env.TEST_DATABASE_URL;

/** Two instances' buses: on PostgreSQL two connections, in memory one process (one bus). */
const implementations: { name: string; open: () => [JobBus, JobBus] }[] = [
  {
    name: 'memory',
    open: () => {
      const bus = createMemoryBus();
      return [bus, bus];
    },
  },
  ...(postgresUrl || process.env.CI
    ? [
        {
          name: 'postgres',
          open: (): [JobBus, JobBus] => {
            if (!postgresUrl) throw new Error('TEST_DATABASE_URL is not set: in CI the PostgreSQL tests must run.');
            return [createPostgresBus({ connectionString: postgresUrl }), createPostgresBus({ connectionString: postgresUrl })];
          },
        },
      ]
    : []),
];

describe.each(implementations)('job bus: $name', ({ open }) => {
  const [publisher, subscriber] = open();
  afterAll(async () => {
    await publisher.close();
    await subscriber.close();
  });

  function listen(jobId: string) {
    const heard: JobMessage[] = [];
    return { heard, subscribed: subscriber.subscribe(jobId, (message) => heard.push(message)) };
  }

  it('delivers a job’s messages in order to its subscribers only, until they unsubscribe', async () => {
    const jobId = crypto.randomUUID();
    const mine = listen(jobId);
    const other = listen(crypto.randomUUID());
    const unsubscribe = await mine.subscribed;
    await other.subscribed;
    const sent: JobMessage[] = [
      { type: 'delta', at: 0, delta: 'Hello' },
      { type: 'delta', at: 5, delta: ' there' },
      { type: 'waiting', position: 2 },
      { type: 'cancel' },
      { type: 'end' },
    ];
    for (const message of sent) await publisher.publish(jobId, message);
    await vi.waitFor(() => expect(mine.heard).toEqual(sent));
    unsubscribe();
    await publisher.publish(jobId, { type: 'end' });
    await publisher.publish(jobId, { type: 'cancel' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(mine.heard).toHaveLength(sent.length);
    expect(other.heard).toEqual([]);
  });

  it('carries the largest delta piece even when every character must be escaped', async () => {
    const jobId = crypto.randomUUID();
    const mine = listen(jobId);
    await mine.subscribed;
    const pieces = deltaPieces(0, '\u0001'.repeat(2500));
    for (const piece of pieces) await publisher.publish(jobId, { type: 'delta', ...piece });
    await vi.waitFor(() => expect(mine.heard.map((message) => (message.type === 'delta' ? message.delta : '')).join('')).toBe('\u0001'.repeat(2500)));
  });
});

describe('deltaPieces', () => {
  it('cuts a long delta into pieces with their offsets, never inside a surrogate pair', () => {
    expect(deltaPieces(7, 'short')).toEqual([{ at: 7, delta: 'short' }]);
    expect(deltaPieces(0, 'abcdef', 4)).toEqual([
      { at: 0, delta: 'abcd' },
      { at: 4, delta: 'ef' },
    ]);
    const pieces = deltaPieces(10, 'ab😀cd', 3);
    expect(pieces).toEqual([
      { at: 10, delta: 'ab' },
      { at: 12, delta: '😀c' },
      { at: 15, delta: 'd' },
    ]);
  });
});
