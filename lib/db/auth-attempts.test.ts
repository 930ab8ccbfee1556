import { describe, expect, it } from 'vitest';
import { testDatabases, useTestDatabase } from './test-databases';

const MINUTE_MS = 60 * 1000;
const uniqueKey = () => `test:${crypto.randomUUID()}`;

describe.each(testDatabases)('sign-in attempts on $dialect', ({ dialect }) => {
  const db = useTestDatabase(dialect);

  describe('windowed attempts', () => {
    it('allows `limit` attempts per window, then none until the window has passed', async () => {
      const key = uniqueKey();
      const take = (nowMs: number) => db.takeWindowedAttempt({ key, limit: 3, windowMs: 10 * MINUTE_MS, nowMs });
      const start = Date.now();
      expect([await take(start), await take(start + 1), await take(start + 2), await take(start + 3)]).toEqual([true, true, true, false]);
      expect(await take(start + 10 * MINUTE_MS - 1)).toBe(false);
      expect(await take(start + 10 * MINUTE_MS)).toBe(true);
    });

    it('lets exactly `limit` of many parallel attempts through', async () => {
      const key = uniqueKey();
      const results = await Promise.all(Array.from({ length: 20 }, () => db.takeWindowedAttempt({ key, limit: 5, windowMs: MINUTE_MS })));
      expect(results.filter(Boolean)).toHaveLength(5);
    });

    it('never lets two parallel attempts share the last place', async () => {
      for (let round = 0; round < 20; round++) {
        const key = uniqueKey();
        const results = await Promise.all([db.takeWindowedAttempt({ key, limit: 1, windowMs: MINUTE_MS }), db.takeWindowedAttempt({ key, limit: 1, windowMs: MINUTE_MS })]);
        expect(results.sort()).toEqual([false, true]);
      }
    });

    it('takes a given-back attempt again, and keeps keys apart', async () => {
      const key = uniqueKey();
      expect(await db.takeWindowedAttempt({ key, limit: 1, windowMs: MINUTE_MS })).toBe(true);
      expect(await db.takeWindowedAttempt({ key: uniqueKey(), limit: 1, windowMs: MINUTE_MS })).toBe(true);
      expect(await db.takeWindowedAttempt({ key, limit: 1, windowMs: MINUTE_MS })).toBe(false);
      await db.giveBackWindowedAttempt({ key });
      expect(await db.takeWindowedAttempt({ key, limit: 1, windowMs: MINUTE_MS })).toBe(true);
    });
  });

  describe('delayed attempts', () => {
    const policy = { freeAttempts: 3, baseDelayMs: 30_000, maxDelayMs: 120_000 };

    it('gives the free attempts at once, then doubles the wait up to the longest delay', async () => {
      const key = uniqueKey();
      let nowMs = Date.now();
      const take = () => db.takeDelayedAttempt({ key, ...policy, nowMs });
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
        for (let attempt = 0; attempt < 3; attempt++) await db.takeDelayedAttempt({ key, ...policy, nowMs });
        const later = nowMs + 30_000;
        const results = await Promise.all([db.takeDelayedAttempt({ key, ...policy, nowMs: later }), db.takeDelayedAttempt({ key, ...policy, nowMs: later })]);
        expect(results.map((result) => result.allowed).sort()).toEqual([false, true]);
      }
    });

    it('starts over once cleared, or after a day without attempts', async () => {
      const key = uniqueKey();
      const nowMs = Date.now();
      for (let attempt = 0; attempt < 3; attempt++) await db.takeDelayedAttempt({ key, ...policy, nowMs });
      await db.clearAttempts({ key });
      expect(await db.takeDelayedAttempt({ key, ...policy, nowMs })).toEqual({ allowed: true });

      const other = uniqueKey();
      for (let attempt = 0; attempt < 3; attempt++) await db.takeDelayedAttempt({ key: other, ...policy, nowMs });
      expect((await db.takeDelayedAttempt({ key: other, ...policy, nowMs })).allowed).toBe(false);
      expect(await db.takeDelayedAttempt({ key: other, ...policy, nowMs: nowMs + db.ATTEMPTS_KEPT_MS + 1 })).toEqual({ allowed: true });
    });
  });
});
