import 'server-only';

import { sql } from 'kysely';
import { getDb } from './connection';
import { run } from './run';

// Throttles for signing in and up. Each check takes its attempt in the same statement (an upsert
// whose update only happens while the key has room), so two instances or two parallel requests
// can never both pass on the last free place: the database serialises writes to one row.

/** A key idle this long starts over; no window or delay may be longer. */
export const ATTEMPTS_KEPT_MS = 24 * 60 * 60 * 1000;

const bigint = (value: number) => sql<number>`cast(${value} as bigint)`;

async function pruneIdle(nowMs: number) {
  const db = await getDb();
  await db.deleteFrom('auth_attempts').where('updated_ms', '<', nowMs - ATTEMPTS_KEPT_MS).execute();
  return db;
}

/**
 * Takes one of `limit` attempts in key's window (which starts at its first attempt and lasts
 * `windowMs`); false, and nothing taken, when the window's attempts are used up.
 */
export function takeWindowedAttempt({ key, limit, windowMs, nowMs = Date.now() }: { key: string; limit: number; windowMs: number; nowMs?: number }) {
  return run('takeWindowedAttempt', async () => {
    const db = await pruneIdle(nowMs);
    const expired = sql<boolean>`auth_attempts.window_started_ms <= ${bigint(nowMs - windowMs)}`;
    const taken = await db
      .insertInto('auth_attempts')
      .values({ key, count: 1, window_started_ms: nowMs, updated_ms: nowMs })
      .onConflict((conflict) =>
        conflict
          .column('key')
          .doUpdateSet({
            count: sql`case when ${expired} then 1 else auth_attempts.count + 1 end`,
            window_started_ms: sql`case when ${expired} then ${bigint(nowMs)} else auth_attempts.window_started_ms end`,
            updated_ms: nowMs,
          })
          .where(sql<boolean>`${expired} or auth_attempts.count < ${limit}`),
      )
      .returning('count')
      .executeTakeFirst();
    return taken !== undefined;
  });
}

/** Returns an attempt taken from key's window (a sign-in that succeeded was no abuse). */
export function giveBackWindowedAttempt({ key }: { key: string }) {
  return run('giveBackWindowedAttempt', async () => {
    const db = await getDb();
    await db
      .updateTable('auth_attempts')
      .set({ count: sql`auth_attempts.count - 1` })
      .where('key', '=', key)
      .where('count', '>', 0)
      .execute();
  });
}

export type DelayedAttempt = { allowed: true } | { allowed: false; retryAfterMs: number };

/**
 * Takes key's next attempt if its delay has passed. The first `freeAttempts` come without delay;
 * after that each attempt makes the next wait twice as long as the last (from `baseDelayMs`, at
 * most `maxDelayMs`). `clearAttempts` starts the key over.
 */
export function takeDelayedAttempt({
  key,
  freeAttempts,
  baseDelayMs,
  maxDelayMs,
  nowMs = Date.now(),
}: {
  key: string;
  freeAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  nowMs?: number;
}): Promise<DelayedAttempt> {
  return run('takeDelayedAttempt', async () => {
    const db = await pruneIdle(nowMs);
    const nextDelay = sql<number>`case
      when auth_attempts.count + 1 < ${freeAttempts} then ${bigint(0)}
      when auth_attempts.delay_ms = 0 then ${bigint(baseDelayMs)}
      when auth_attempts.delay_ms * 2 >= ${bigint(maxDelayMs)} then ${bigint(maxDelayMs)}
      else auth_attempts.delay_ms * 2 end`;
    const firstDelay = freeAttempts > 1 ? 0 : baseDelayMs;
    const taken = await db
      .insertInto('auth_attempts')
      .values({ key, count: 1, window_started_ms: nowMs, delay_ms: firstDelay, next_attempt_ms: nowMs + firstDelay, updated_ms: nowMs })
      .onConflict((conflict) =>
        conflict
          .column('key')
          .doUpdateSet({
            count: sql`auth_attempts.count + 1`,
            delay_ms: nextDelay,
            next_attempt_ms: sql`${bigint(nowMs)} + ${nextDelay}`,
            updated_ms: nowMs,
          })
          .where('auth_attempts.next_attempt_ms', '<=', nowMs),
      )
      .returning('count')
      .executeTakeFirst();
    if (taken) return { allowed: true };
    const row = await db.selectFrom('auth_attempts').select('next_attempt_ms').where('key', '=', key).executeTakeFirst();
    return { allowed: false, retryAfterMs: Math.max(1000, Number(row?.next_attempt_ms ?? nowMs) - nowMs) };
  });
}

export function clearAttempts({ key }: { key: string }) {
  return run('clearAttempts', async () => {
    const db = await getDb();
    await db.deleteFrom('auth_attempts').where('key', '=', key).execute();
  });
}
