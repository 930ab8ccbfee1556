import 'server-only';

import { randomUUID } from 'node:crypto';
import { getDb } from './connection';
import { run } from './run';

/** PostgreSQL's answer when a serializable transaction lost a race: run it again. */
const SERIALIZATION_FAILURE = '40001';
const ATTEMPTS = 3;

export type RateLimitVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * A sliding-window rate limit counted in the database, so that every instance shares it. Counts
 * one hit of `key` in `bucket` (e.g. `search` per user id) and allows it when at most `limit`
 * hits fall within the last `windowMs`; a refused hit is not counted, so waiting always helps.
 *
 * Atomic on both databases: the hit is inserted before counting, in a serializable transaction
 * (SQLite holds its write lock from the insert to the commit; PostgreSQL makes one of two racing
 * transactions fail, and it is retried). Rows older than the window are pruned per key on each
 * hit, so a key keeps at most `limit` rows. To limit something else, pick a new bucket name.
 */
export function takeRateLimitHit({ bucket, key, limit, windowMs, now = new Date() }: { bucket: string; key: string; limit: number; windowMs: number; now?: Date }): Promise<RateLimitVerdict> {
  return run('takeRateLimitHit', async () => {
    const db = await getDb();
    const at = now.toISOString();
    const windowStart = new Date(now.getTime() - windowMs).toISOString();
    for (let attempt = 1; ; attempt++) {
      try {
        return await db
          .transaction()
          .setIsolationLevel('serializable')
          .execute(async (trx): Promise<RateLimitVerdict> => {
            const id = randomUUID();
            await trx.insertInto('rate_limit_hits').values({ id, bucket, key, at }).execute();
            await trx.deleteFrom('rate_limit_hits').where('bucket', '=', bucket).where('key', '=', key).where('at', '<=', windowStart).execute();
            const hits = await trx
              .selectFrom('rate_limit_hits')
              .select((eb) => [eb.fn.countAll<number | string>().as('count'), eb.fn.min('at').as('oldest')])
              .where('bucket', '=', bucket)
              .where('key', '=', key)
              .executeTakeFirstOrThrow();
            if (Number(hits.count) <= limit) return { allowed: true };
            await trx.deleteFrom('rate_limit_hits').where('id', '=', id).execute();
            const freedAt = Date.parse(hits.oldest ?? at) + windowMs;
            return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((freedAt - now.getTime()) / 1000)) };
          });
      } catch (error) {
        if (attempt >= ATTEMPTS || (error as { code?: unknown }).code !== SERIALIZATION_FAILURE) throw error;
      }
    }
  });
}
