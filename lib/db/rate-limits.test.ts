import { describe, expect, it } from 'vitest';
import { testDatabases, useTestDatabase } from './test-databases';

const MINUTE_MS = 60_000;

describe.each(testDatabases)('takeRateLimitHit on $dialect', ({ dialect }) => {
  const db = useTestDatabase(dialect);

  it('allows `limit` hits per window, then refuses with the wait until the oldest leaves the window', async () => {
    const key = crypto.randomUUID();
    const start = Date.parse('2026-01-01T00:00:00.000Z');
    const hit = (offsetMs: number) => db.takeRateLimitHit({ bucket: 'test', key, limit: 3, windowMs: MINUTE_MS, now: new Date(start + offsetMs) });
    expect(await hit(0)).toEqual({ allowed: true });
    expect(await hit(10_000)).toEqual({ allowed: true });
    expect(await hit(20_000)).toEqual({ allowed: true });
    expect(await hit(30_000)).toEqual({ allowed: false, retryAfterSeconds: 30 });
    // Refused hits are not counted: once the first hit is a minute old, one more is allowed.
    expect(await hit(60_001)).toEqual({ allowed: true });
    expect(await hit(60_002)).toEqual({ allowed: false, retryAfterSeconds: 10 });
  });

  it('counts each bucket and key apart', async () => {
    const key = crypto.randomUUID();
    const now = new Date();
    expect(await db.takeRateLimitHit({ bucket: 'a', key, limit: 1, windowMs: MINUTE_MS, now })).toEqual({ allowed: true });
    expect(await db.takeRateLimitHit({ bucket: 'b', key, limit: 1, windowMs: MINUTE_MS, now })).toEqual({ allowed: true });
    expect(await db.takeRateLimitHit({ bucket: 'a', key: crypto.randomUUID(), limit: 1, windowMs: MINUTE_MS, now })).toEqual({ allowed: true });
    expect(await db.takeRateLimitHit({ bucket: 'a', key, limit: 1, windowMs: MINUTE_MS, now })).toMatchObject({ allowed: false });
  });
});
