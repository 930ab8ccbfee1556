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
