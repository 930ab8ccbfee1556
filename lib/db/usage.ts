import 'server-only';

import type { Kysely, Transaction } from 'kysely';
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

/**
 * Records a transcription the user starts, as one in flight, if it stays within their limits:
 * in flight at once, started in the last hour, and audio bytes in the last day (with
 * `declaredBytes` still to come). Check and insert run under a lock on the user, so parallel
 * requests cannot both pass. Also drops the user's rows that no quota reads any more.
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
      const since = (ms: number) => new Date(at - ms).toISOString();
      const usage = await trx
        .selectFrom('transcription_usage')
        .select((eb) => [
          eb.fn.countAll<number | string>().filterWhere((row) => row.and([row('ended_at', 'is', null), row('started_at', '>=', since(IN_FLIGHT_AT_MOST_MS))])).as('in_flight'),
          eb.fn.countAll<number | string>().filterWhere('started_at', '>=', since(HOUR_MS)).as('count'),
          eb.fn.coalesce(eb.fn.sum<number | string>('audio_bytes'), eb.lit(0)).as('bytes'),
          eb.fn.coalesce(eb.fn.sum<number | string>('audio_seconds'), eb.lit(0)).as('seconds'),
        ])
        .where('user_id', '=', userId)
        .where('started_at', '>=', since(DAY_MS))
        .executeTakeFirstOrThrow();
      if (Number(usage.in_flight) >= limits.inFlight) return { ok: false, exceeded: 'in_flight' };
      if (Number(usage.count) >= limits.perHour) return { ok: false, exceeded: 'hourly' };
      if (Number(usage.bytes) + declaredBytes > limits.audioBytesPerDay) return { ok: false, exceeded: 'daily_audio' };
      if (limits.audioSecondsPerDay !== undefined && Number(usage.seconds) + declaredSeconds > limits.audioSecondsPerDay) return { ok: false, exceeded: 'daily_duration' };

      await trx.insertInto('transcription_usage').values({ id, user_id: userId, started_at: startedAt, audio_bytes: 0, ended_at: null }).execute();
      await trx.deleteFrom('transcription_usage').where('user_id', '=', userId).where('started_at', '<', since(USAGE_KEPT_MS)).execute();
      return { ok: true };
    });
  });
}

/** Ends a transcription's usage row, which frees its in-flight slot; also for job recovery ending a crashed instance's job. */
export function endTranscriptionUsage({ id }: { id: string }) {
  return run('endTranscriptionUsage', async () => {
    const db = await getDb();
    await db.updateTable('transcription_usage').set({ ended_at: now() }).where('id', '=', id).where('ended_at', 'is', null).execute();
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
