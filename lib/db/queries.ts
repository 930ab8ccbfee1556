import 'server-only';

import { randomUUID } from 'node:crypto';
import { AppError } from '@/lib/errors';
import { log } from '@/lib/log';
import { getDb } from './connection';
import type { NewTranscript, Transcript, TranscriptStatus, User } from './schema';

const now = () => new Date().toISOString();

async function run<T>(operation: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AppError) throw error;
    log.error('db', { operation, cause: error instanceof Error ? error.message : String(error) });
    throw new AppError('internal:database');
  }
}

// Users

export function createUser({ email, passwordHash }: { email: string; passwordHash: string }): Promise<User> {
  return run('createUser', async () => {
    const db = await getDb();
    const user = { id: randomUUID(), email, name: null, password_hash: passwordHash, created_at: now() };
    const inserted = await db
      .insertInto('users')
      .values(user)
      .onConflict((conflict) => conflict.column('email').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) throw new AppError('conflict:email');
    return user;
  });
}

export function getUserByEmail({ email }: { email: string }): Promise<User | undefined> {
  return run('getUserByEmail', async () => {
    const db = await getDb();
    return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
  });
}

/** Signs in through an OAuth provider: the verified email identifies the account. */
export function upsertOAuthUser({ email, name }: { email: string; name: string | null }): Promise<string> {
  return run('upsertOAuthUser', async () => {
    const db = await getDb();
    await db
      .insertInto('users')
      .values({ id: randomUUID(), email, name, password_hash: null, created_at: now() })
      .onConflict((conflict) => conflict.column('email').doNothing())
      .execute();
    const user = await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow();
    return user.id;
  });
}

// Transcripts

export function createTranscript(transcript: Omit<NewTranscript, 'created_at' | 'updated_at' | 'status' | 'text'>) {
  return run('createTranscript', async () => {
    const db = await getDb();
    const timestamp = now();
    await db
      .insertInto('transcripts')
      .values({ ...transcript, status: 'transcribing', text: '', created_at: timestamp, updated_at: timestamp })
      .execute();
  });
}

export function restartTranscript({ id, userId, language, prompt }: { id: string; userId: string; language: string | null; prompt: string | null }) {
  return run('restartTranscript', async () => {
    const db = await getDb();
    await db
      .updateTable('transcripts')
      .set({ status: 'transcribing', text: '', language, prompt, error_code: null, error_message: null, completed_at: null, updated_at: now() })
      .where('id', '=', id)
      .where('user_id', '=', userId)
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
    await db
      .updateTable('transcripts')
      .set({ status: 'done', text, usage_json: usageJson, duration_seconds: durationSeconds, updated_at: timestamp, completed_at: timestamp })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .execute();
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
    await db
      .updateTable('transcripts')
      .set({ status, text, error_code: errorCode, error_message: errorMessage, updated_at: timestamp, completed_at: timestamp })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .execute();
  });
}

/** What the user has started lately: transcriptions since `countSince` and audio bytes since `bytesSince`. */
export function getTranscriptionUsageByUserId({ userId, countSince, bytesSince }: { userId: string; countSince: Date; bytesSince: Date }) {
  return run('getTranscriptionUsageByUserId', async () => {
    const db = await getDb();
    const usage = await db
      .selectFrom('transcripts')
      .select((eb) => [
        eb.fn.countAll<number>().filterWhere('created_at', '>=', countSince.toISOString()).as('count'),
        eb.fn.coalesce(eb.fn.sum<number>('audio_bytes'), eb.lit(0)).as('bytes'),
      ])
      .where('user_id', '=', userId)
      .where('created_at', '>=', bytesSince.toISOString())
      .executeTakeFirstOrThrow();
    return { count: Number(usage.count), bytes: Number(usage.bytes) };
  });
}

export function getTranscriptById({ id, userId }: { id: string; userId: string }): Promise<Transcript | undefined> {
  return run('getTranscriptById', async () => {
    const db = await getDb();
    return db.selectFrom('transcripts').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
  });
}

export type TranscriptCursor = { createdAt: string; id: string };

export function getTranscriptsByUserId({ userId, cursor, limit }: { userId: string; cursor?: TranscriptCursor; limit: number }) {
  return run('getTranscriptsByUserId', async () => {
    const db = await getDb();
    let query = db
      .selectFrom('transcripts')
      .select(['id', 'title', 'status', 'created_at', 'audio_bytes', 'duration_seconds', 'error_message'])
      .select((eb) => eb.fn('substr', ['text', eb.val(1), eb.val(300)]).$castTo<string>().as('text_start'))
      .where('user_id', '=', userId);
    if (cursor) {
      query = query.where((eb) =>
        eb.or([
          eb('created_at', '<', cursor.createdAt),
          eb.and([eb('created_at', '=', cursor.createdAt), eb('id', '<', cursor.id)]),
        ]),
      );
    }
    const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    const nextCursor: TranscriptCursor | null = rows.length > limit && last ? { createdAt: last.created_at, id: last.id } : null;
    return { items, nextCursor };
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

/** A restart ends every transcription that was running: mark them failed so they can be retried. */
export function failInterruptedTranscripts() {
  return run('failInterruptedTranscripts', async () => {
    const db = await getDb();
    const result = await db
      .updateTable('transcripts')
      .set({
        status: 'failed',
        error_code: 'interrupted',
        error_message: 'The server restarted during this transcription. The audio is kept; transcribe it again.',
        updated_at: now(),
        completed_at: now(),
      })
      .where('status', '=', 'transcribing')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  });
}

// Share links

export function createShareLink({ transcriptId, userId, tokenHash }: { transcriptId: string; userId: string; tokenHash: string }) {
  return run('createShareLink', async () => {
    const db = await getDb();
    const owned = await db
      .selectFrom('transcripts')
      .select('id')
      .where('id', '=', transcriptId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (!owned) return undefined;
    const link = { id: randomUUID(), transcript_id: transcriptId, user_id: userId, token_hash: tokenHash, created_at: now(), last_viewed_at: null };
    await db.insertInto('share_links').values(link).execute();
    return link;
  });
}

export function getShareLinksByTranscriptId({ transcriptId, userId }: { transcriptId: string; userId: string }) {
  return run('getShareLinksByTranscriptId', async () => {
    const db = await getDb();
    return db
      .selectFrom('share_links')
      .select(['id', 'created_at', 'last_viewed_at', 'view_count'])
      .where('transcript_id', '=', transcriptId)
      .where('user_id', '=', userId)
      .orderBy('created_at', 'desc')
      .execute();
  });
}

export function deleteShareLinksByTranscriptId({ transcriptId, userId }: { transcriptId: string; userId: string }) {
  return run('deleteShareLinksByTranscriptId', async () => {
    const db = await getDb();
    const result = await db
      .deleteFrom('share_links')
      .where('transcript_id', '=', transcriptId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  });
}

/** The public view of a shared transcript; records the view. Never returns owner details. */
export function getSharedTranscriptByTokenHash({ tokenHash }: { tokenHash: string }) {
  return run('getSharedTranscriptByTokenHash', async () => {
    const db = await getDb();
    const shared = await db
      .selectFrom('share_links')
      .innerJoin('transcripts', 'transcripts.id', 'share_links.transcript_id')
      .select([
        'share_links.id as link_id',
        'transcripts.title',
        'transcripts.text',
        'transcripts.status',
        'transcripts.language',
        'transcripts.created_at',
        'transcripts.duration_seconds',
      ])
      .where('share_links.token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (!shared) return undefined;
    await db
      .updateTable('share_links')
      .set((eb) => ({ last_viewed_at: now(), view_count: eb('view_count', '+', 1) }))
      .where('id', '=', shared.link_id)
      .execute();
    return shared;
  });
}
