import 'server-only';

import { getDb } from './connection';
import { now, run } from './run';

// The parts of long audio (lib/transcription/parts.ts), saved as each starts and finishes.

export type PartPlace = { index: number; startSeconds: number; durationSeconds: number };

/** Records a part as started, or as finished with its text; replaces what was saved for it. */
export function savePart({ transcriptId, userId, part, text }: { transcriptId: string; userId: string; part: PartPlace; text?: string }) {
  return run('savePart', async () => {
    const db = await getDb();
    await db.transaction().execute(async (trx) => {
      await trx.deleteFrom('transcript_parts').where('transcript_id', '=', transcriptId).where('user_id', '=', userId).where('part_index', '=', part.index).execute();
      await trx
        .insertInto('transcript_parts')
        .values({
          transcript_id: transcriptId,
          user_id: userId,
          part_index: part.index,
          start_seconds: part.startSeconds,
          duration_seconds: part.durationSeconds,
          status: text === undefined ? 'transcribing' : 'done',
          text: text ?? '',
          updated_at: now(),
        })
        .execute();
    });
  });
}

/** The owner's transcript's parts in order (none for audio sent whole). */
export function getPartsByTranscriptId({ transcriptId, userId }: { transcriptId: string; userId: string }) {
  return run('getPartsByTranscriptId', async () => {
    const db = await getDb();
    return db
      .selectFrom('transcript_parts')
      .select(['part_index', 'start_seconds', 'duration_seconds', 'status', 'text'])
      .where('transcript_id', '=', transcriptId)
      .where('user_id', '=', userId)
      .orderBy('part_index')
      .execute();
  });
}

/** Forgets the parts, for a transcription that starts over. */
export function deletePartsByTranscriptId({ transcriptId, userId }: { transcriptId: string; userId: string }) {
  return run('deletePartsByTranscriptId', async () => {
    const db = await getDb();
    await db.deleteFrom('transcript_parts').where('transcript_id', '=', transcriptId).where('user_id', '=', userId).execute();
  });
}
