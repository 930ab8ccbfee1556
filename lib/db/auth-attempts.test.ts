import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

// The queries open the database named by the environment on first use: a throwaway one.
const dataDir = mkdtempSync(path.join(tmpdir(), 'auth-attempts-'));
vi.stubEnv('DATA_DIR', dataDir);
vi.stubEnv('DATABASE_URL', '');
const { ATTEMPTS_KEPT_MS, clearAttempts, giveBackWindowedAttempt, takeDelayedAttempt, takeWindowedAttempt } = await import('./auth-attempts');
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const MINUTE_MS = 60 * 1000;
const uniqueKey = () => `test:${crypto.randomUUID()}`;

describe('windowed attempts', () => {
  it('allows `limit` attempts per window, then none until the window has passed', async () => {
    const key = uniqueKey();
    const take = (nowMs: number) => takeWindowedAttempt({ key, limit: 3, windowMs: 10 * MINUTE_MS, nowMs });
    const start = Date.now();
    expect([await take(start), await take(start + 1), await take(start + 2), await take(start + 3)]).toEqual([true, true, true, false]);
    expect(await take(start + 10 * MINUTE_MS - 1)).toBe(false);
    expect(await take(start + 10 * MINUTE_MS)).toBe(true);
  });

  it('lets exactly `limit` of many parallel attempts through', async () => {
    const key = uniqueKey();
    const results = await Promise.all(Array.from({ length: 20 }, () => takeWindowedAttempt({ key, limit: 5, windowMs: MINUTE_MS })));
    expect(results.filter(Boolean)).toHaveLength(5);
  });

  it('never lets two parallel attempts share the last place', async () => {
    for (let round = 0; round < 20; round++) {
      const key = uniqueKey();
      const results = await Promise.all([takeWindowedAttempt({ key, limit: 1, windowMs: MINUTE_MS }), takeWindowedAttempt({ key, limit: 1, windowMs: MINUTE_MS })]);
      expect(results.sort()).toEqual([false, true]);
    }
  });

  it('takes a given-back attempt again, and keeps keys apart', async () => {
    const key = uniqueKey();
    expect(await takeWindowedAttempt({ key, limit: 1, windowMs: MINUTE_MS })).toBe(true);
    expect(await takeWindowedAttempt({ key: uniqueKey(), limit: 1, windowMs: MINUTE_MS })).toBe(true);
    expect(await takeWindowedAttempt({ key, limit: 1, windowMs: MINUTE_MS })).toBe(false);
    await giveBackWindowedAttempt({ key });
    expect(await takeWindowedAttempt({ key, limit: 1, windowMs: MINUTE_MS })).toBe(true);
  });
});

describe('delayed attempts', () => {
  const policy = { freeAttempts: 3, baseDelayMs: 30_000, maxDelayMs: 120_000 };

  it('gives the free attempts at once, then doubles the wait up to the longest delay', async () => {
    const key = uniqueKey();
    let nowMs = Date.now();
    const take = () => takeDelayedAttempt({ key, ...policy, nowMs });
    for (let attempt = 0; attempt < 3; attempt++) expect(await take()).toEqual({ allowed: true });
    expect(await take()).toEqual({ allowed: false, retryAfterMs: 30_000 });

    const waits: number[] = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      const refused = await take();
      if (refused.allowed) throw new Error('expected a wait');
      nowMs += refused.retryAfterMs;
      waits.push(refused.retryAfterMs);
      expect(await take()).toEqual({ allowed: true });
    }
    expect(waits).toEqual([30_000, 60_000, 120_000, 120_000]);
  });

  it('lets one of two parallel attempts through when the free ones are used up', async () => {
    for (let round = 0; round < 10; round++) {
      const key = uniqueKey();
      const nowMs = Date.now();
      for (let attempt = 0; attempt < 3; attempt++) await takeDelayedAttempt({ key, ...policy, nowMs });
      const later = nowMs + 30_000;
      const results = await Promise.all([takeDelayedAttempt({ key, ...policy, nowMs: later }), takeDelayedAttempt({ key, ...policy, nowMs: later })]);
      expect(results.map((result) => result.allowed).sort()).toEqual([false, true]);
    }
  });

  it('starts over once cleared, or after a day without attempts', async () => {
    const key = uniqueKey();
    const nowMs = Date.now();
    for (let attempt = 0; attempt < 3; attempt++) await takeDelayedAttempt({ key, ...policy, nowMs });
    await clearAttempts({ key });
    expect(await takeDelayedAttempt({ key, ...policy, nowMs })).toEqual({ allowed: true });

    const other = uniqueKey();
    for (let attempt = 0; attempt < 3; attempt++) await takeDelayedAttempt({ key: other, ...policy, nowMs });
    expect((await takeDelayedAttempt({ key: other, ...policy, nowMs })).allowed).toBe(false);
    expect(await takeDelayedAttempt({ key: other, ...policy, nowMs: nowMs + ATTEMPTS_KEPT_MS + 1 })).toEqual({ allowed: true });
  });
});
