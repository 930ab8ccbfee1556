import 'server-only';

import { randomUUID } from 'node:crypto';
import { getDb } from './connection';
import { dialectOf } from './dialect';
import { now, run } from './run';

const LISTED_COLUMNS = ['id', 'name', 'displayed', 'created_at', 'last_used_at', 'call_count'] as const;

/**
 * Stores a new key (its hash only) unless the user already has `maxKeys`; the count and the
 * insert run under the user's lock, so parallel requests cannot pass the cap together.
 */
export function createApiKeyForUser({ userId, name, keyHash, displayed, maxKeys }: { userId: string; name: string; keyHash: string; displayed: string; maxKeys: number }) {
  return run('createApiKeyForUser', async () => {
    const db = await getDb();
    return db.transaction().execute(async (trx) => {
      await dialectOf(trx).lockUser(trx, userId);
      const { count } = await trx
        .selectFrom('api_keys')
        .select((eb) => eb.fn.countAll<number | string>().as('count'))
        .where('user_id', '=', userId)
        .executeTakeFirstOrThrow();
      if (Number(count) >= maxKeys) return undefined;
      const row = { id: randomUUID(), user_id: userId, name, key_hash: keyHash, displayed, created_at: now(), last_used_at: null, call_count: 0 };
      await trx.insertInto('api_keys').values(row).execute();
      return row;
    });
  });
}

export function getApiKeysByUserId({ userId }: { userId: string }) {
  return run('getApiKeysByUserId', async () => {
    const db = await getDb();
    return db.selectFrom('api_keys').select(LISTED_COLUMNS).where('user_id', '=', userId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
  });
}

/** Revokes a key; false when it is not this user's. */
export function deleteApiKeyById({ id, userId }: { id: string; userId: string }) {
  return run('deleteApiKeyById', async () => {
    const db = await getDb();
    const result = await db.deleteFrom('api_keys').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  });
}

/**
 * The key with this hash, counted as used, in one statement; undefined for an unknown or revoked
 * key. Found by its hash alone, like a share link by its token's: the key is the credential.
 */
export function recordApiKeyUse({ keyHash }: { keyHash: string }) {
  return run('recordApiKeyUse', async () => {
    const db = await getDb();
    return db
      .updateTable('api_keys')
      .set((eb) => ({ call_count: eb('call_count', '+', 1), last_used_at: now() }))
      .where('key_hash', '=', keyHash)
      .returning(['id', 'user_id', 'name'])
      .executeTakeFirst();
  });
}
