import { describe, expect, it } from 'vitest';
import { jobDeadlineSeconds } from './deadline';
import { createEngineQueue, type QueueTicket } from './queue';

const flush = () => new Promise((resolve) => setImmediate(resolve));

/** Enters each job in turn and records the order in which they start. */
function line(queue: ReturnType<typeof createEngineQueue>) {
  const started: string[] = [];
  const tickets = new Map<string, QueueTicket>();
  const positions: Record<string, number[]> = {};
  return {
    started,
    positions,
    enter(name: string, user: string) {
      const ticket = queue.enter(user);
      if (!ticket) return false;
      tickets.set(name, ticket);
      ticket.watch((position) => (positions[name] ??= []).push(position));
      void ticket.started.then(() => started.push(name));
      return true;
    },
    release: (name: string) => tickets.get(name)?.release(),
  };
}

describe('createEngineQueue', () => {
  it('runs at most `concurrency` jobs and starts the next when one ends', async () => {
    const queue = createEngineQueue({ concurrency: 1, maxWaiting: 10 });
    const jobs = line(queue);
    for (const [name, user] of [['a', 'u1'], ['b', 'u2'], ['c', 'u3']] as const) jobs.enter(name, user);
    await flush();
    expect(jobs.started).toEqual(['a']);
    expect(queue.state()).toEqual({ running: 1, waiting: 2 });
    expect(jobs.positions).toEqual({ b: [1], c: [2] });

    jobs.release('a');
    await flush();
    expect(jobs.started).toEqual(['a', 'b']);
    expect(jobs.positions.c).toEqual([2, 1]);

    jobs.release('b');
    jobs.release('b'); // a second release of the same slot frees nothing more
    await flush();
    expect(jobs.started).toEqual(['a', 'b', 'c']);
    expect(queue.state()).toEqual({ running: 1, waiting: 0 });
    jobs.release('c');
    expect(queue.state()).toEqual({ running: 0, waiting: 0 });
  });

  it('runs up to the concurrency at once', async () => {
    const queue = createEngineQueue({ concurrency: 2, maxWaiting: 10 });
    const jobs = line(queue);
    ['a', 'b', 'c'].forEach((name) => jobs.enter(name, name));
    await flush();
    expect(jobs.started).toEqual(['a', 'b']);
    expect(queue.state()).toEqual({ running: 2, waiting: 1 });
  });

  it('refuses a job when the slots are busy and the line is full, and takes one again when a place frees', () => {
    const queue = createEngineQueue({ concurrency: 1, maxWaiting: 2 });
    const jobs = line(queue);
    expect(['a', 'b', 'c'].map((name) => jobs.enter(name, name))).toEqual([true, true, true]);
    expect(queue.isFull()).toBe(true);
    expect(jobs.enter('d', 'd')).toBe(false);
    expect(queue.state()).toEqual({ running: 1, waiting: 2 });
    jobs.release('c'); // leaving the line frees a place in it
    expect(queue.isFull()).toBe(false);
    expect(jobs.enter('d', 'd')).toBe(true);
  });

  it('with no waiting places, takes a job only when a slot is free', () => {
    const queue = createEngineQueue({ concurrency: 1, maxWaiting: 0 });
    expect(queue.enter('a')).toBeDefined();
    expect(queue.enter('b')).toBeUndefined();
  });

  it('lets no user hold more than one place ahead of another user', async () => {
    const queue = createEngineQueue({ concurrency: 1, maxWaiting: 10 });
    const jobs = line(queue);
    jobs.enter('a1', 'alice');
    jobs.enter('a2', 'alice');
    jobs.enter('a3', 'alice');
    jobs.enter('a4', 'alice');
    jobs.enter('b1', 'bob');
    jobs.enter('b2', 'bob');
    jobs.enter('c1', 'carol');
    await flush();
    // Alice's second job arrived first and keeps her one place; everyone's next job alternates.
    expect(jobs.positions.b1).toEqual([2]);
    expect(jobs.positions.c1).toEqual([3]);
    expect(jobs.positions.a3).toEqual([2, 3, 4]);
    for (const name of ['a1', 'a2', 'b1', 'c1', 'a3', 'b2', 'a4']) {
      jobs.release(name);
      await flush();
    }
    expect(jobs.started).toEqual(['a1', 'a2', 'b1', 'c1', 'a3', 'b2', 'a4']);
  });

  it('gives a newcomer no place ahead of jobs that waited while it was away, and banks no credit for idleness', async () => {
    const queue = createEngineQueue({ concurrency: 1, maxWaiting: 10 });
    const jobs = line(queue);
    jobs.enter('a1', 'alice');
    jobs.enter('b1', 'bob');
    jobs.enter('a2', 'alice');
    jobs.release('a1');
    await flush();
    // Bob runs; Carol, arriving now, goes behind Alice's waiting job, not ahead of it.
    jobs.enter('c1', 'carol');
    await flush();
    expect(jobs.positions.c1).toEqual([2]);
    for (const name of ['b1', 'a2', 'c1']) {
      jobs.release(name);
      await flush();
    }
    expect(jobs.started).toEqual(['a1', 'b1', 'a2', 'c1']);
  });

  it('forgets a user whose jobs have all left, and keeps the order of one user’s jobs', async () => {
    const queue = createEngineQueue({ concurrency: 1, maxWaiting: 10 });
    const jobs = line(queue);
    jobs.enter('x', 'xavier');
    jobs.enter('a1', 'alice');
    jobs.enter('a2', 'alice');
    jobs.release('a1');
    jobs.release('a2'); // Alice gave up on both while waiting
    jobs.enter('b1', 'bob');
    jobs.enter('b2', 'bob');
    jobs.enter('a3', 'alice');
    for (const name of ['x', 'b1', 'a3']) {
      jobs.release(name);
      await flush();
    }
    expect(jobs.started).toEqual(['x', 'b1', 'a3', 'b2']);
  });

  it('refuses a concurrency below one or a negative line', () => {
    expect(() => createEngineQueue({ concurrency: 0, maxWaiting: 1 })).toThrow();
    expect(() => createEngineQueue({ concurrency: 1, maxWaiting: -1 })).toThrow();
  });
});

describe('jobDeadlineSeconds', () => {
  it.each([
    [0, 3600, 60],
    [10.2, 3600, 82],
    [1800, 3600, 3600],
    [1800, 7200, 3660],
    [10, 2, 2],
  ])('%s s of audio with a cap of %s s → %s s', (audio, cap, expected) => {
    expect(jobDeadlineSeconds(audio, cap)).toBe(expected);
  });
});
