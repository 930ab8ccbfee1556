import 'server-only';

import { randomUUID } from 'node:crypto';
import { type Kysely, sql, type Transaction, type UpdateResult } from 'kysely';
import { getConfig } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { getDb } from './connection';
import { dialectOf } from './dialect';
import { now, run } from './run';
import { markMatches } from '@/lib/search-marks';
import type { Database, NewTranscript, Transcript, TranscriptSourceKind, TranscriptStatus, TranscriptVersion } from './schema';

/**
 * Runs a write of a transcript's title or text and, in the same transaction, indexes what it
 * wrote for search (not called by progress saves: a running text is indexed when it ends).
 * Returns whether the write changed a row.
 */
async function writeSearchable(db: Kysely<Database>, id: string, write: (trx: Transaction<Database>) => Promise<UpdateResult | boolean>) {
  return db.transaction().execute(async (trx) => {
    const result = await write(trx);
    const changed = typeof result === 'boolean' ? result : Number(result.numUpdatedRows) > 0;
    if (changed) await dialectOf(trx).searchIndex.update(trx, [id]);
    return changed;
  });
}

/** A transcript as its transcription starts; its usage row, with the same id, was written by the quota's reservation. */
export function createTranscript(transcript: Omit<NewTranscript, 'created_at' | 'updated_at' | 'started_at' | 'original_text' | 'edited_at' | 'status' | 'text'>) {
  return run('createTranscript', async () => {
    const db = await getDb();
    const timestamp = now();
    await writeSearchable(db, transcript.id, async (trx) => {
      await trx
        .insertInto('transcripts')
        .values({ ...transcript, status: 'transcribing', text: '', created_at: timestamp, updated_at: timestamp, started_at: timestamp })
        .execute();
      return true;
    });
  });
}

/** Starts the transcript over; the text it had is kept as a version first. */
export function restartTranscript({ id, userId, language, prompt }: { id: string; userId: string; language: string | null; prompt: string | null }) {
  return run('restartTranscript', async () => {
    const db = await getDb();
    await writeSearchable(db, id, async (trx) => {
      const previous = await trx
        .selectFrom('transcripts')
        .select(['text', 'language', 'prompt'])
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (previous?.text) await addTranscriptVersion(trx, { transcriptId: id, userId, ...previous });
      const timestamp = now();
      const restarted = await trx
        .updateTable('transcripts')
        .set({
          status: 'transcribing',
          text: '',
          original_text: null,
          edited_at: null,
          language,
          prompt,
          error_code: null,
          error_message: null,
          usage_json: null,
          duration_seconds: null,
          completed_at: null,
          started_at: timestamp,
          updated_at: timestamp,
        })
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      await assertTextWithinLimit(trx, userId);
      return restarted;
    });
  });
}

/** Replaces the text with the user's; the upstream's text is kept once, for revert. */
export function editTranscriptText({ id, userId, text }: { id: string; userId: string; text: string }) {
  return run('editTranscriptText', async () => {
    const db = await getDb();
    const timestamp = now();
    return writeSearchable(db, id, async (trx) => {
      const result = await trx
        .updateTable('transcripts')
        .set((eb) => ({ original_text: eb.fn.coalesce('original_text', 'text'), text, edited_at: timestamp, updated_at: timestamp }))
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .where('status', '!=', 'transcribing')
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) return false;
      await assertTextWithinLimit(trx, userId);
      return true;
    });
  });
}

/** Puts the upstream's text back; the edited text is kept as a version, so nothing is lost. */
export function revertTranscriptText({ id, userId }: { id: string; userId: string }) {
  return run('revertTranscriptText', async () => {
    const db = await getDb();
    return writeSearchable(db, id, async (trx) => {
      const edited = await trx
        .selectFrom('transcripts')
        .select(['text', 'language', 'prompt'])
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .where('original_text', 'is not', null)
        .executeTakeFirst();
      if (!edited) return false;
      const timestamp = now();
      await addTranscriptVersion(trx, { transcriptId: id, userId, ...edited });
      await trx
        .updateTable('transcripts')
        .set((eb) => ({ text: eb.fn.coalesce('original_text', 'text'), original_text: null, edited_at: null, updated_at: timestamp }))
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .execute();
      await assertTextWithinLimit(trx, userId);
      return true;
    });
  });
}

export function renameTranscript({ id, userId, title }: { id: string; userId: string; title: string }) {
  return run('renameTranscript', async () => {
    const db = await getDb();
    return writeSearchable(db, id, (trx) =>
      trx.updateTable('transcripts').set({ title, updated_at: now() }).where('id', '=', id).where('user_id', '=', userId).executeTakeFirst(),
    );
  });
}

/**
 * Keeps a text the transcript had as an earlier version. Only the newest versions are kept
 * (LIMIT_VERSIONS_PER_TRANSCRIPT): the oldest is dropped.
 */
async function addTranscriptVersion(
  trx: Kysely<Database>,
  { transcriptId, userId, text, language, prompt }: { transcriptId: string; userId: string } & Pick<TranscriptVersion, 'text' | 'language' | 'prompt'>,
) {
  await trx.insertInto('transcript_versions').values({ id: randomUUID(), transcript_id: transcriptId, user_id: userId, text, language, prompt, created_at: now() }).execute();
  await trx
    .deleteFrom('transcript_versions')
    .where('transcript_id', '=', transcriptId)
    .where('user_id', '=', userId)
    .where('id', 'not in', (eb) =>
      eb
        .selectFrom('transcript_versions')
        .select('id')
        .where('transcript_id', '=', transcriptId)
        .where('user_id', '=', userId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(getConfig().limits.versionsPerTranscript),
    )
    .execute();
}

/**
 * Refuses (last in the caller's transaction, which then rolls back) a change that leaves the user
 * with more text than LIMIT_TEXT_MB_PER_USER: transcripts, their unedited originals and earlier
 * versions. Counted in characters, which is bytes for most text.
 */
async function assertTextWithinLimit(trx: Kysely<Database>, userId: string) {
  const limit = getConfig().limits.textBytesPerUser;
  const [transcripts, versions] = await Promise.all([
    trx
      .selectFrom('transcripts')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number | string>(sql`length(text) + coalesce(length(original_text), 0)`), eb.lit(0)).as('total'))
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow(),
    trx
      .selectFrom('transcript_versions')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number | string>(sql`length(text)`), eb.lit(0)).as('total'))
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow(),
  ]);
  if (Number(transcripts.total) + Number(versions.total) > limit) {
    throw new AppError(
      'payload_too_large:text_quota',
      `Your transcripts hold more than ${limit / 1_000_000} MB of text, the most one account keeps. Delete transcripts you no longer need, then try again.`,
    );
  }
}

export function getTranscriptVersionsByTranscriptId({ transcriptId, userId }: { transcriptId: string; userId: string }) {
  return run('getTranscriptVersionsByTranscriptId', async () => {
    const db = await getDb();
    return db
      .selectFrom('transcript_versions')
      .select(['id', 'text', 'language', 'prompt', 'created_at'])
      .where('transcript_id', '=', transcriptId)
      .where('user_id', '=', userId)
      .orderBy('created_at', 'desc')
      .execute();
  });
}

export function updateTranscriptProgress({ id, userId, text, audioBytes }: { id: string; userId: string; text: string; audioBytes?: number }) {
  return run('updateTranscriptProgress', async () => {
    const db = await getDb();
    await db
      .updateTable('transcripts')
      .set({ text, updated_at: now(), ...(audioBytes === undefined ? {} : { audio_bytes: audioBytes }) })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .where('status', '=', 'transcribing')
      .execute();
    if (audioBytes !== undefined) {
      await db.updateTable('transcription_usage').set({ audio_bytes: audioBytes }).where('id', '=', id).where('user_id', '=', userId).execute();
    }
  });
}

export function completeTranscript({
  id,
  userId,
  text,
  usageJson,
  durationSeconds,
}: {
  id: string;
  userId: string;
  text: string;
  usageJson: string | null;
  durationSeconds: number | null;
}) {
  return run('completeTranscript', async () => {
    const db = await getDb();
    const timestamp = now();
    await writeSearchable(db, id, (trx) =>
      trx
        .updateTable('transcripts')
        .set({ status: 'done', text, usage_json: usageJson, duration_seconds: durationSeconds, updated_at: timestamp, completed_at: timestamp })
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .executeTakeFirst(),
    );
  });
}

export function endTranscriptWithoutText({
  id,
  userId,
  status,
  text,
  errorCode,
  errorMessage,
}: {
  id: string;
  userId: string;
  status: Extract<TranscriptStatus, 'failed' | 'cancelled'>;
  text: string;
  errorCode: string;
  errorMessage: string;
}) {
  return run('endTranscriptWithoutText', async () => {
    const db = await getDb();
    const timestamp = now();
    await writeSearchable(db, id, (trx) =>
      trx
        .updateTable('transcripts')
        .set({ status, text, error_code: errorCode, error_message: errorMessage, updated_at: timestamp, completed_at: timestamp })
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .executeTakeFirst(),
    );
  });
}

export function getTranscriptById({ id, userId }: { id: string; userId: string }): Promise<Transcript | undefined> {
  return run('getTranscriptById', async () => {
    const db = await getDb();
    return db.selectFrom('transcripts').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
  });
}

export type TranscriptCursor = { createdAt: string; id: string };

export type TranscriptFilter = {
  status?: TranscriptStatus;
  source?: TranscriptSourceKind;
  /** ISO timestamps: created at or after `from`, before `to`. */
  from?: string;
  to?: string;
  /** Words to find in the title or text. */
  search?: string;
};

/**
 * The owner's transcripts, newest first, a page at a time; with `search`, only those matching
 * every word (the last one as a prefix, for search as you type), with the matches marked.
 */
export function getTranscriptsByUserId({ userId, cursor, limit, filter = {} }: { userId: string; cursor?: TranscriptCursor; limit: number; filter?: TranscriptFilter }) {
  return run('getTranscriptsByUserId', async () => {
    const db = await getDb();
    const matches = filter.search ? dialectOf(db).searchIndex.matches(filter.search) : undefined;
    if (filter.search && !matches) return { items: [], nextCursor: null };
    let query = db
      .selectFrom('transcripts')
      .select(['id', 'title', 'status', 'created_at', 'audio_bytes', 'duration_seconds', 'error_code', 'error_message', 'edited_at', 'source', 'api_key_id', 'api_key_name'])
      .select((eb) => eb.fn('substr', ['text', eb.val(1), eb.val(300)]).$castTo<string>().as('text_start'))
      .where('user_id', '=', userId);
    if (matches) query = query.where(matches);
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.source) query = query.where('source', '=', filter.source);
    if (filter.from) query = query.where('created_at', '>=', filter.from);
    if (filter.to) query = query.where('created_at', '<', filter.to);
    if (cursor) {
      query = query.where((eb) =>
        eb.or([
          eb('created_at', '<', cursor.createdAt),
          eb.and([eb('created_at', '=', cursor.createdAt), eb('id', '<', cursor.id)]),
        ]),
      );
    }
    const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const nextCursor: TranscriptCursor | null = rows.length > limit && last ? { createdAt: last.created_at, id: last.id } : null;
    const search = matches ? filter.search : undefined;
    const texts = search ? await getTextsByIds(page.map((row) => row.id), userId) : new Map<string, string>();
    const items = page.map((row) => ({
      ...row,
      titleMarked: search ? markMatches(row.title, search) : null,
      snippet: search ? markMatches(texts.get(row.id) ?? '', search, { aroundWords: 14 }) : null,
    }));
    return { items, nextCursor };
  });
}

/** The page's full texts, only to cut a snippet around the matches. */
async function getTextsByIds(ids: string[], userId: string) {
  if (ids.length === 0) return new Map<string, string>();
  const db = await getDb();
  const rows = await db.selectFrom('transcripts').select(['id', 'text']).where('id', 'in', ids).where('user_id', '=', userId).execute();
  return new Map(rows.map((row) => [row.id, row.text]));
}

/** Deletes the owner's transcripts among `ids`; returns the audio keys to delete. */
export function deleteTranscriptsByIds({ ids, userId }: { ids: string[]; userId: string }) {
  return run('deleteTranscriptsByIds', async () => {
    const db = await getDb();
    return db.deleteFrom('transcripts').where('id', 'in', ids).where('user_id', '=', userId).returning(['id', 'audio_key']).execute();
  });
}

/** Deletes the transcript and its share links; returns the audio key to delete, or undefined when not the owner's. */
export function deleteTranscriptById({ id, userId }: { id: string; userId: string }) {
  return run('deleteTranscriptById', async () => {
    const db = await getDb();
    const deleted = await db
      .deleteFrom('transcripts')
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .returning(['id', 'audio_key'])
      .executeTakeFirst();
    return deleted;
  });
}
