import 'server-only';

import type { Kysely } from 'kysely';
import { getDb } from './connection';
import { run } from './run';
import type { Database } from './schema';

// Quota usage: a ledger apart from transcripts, so that deleting a transcript gives nothing back

/** Longer than any quota window (a day), so that pruning never lowers a count. */
const USAGE_KEPT_MS = 2 * 24 * 60 * 60 * 1000;

/** Records a transcription the user started, and drops their rows that no quota reads any more. */
export async function recordTranscriptionUsage(db: Kysely<Database>, { id, userId, startedAt }: { id: string; userId: string; startedAt: string }) {
  await db.insertInto('transcription_usage').values({ id, user_id: userId, started_at: startedAt, audio_bytes: 0 }).execute();
  await db
    .deleteFrom('transcription_usage')
    .where('user_id', '=', userId)
    .where('started_at', '<', new Date(Date.parse(startedAt) - USAGE_KEPT_MS).toISOString())
    .execute();
}

/** What the user has started lately: transcriptions since `countSince` and audio bytes since `bytesSince`. */
export function getTranscriptionUsageByUserId({ userId, countSince, bytesSince }: { userId: string; countSince: Date; bytesSince: Date }) {
  return run('getTranscriptionUsageByUserId', async () => {
    const db = await getDb();
    const usage = await db
      .selectFrom('transcription_usage')
      .select((eb) => [
        eb.fn.countAll<number>().filterWhere('started_at', '>=', countSince.toISOString()).as('count'),
        eb.fn.coalesce(eb.fn.sum<number>('audio_bytes'), eb.lit(0)).as('bytes'),
      ])
      .where('user_id', '=', userId)
      .where('started_at', '>=', bytesSince.toISOString())
      .executeTakeFirstOrThrow();
    return { count: Number(usage.count), bytes: Number(usage.bytes) };
  });
}
