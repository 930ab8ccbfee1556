import 'server-only';

import { type AliasableExpression, type ExpressionBuilder, type Kysely, sql, type Transaction } from 'kysely';
import { dialectOf } from './dialect';
import { getDb } from './connection';
import { now, run } from './run';
import type { Database } from './schema';

// Quota usage: a ledger apart from transcripts, so that deleting a transcript gives nothing back.
// Every instance counts from these rows, so the limits hold across instances.

/** Longer than any quota window (a day), so that pruning never lowers a count. */
const USAGE_KEPT_MS = 2 * 24 * 60 * 60 * 1000;

/**
 * A row not ended after this long no longer holds an in-flight slot: an instance that crashed
 * mid-job cannot leak a slot for longer. Longer than any transcription runs (the upstream's idle
 * timeout ends a stalled one within minutes).
 */
export const IN_FLIGHT_AT_MOST_MS = 60 * 60 * 1000;

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

export type TranscriptionLimits = { inFlight: number; perHour: number; audioBytesPerDay: number; audioSecondsPerDay?: number };

export type UsageReservation = { ok: true } | { ok: false; exceeded: 'in_flight' | 'hourly' | 'daily_audio' | 'daily_duration' };

type Exceeded = Extract<UsageReservation, { ok: false }>['exceeded'];

/**
 * Each limit as what the user's rows of the last day have used, what the new transcription adds
 * and what is allowed: one definition for the guarded insert and for naming a refusal.
 */
function limitChecks({ at, limits, declaredBytes, declaredSeconds }: { at: number; limits: TranscriptionLimits; declaredBytes: number; declaredSeconds: number }) {
  const since = (ms: number) => new Date(at - ms).toISOString();
  type Usage = ExpressionBuilder<Database, 'transcription_usage'>;
  const checks: { exceeded: Exceeded; used: (eb: Usage) => AliasableExpression<number | string | bigint>; adds: number; allowed: number }[] = [
    {
      exceeded: 'in_flight',
      used: (eb) => eb.fn.countAll().filterWhere((row) => row.and([row('ended_at', 'is', null), row('started_at', '>=', since(IN_FLIGHT_AT_MOST_MS))])),
      adds: 1,
      allowed: limits.inFlight,
    },
    { exceeded: 'hourly', used: (eb) => eb.fn.countAll().filterWhere('started_at', '>=', since(HOUR_MS)), adds: 1, allowed: limits.perHour },
    { exceeded: 'daily_audio', used: (eb) => eb.fn.coalesce(eb.fn.sum('audio_bytes'), eb.lit(0)), adds: declaredBytes, allowed: limits.audioBytesPerDay },
  ];
  if (limits.audioSecondsPerDay !== undefined) {
    checks.push({ exceeded: 'daily_duration', used: (eb) => eb.fn.coalesce(eb.fn.sum('audio_seconds'), eb.lit(0)), adds: declaredSeconds, allowed: limits.audioSecondsPerDay });
  }
  return checks;
}

/**
 * Records a transcription the user starts, as one in flight, if it stays within their limits:
 * in flight at once, started in the last hour, and audio bytes in the last day (with
 * `declaredBytes` still to come). The row is inserted by one statement that also checks the
 * limits, under a lock on the user, so parallel requests cannot both pass; only a refusal reads
 * the usage again, to say which limit it met.
 */
export function reserveTranscriptionUsage({
  id,
  userId,
  limits,
  declaredBytes = 0,
  declaredSeconds = 0,
}: {
  id: string;
  userId: string;
  limits: TranscriptionLimits;
  declaredBytes?: number;
  /** The audio's duration when the client states it (long audio): refused at once past the allowance. */
  declaredSeconds?: number;
}): Promise<UsageReservation> {
  return run('reserveTranscriptionUsage', async () => {
    const db = await getDb();
    return db.transaction().execute(async (trx): Promise<UsageReservation> => {
      await dialectOf(trx).lockUser(trx, userId);
      const startedAt = now();
      const at = Date.parse(startedAt);
      const checks = limitChecks({ at, limits, declaredBytes, declaredSeconds });
      const usage = trx
        .selectFrom('transcription_usage')
        .select((eb) => checks.map((check, index) => check.used(eb).as(`used${index}`)))
        .where('user_id', '=', userId)
        .where('started_at', '>=', new Date(at - DAY_MS).toISOString());
      // The usage is one row (an aggregate), also for a user with no rows; the new row is selected from it only within every limit.
      const inserted = await trx
        .insertInto('transcription_usage')
        .columns(['id', 'user_id', 'started_at', 'audio_bytes', 'ended_at'])
        .expression(
          trx
            .selectFrom(usage.as('usage'))
            .select((eb) => [eb.val(id).as('id'), eb.val(userId).as('user_id'), eb.val(startedAt).as('started_at'), eb.lit(0).as('audio_bytes'), eb.lit(null).as('ended_at')])
            .where((eb) => eb.and(checks.map((check, index) => eb(eb(sql.ref(`usage.used${index}`), '+', check.adds), '<=', check.allowed)))),
        )
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows) === 1) return { ok: true };
      const used = (await usage.executeTakeFirstOrThrow()) as Record<string, unknown>;
      const met = checks.find((check, index) => Number(used[`used${index}`]) + check.adds > check.allowed);
      return { ok: false, exceeded: met?.exceeded ?? 'in_flight' };
    });
  });
}

/**
 * Ends a transcription's usage row, which frees its in-flight slot; also for job recovery ending
 * a crashed instance's job. Then drops the user's rows that no quota reads any more, here
 * rather than on the way to a new upload's first byte.
 */
export function endTranscriptionUsage({ id }: { id: string }) {
  return run('endTranscriptionUsage', async () => {
    const db = await getDb();
    await db.updateTable('transcription_usage').set({ ended_at: now() }).where('id', '=', id).where('ended_at', 'is', null).execute();
    await db
      .deleteFrom('transcription_usage')
      .where('user_id', 'in', (eb) => eb.selectFrom('transcription_usage').select('user_id').where('id', '=', id))
      .where('started_at', '<', new Date(Date.now() - USAGE_KEPT_MS).toISOString())
      .execute();
  });
}

/**
 * Counts a transcription's audio duration, once the server knows it, if the user's last day of
 * audio still has room for it (under the same lock as reservations); false, and nothing
 * counted, when it has not.
 */
export function recordTranscriptionSeconds({ id, userId, seconds, audioSecondsPerDay }: { id: string; userId: string; seconds: number; audioSecondsPerDay: number }) {
  return run('recordTranscriptionSeconds', async () => {
    const db = await getDb();
    return db.transaction().execute(async (trx) => {
      await dialectOf(trx).lockUser(trx, userId);
      const since = new Date(Date.now() - DAY_MS).toISOString();
      const others = await trx
        .selectFrom('transcription_usage')
        .select((eb) => eb.fn.coalesce(eb.fn.sum<number | string>('audio_seconds'), eb.lit(0)).as('seconds'))
        .where('user_id', '=', userId)
        .where('id', '!=', id)
        .where('started_at', '>=', since)
        .executeTakeFirstOrThrow();
      if (Number(others.seconds) + seconds > audioSecondsPerDay) return false;
      await trx.updateTable('transcription_usage').set({ audio_seconds: seconds }).where('id', '=', id).where('user_id', '=', userId).execute();
      return true;
    });
  });
}

/** Seconds of audio the user's transcriptions counted in the last 24 hours: what a stated duration is checked against before an upload starts. */
export function getAudioSecondsUsedToday({ userId }: { userId: string }) {
  return run('getAudioSecondsUsedToday', async () => usedToday(await getDb(), userId, 'audio_seconds'));
}

/** Audio bytes the user's transcriptions took in the last 24 hours, read inside the caller's transaction (which holds the user's lock). */
export const audioBytesUsedToday = (trx: Transaction<Database>, userId: string) => usedToday(trx, userId, 'audio_bytes');

/** The user's total of one usage column over the last 24 hours. */
async function usedToday(db: Kysely<Database> | Transaction<Database>, userId: string, column: 'audio_bytes' | 'audio_seconds') {
  const row = await db
    .selectFrom('transcription_usage')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number | string>(column), eb.lit(0)).as('total'))
    .where('user_id', '=', userId)
    .where('started_at', '>=', new Date(Date.now() - DAY_MS).toISOString())
    .executeTakeFirstOrThrow();
  return Number(row.total);
}
