import 'server-only';

import { dialectOf } from './dialect';
import { getDb } from './connection';
import { now, run } from './run';
import type { Selectable } from 'kysely';
import type { ResumableUploadsTable } from './schema';
import { audioBytesUsedToday } from './usage';

// Resumable uploads. The offset moves only by a conditional update (`where upload_offset =
// expected`) that also records the chunk just stored, in one transaction: of two instances
// appending at one offset, exactly one commits and the other's chunk is discarded. So HEAD
// always reports bytes that are stored, whichever instance answers it.

export type ResumableUpload = {
  id: string;
  userId: string;
  /** Undefined while the length is deferred. */
  length: number | undefined;
  offset: number;
  fileName: string;
  declaredType: string;
  audioType: string | undefined;
  language: string | undefined;
  prompt: string | undefined;
  claimedBy: string | undefined;
  /** Created with a deferred length: a recording. */
  recording: boolean;
  createdAt: string;
  expiresAt: string;
};

export type ResumableUploadChunk = { start: number; bytes: number; storageKey: string };

function toUpload(row: Selectable<ResumableUploadsTable>): ResumableUpload {
  return {
    id: row.id,
    userId: row.user_id,
    length: row.upload_length === null ? undefined : Number(row.upload_length),
    offset: Number(row.upload_offset),
    fileName: row.file_name,
    declaredType: row.declared_type,
    audioType: row.audio_type ?? undefined,
    language: row.language ?? undefined,
    prompt: row.prompt ?? undefined,
    claimedBy: row.claimed_by ?? undefined,
    recording: Number(row.deferred_length) === 1,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

export type NewResumableUpload = {
  id: string;
  userId: string;
  length: number | undefined;
  fileName: string;
  declaredType: string;
  language: string | undefined;
  prompt: string | undefined;
  expiresAt: string;
};

/**
 * Creates the upload if the user's audio of the last 24 hours, plus what their other open uploads
 * hold or declare (claimed ones too: a growing one counts as a transcription only once complete), plus this one's declared length, stays within `audioBytesPerDay` (a deferred
 * length counts as 0 until declared, but there must be room left). Checked and inserted under the
 * user's lock, so that parallel creations cannot both pass. False when refused.
 */
export function createResumableUpload({ upload, audioBytesPerDay }: { upload: NewResumableUpload; audioBytesPerDay: number }) {
  return run('createResumableUpload', async () => {
    const db = await getDb();
    return db.transaction().execute(async (trx) => {
      await dialectOf(trx).lockUser(trx, upload.userId);
      const createdAt = now();
      const open = await trx
        .selectFrom('resumable_uploads')
        .select((eb) => eb.fn.coalesce(eb.fn.sum<number | string>(eb.fn.coalesce('upload_length', 'upload_offset')), eb.lit(0)).as('bytes'))
        .where('user_id', '=', upload.userId)
        .where('expires_at', '>', createdAt)
        .executeTakeFirstOrThrow();
      const used = (await audioBytesUsedToday(trx, upload.userId)) + Number(open.bytes);
      if (used + (upload.length ?? 0) > audioBytesPerDay || used >= audioBytesPerDay) return false;
      await trx
        .insertInto('resumable_uploads')
        .values({
          id: upload.id,
          user_id: upload.userId,
          upload_length: upload.length ?? null,
          upload_offset: 0,
          file_name: upload.fileName,
          declared_type: upload.declaredType,
          audio_type: null,
          language: upload.language ?? null,
          prompt: upload.prompt ?? null,
          claimed_by: null,
          deferred_length: upload.length === undefined ? 1 : 0,
          created_at: createdAt,
          updated_at: createdAt,
          expires_at: upload.expiresAt,
        })
        .execute();
      return true;
    });
  });
}

/** The owner's upload; undefined for a missing one and for another user's. */
export function getResumableUpload({ id, userId }: { id: string; userId: string }) {
  return run('getResumableUpload', async () => {
    const db = await getDb();
    const row = await db.selectFrom('resumable_uploads').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
    return row ? toUpload(row) : undefined;
  });
}

/** The owner's committed chunks that end after `from`, in order. */
export function listResumableUploadChunks({ id, userId, from = 0 }: { id: string; userId: string; from?: number }) {
  return run('listResumableUploadChunks', async () => {
    const db = await getDb();
    const rows = await db
      .selectFrom('resumable_upload_chunks')
      .innerJoin('resumable_uploads', 'resumable_uploads.id', 'resumable_upload_chunks.upload_id')
      .select(['resumable_upload_chunks.start_offset', 'resumable_upload_chunks.byte_count', 'resumable_upload_chunks.storage_key'])
      .where('resumable_uploads.id', '=', id)
      .where('resumable_uploads.user_id', '=', userId)
      .where((eb) => eb(eb('resumable_upload_chunks.start_offset', '+', eb.ref('resumable_upload_chunks.byte_count')), '>', from))
      .orderBy('resumable_upload_chunks.start_offset')
      .execute();
    return rows.map((row): ResumableUploadChunk => ({ start: Number(row.start_offset), bytes: row.byte_count, storageKey: row.storage_key }));
  });
}

/**
 * Moves the offset from `start` to `start + bytes` and records the chunk stored there, if the
 * offset is still `start` and the chunk fits its declared length (a claimed upload may still be
 * growing: a complete one takes nothing more anyway).
 * False when another request got there first (or the upload is gone): the caller's chunk is then
 * not part of the upload and must be deleted. `audioType` records the sniffed container.
 * Otherwise the transcript that has claimed the upload as it is now, if any.
 */
export function commitResumableUploadChunk({
  id,
  userId,
  start,
  bytes,
  storageKey,
  audioType,
}: {
  id: string;
  userId: string;
  start: number;
  bytes: number;
  storageKey: string;
  audioType?: string;
}) {
  return run('commitResumableUploadChunk', async () => {
    const db = await getDb();
    return db.transaction().execute(async (trx) => {
      const moved = await trx
        .updateTable('resumable_uploads')
        .set({ upload_offset: start + bytes, updated_at: now(), ...(audioType ? { audio_type: audioType } : {}) })
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .where('upload_offset', '=', start)
        .where('expires_at', '>', now())
        .where((eb) => eb.or([eb('upload_length', 'is', null), eb('upload_length', '>=', start + bytes)]))
        .returning('claimed_by')
        .executeTakeFirst();
      if (!moved) return false;
      await trx.insertInto('resumable_upload_chunks').values({ upload_id: id, start_offset: start, byte_count: bytes, storage_key: storageKey }).execute();
      return { claimedBy: moved.claimed_by ?? undefined };
    });
  });
}

/** Declares a deferred length (once, and not below what is stored); false when it cannot be set. */
export function declareResumableUploadLength({ id, userId, length }: { id: string; userId: string; length: number }) {
  return run('declareResumableUploadLength', async () => {
    const db = await getDb();
    const result = await db
      .updateTable('resumable_uploads')
      .set({ upload_length: length, updated_at: now() })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .where('upload_length', 'is', null)
      .where('upload_offset', '<=', length)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  });
}

/**
 * Marks the owner's upload as taken by a transcript; false when it is taken already (two requests
 * for one upload: one wins), not theirs, or incomplete unless `growing` (a transcription that
 * follows the upload while it grows). A claimed upload still takes its remaining bytes.
 */
export function claimResumableUpload({ id, userId, transcriptId, growing = false }: { id: string; userId: string; transcriptId: string; growing?: boolean }) {
  return run('claimResumableUpload', async () => {
    const db = await getDb();
    let claim = db
      .updateTable('resumable_uploads')
      .set({ claimed_by: transcriptId, updated_at: now() })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .where('claimed_by', 'is', null);
    if (!growing) claim = claim.where((eb) => eb('upload_offset', '=', eb.ref('upload_length')));
    const result = await claim.executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  });
}

/** The owner's upload that this transcript claimed and has not yet made its audio: what a takeover goes on following. */
export function getResumableUploadClaimedBy({ transcriptId, userId }: { transcriptId: string; userId: string }) {
  return run('getResumableUploadClaimedBy', async () => {
    const db = await getDb();
    const row = await db.selectFrom('resumable_uploads').selectAll().where('claimed_by', '=', transcriptId).where('user_id', '=', userId).executeTakeFirst();
    return row ? toUpload(row) : undefined;
  });
}

/** Gives a claim back (the transcript could not take the upload over), so that it can be tried again. */
export function releaseResumableUploadClaim({ id, userId, transcriptId }: { id: string; userId: string; transcriptId: string }) {
  return run('releaseResumableUploadClaim', async () => {
    const db = await getDb();
    await db.updateTable('resumable_uploads').set({ claimed_by: null }).where('id', '=', id).where('user_id', '=', userId).where('claimed_by', '=', transcriptId).execute();
  });
}

/** Deletes the owner's upload; the storage keys of its chunks, for the caller to delete (none when it was not theirs). */
export function deleteResumableUpload({ id, userId }: { id: string; userId: string }) {
  return run('deleteResumableUpload', async () => {
    const db = await getDb();
    return db.transaction().execute(async (trx) => {
      const upload = await trx.selectFrom('resumable_uploads').select('id').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
      if (!upload) return [];
      const chunks = await trx.selectFrom('resumable_upload_chunks').select('storage_key').where('upload_id', '=', id).execute();
      await trx.deleteFrom('resumable_uploads').where('id', '=', id).where('user_id', '=', userId).execute();
      return chunks.map((chunk) => chunk.storage_key);
    });
  });
}

/**
 * Deletes up to `limit` uploads, of any user, whose time ran out: the sweep. Their chunks'
 * storage keys, for the caller to delete.
 */
export function deleteExpiredResumableUploads({ limit, at = now() }: { limit: number; at?: string }) {
  return run('deleteExpiredResumableUploads', async () => {
    const db = await getDb();
    return db.transaction().execute(async (trx) => {
      const expired = await trx.selectFrom('resumable_uploads').select('id').where('expires_at', '<=', at).orderBy('expires_at').limit(limit).execute();
      const ids = expired.map((upload) => upload.id);
      if (ids.length === 0) return [];
      const chunks = await trx.selectFrom('resumable_upload_chunks').select('storage_key').where('upload_id', 'in', ids).execute();
      await trx.deleteFrom('resumable_uploads').where('id', 'in', ids).where('expires_at', '<=', at).execute();
      return chunks.map((chunk) => chunk.storage_key);
    });
  });
}
