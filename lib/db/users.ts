import 'server-only';

import { randomUUID } from 'node:crypto';
import { AppError } from '@/lib/errors';
import { getDb } from './connection';
import { now, run } from './run';
import type { User } from './schema';

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

export function getUserById({ userId }: { userId: string }): Promise<User | undefined> {
  return run('getUserById', async () => {
    const db = await getDb();
    return db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
  });
}

export function userExists({ userId }: { userId: string }): Promise<boolean> {
  return run('userExists', async () => {
    const db = await getDb();
    return (await db.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst()) !== undefined;
  });
}

/**
 * Replaces the user's password hash. With `previousHash`, only while that is still the stored
 * one: a rehash at sign-in must not undo a password change made in between.
 */
export function updateUserPasswordHash({ userId, passwordHash, previousHash }: { userId: string; passwordHash: string; previousHash?: string | null }) {
  return run('updateUserPasswordHash', async () => {
    const db = await getDb();
    let query = db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', userId);
    if (previousHash !== undefined) query = query.where('password_hash', previousHash === null ? 'is' : '=', previousHash);
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  });
}

/**
 * Deletes the user and everything that is theirs; returns the audio keys their transcripts had,
 * for the caller to remove from the audio store. Transcripts go first, one by one through their
 * own delete (so their search index follows); every other table that references users (links,
 * versions, usage, identities, and whatever is added later) goes by its foreign key's cascade.
 */
export function deleteUserById({ userId }: { userId: string }): Promise<{ audioKeys: string[] }> {
  return run('deleteUserById', async () => {
    const db = await getDb();
    return db.transaction().execute(async (trx) => {
      const transcripts = await trx.selectFrom('transcripts').select('audio_key').where('user_id', '=', userId).execute();
      // Unfinished resumable uploads' chunks are audio too (their rows go with the user's by cascade).
      const chunks = await trx
        .selectFrom('resumable_upload_chunks')
        .innerJoin('resumable_uploads', 'resumable_uploads.id', 'resumable_upload_chunks.upload_id')
        .select('resumable_upload_chunks.storage_key')
        .where('resumable_uploads.user_id', '=', userId)
        .execute();
      await trx.deleteFrom('transcripts').where('user_id', '=', userId).execute();
      await trx.deleteFrom('users').where('id', '=', userId).execute();
      return {
        audioKeys: [...transcripts.flatMap((transcript) => (transcript.audio_key ? [transcript.audio_key] : [])), ...chunks.map((chunk) => chunk.storage_key)],
      };
    });
  });
}
