import 'server-only';

import { randomUUID } from 'node:crypto';
import { getDb } from './connection';
import { now, run } from './run';

export function createShareLink({
  transcriptId,
  userId,
  tokenHash,
  name,
  expiresAt,
  includeAudio,
}: {
  transcriptId: string;
  userId: string;
  tokenHash: string;
  name: string | null;
  expiresAt: string | null;
  includeAudio: boolean;
}) {
  return run('createShareLink', async () => {
    const db = await getDb();
    const owned = await db
      .selectFrom('transcripts')
      .select('id')
      .where('id', '=', transcriptId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (!owned) return undefined;
    const link = {
      id: randomUUID(),
      transcript_id: transcriptId,
      user_id: userId,
      token_hash: tokenHash,
      created_at: now(),
      last_viewed_at: null,
      name,
      expires_at: expiresAt,
      include_audio: includeAudio ? 1 : 0,
    };
    await db.insertInto('share_links').values(link).execute();
    return link;
  });
}

export function getShareLinksByTranscriptId({ transcriptId, userId }: { transcriptId: string; userId: string }) {
  return run('getShareLinksByTranscriptId', async () => {
    const db = await getDb();
    return db
      .selectFrom('share_links')
      .select(['id', 'name', 'created_at', 'expires_at', 'include_audio', 'last_viewed_at', 'view_count'])
      .where('transcript_id', '=', transcriptId)
      .where('user_id', '=', userId)
      .orderBy('created_at', 'desc')
      .execute();
  });
}

/** Revokes one link; false when it is not this owner's link to this transcript. */
export function deleteShareLinkById({ id, transcriptId, userId }: { id: string; transcriptId: string; userId: string }) {
  return run('deleteShareLinkById', async () => {
    const db = await getDb();
    const result = await db
      .deleteFrom('share_links')
      .where('id', '=', id)
      .where('transcript_id', '=', transcriptId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
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

/**
 * The public view of a shared transcript through a link that has not expired; records the view
 * when asked. The transcript id and audio key are for the server only: never show them.
 */
export function getSharedTranscriptByTokenHash({ tokenHash, recordView }: { tokenHash: string; recordView: boolean }) {
  return run('getSharedTranscriptByTokenHash', async () => {
    const db = await getDb();
    const timestamp = now();
    const shared = await db
      .selectFrom('share_links')
      .innerJoin('transcripts', 'transcripts.id', 'share_links.transcript_id')
      .select([
        'share_links.id as link_id',
        'share_links.include_audio',
        'transcripts.id as transcript_id',
        'transcripts.audio_key',
        'transcripts.audio_type',
        'transcripts.title',
        'transcripts.text',
        'transcripts.status',
        'transcripts.language',
        'transcripts.created_at',
        'transcripts.duration_seconds',
      ])
      .where('share_links.token_hash', '=', tokenHash)
      .where((eb) => eb.or([eb('share_links.expires_at', 'is', null), eb('share_links.expires_at', '>', timestamp)]))
      .executeTakeFirst();
    if (!shared) return undefined;
    if (recordView) {
      await db
        .updateTable('share_links')
        .set((eb) => ({ last_viewed_at: timestamp, view_count: eb('view_count', '+', 1) }))
        .where('id', '=', shared.link_id)
        .execute();
    }
    return shared;
  });
}
