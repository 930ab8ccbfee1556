import { describe, expect, it } from 'vitest';
import { createEngineQueue } from './queue';

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('createEngineQueue', () => {
  it('runs at most `limit` jobs and starts the next in arrival order when one ends', async () => {
    const queue = createEngineQueue(1);
    const started: string[] = [];
    const releases = new Map<string, () => void>();
    for (const id of ['a', 'b', 'c']) {
      void queue.acquire(id).then((release) => {
        started.push(id);
        releases.set(id, release);
      });
    }
    await flush();
    expect(started).toEqual(['a']);
    expect(queue.state()).toEqual({ running: 1, waiting: 2, limit: 1 });
    expect([queue.positionOf('a'), queue.positionOf('b'), queue.positionOf('c')]).toEqual([0, 1, 2]);

    releases.get('a')?.();
    await flush();
    expect(started).toEqual(['a', 'b']);
    expect(queue.positionOf('a')).toBeUndefined();
    expect(queue.positionOf('c')).toBe(1);

    releases.get('b')?.();
    releases.get('b')?.(); // a second release of the same slot frees nothing more
    await flush();
    expect(started).toEqual(['a', 'b', 'c']);
    expect(queue.state()).toEqual({ running: 1, waiting: 0, limit: 1 });
    releases.get('c')?.();
    expect(queue.state()).toEqual({ running: 0, waiting: 0, limit: 1 });
  });

  it('runs up to the limit at once', async () => {
    const queue = createEngineQueue(2);
    await queue.acquire('a');
    await queue.acquire('b');
    let thirdStarted = false;
    void queue.acquire('c').then(() => (thirdStarted = true));
    await flush();
    expect(thirdStarted).toBe(false);
    expect(queue.state()).toEqual({ running: 2, waiting: 1, limit: 2 });
  });

  it('tells each waiter its position as the line moves', async () => {
    const queue = createEngineQueue(1);
    const release = await queue.acquire('a');
    const positions: Record<string, number[]> = { b: [], c: [] };
    void queue.acquire('b', { onPosition: (position) => positions.b?.push(position) });
    void queue.acquire('c', { onPosition: (position) => positions.c?.push(position) });
    release();
    await flush();
    expect(positions).toEqual({ b: [1], c: [2, 1] });
  });

  it('drops an aborted waiter from the line and rejects with the abort reason', async () => {
    const queue = createEngineQueue(1);
    const release = await queue.acquire('a');
    const controller = new AbortController();
    const waiting = queue.acquire('b', { signal: controller.signal });
    let cStarted = false;
    void queue.acquire('c').then(() => (cStarted = true));
    controller.abort(new Error('client went away'));
    await expect(waiting).rejects.toThrow('client went away');
    expect(queue.positionOf('b')).toBeUndefined();
    expect(queue.positionOf('c')).toBe(1);
    release();
    await flush();
    expect(cStarted).toBe(true);
  });

  it('refuses a request that is already aborted, and a limit below one', async () => {
    const queue = createEngineQueue(1);
    await expect(queue.acquire('a', { signal: AbortSignal.abort(new Error('gone')) })).rejects.toThrow('gone');
    expect(queue.state().running).toBe(0);
    expect(() => createEngineQueue(0)).toThrow();
  });
});
