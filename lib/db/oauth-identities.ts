import 'server-only';

import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { getDb } from './connection';
import { now, run } from './run';
import type { OAuthIdentitiesTable } from './schema';

// Which provider accounts sign in as which user. The pair (provider, provider account id) is
// the only thing that identifies an OAuth user: an email never links accounts by itself.

export type OAuthProvider = OAuthIdentitiesTable['provider'];

/** What the provider says about the person signing in. */
export type ProviderIdentity = {
  provider: OAuthProvider;
  providerAccountId: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
};

/** The email a user created by a provider without a (verified) email gets: unique, and never deliverable. */
export const placeholderEmailFor = ({ provider, providerAccountId }: Pick<ProviderIdentity, 'provider' | 'providerAccountId'>) =>
  `${provider}-${providerAccountId}@no-email.invalid`;

export const isPlaceholderEmail = (email: string) => email.endsWith('@no-email.invalid');

export type OAuthSignIn = { kind: 'user'; userId: string } | { kind: 'email_taken' };

/**
 * The user this provider account signs in as. The first sign-in creates one, unless the email it
 * carries already belongs to an account: that account's owner must sign in their usual way and
 * connect the provider, else whoever controls the provider account (or registered the email
 * without proving it) would get in. Only a verified email is taken for the new account.
 */
export function signInWithOAuthIdentity(identity: ProviderIdentity): Promise<OAuthSignIn> {
  return run('signInWithOAuthIdentity', async () => {
    const db = await getDb();
    const findLinked = () =>
      db
        .selectFrom('oauth_identities')
        .select('user_id')
        .where('provider', '=', identity.provider)
        .where('provider_account_id', '=', identity.providerAccountId)
        .executeTakeFirst();
    const linked = await findLinked();
    if (linked) return { kind: 'user', userId: linked.user_id };

    if (identity.email) {
      const owner = await db.selectFrom('users').select(['id', 'password_hash']).where('email', '=', identity.email).executeTakeFirst();
      if (owner && owner.password_hash === null && identity.emailVerified && (await adoptLegacyOAuthUser(owner.id, identity))) {
        return { kind: 'user', userId: owner.id };
      }
      if (owner) return { kind: 'email_taken' };
    }
    const userId = randomUUID();
    const createdAt = now();
    const created = await db.transaction().execute(async (trx) => {
      const user = await trx
        .insertInto('users')
        .values({
          id: userId,
          email: identity.email && identity.emailVerified ? identity.email : placeholderEmailFor(identity),
          name: identity.name,
          password_hash: null,
          created_at: createdAt,
        })
        .onConflict((conflict) => conflict.column('email').doNothing())
        .executeTakeFirst();
      if (Number(user.numInsertedOrUpdatedRows ?? 0) === 0) return false;
      const link = await trx
        .insertInto('oauth_identities')
        .values({ provider: identity.provider, provider_account_id: identity.providerAccountId, user_id: userId, email: identity.email, created_at: createdAt })
        .onConflict((conflict) => conflict.columns(['provider', 'provider_account_id']).doNothing())
        .executeTakeFirst();
      if (Number(link.numInsertedOrUpdatedRows ?? 0) === 0) throw new ConcurrentSignIn();
      return true;
    }).catch((error: unknown) => {
      if (error instanceof ConcurrentSignIn) return false;
      throw error;
    });
    if (created) return { kind: 'user', userId };
    // Lost a race: another request created this identity, or an account took the email meanwhile.
    const winner = await findLinked();
    return winner ? { kind: 'user', userId: winner.user_id } : { kind: 'email_taken' };
  });
}

class ConcurrentSignIn extends Error {}

/**
 * Accounts made by an OAuth sign-in before identities existed have neither a password nor an
 * identity, so nobody could sign in to them any more. The first sign-in whose provider has
 * verified the account's email claims one: only the owner of that address can, and no password
 * account (whose email nobody proved) ever qualifies. False when the account is not such a one.
 */
async function adoptLegacyOAuthUser(userId: string, identity: ProviderIdentity) {
  const db = await getDb();
  const inserted = await db
    .insertInto('oauth_identities')
    .columns(['provider', 'provider_account_id', 'user_id', 'email', 'created_at'])
    .expression((eb) =>
      eb
        .selectFrom('users')
        .select([
          eb.val(identity.provider).as('provider'),
          eb.val(identity.providerAccountId).as('provider_account_id'),
          'users.id',
          eb.val(identity.email).as('email'),
          eb.val(now()).as('created_at'),
        ])
        .where('users.id', '=', userId)
        .where('users.password_hash', 'is', null)
        .where((inner) => inner.not(inner.exists(inner.selectFrom('oauth_identities').select('oauth_identities.user_id').where('oauth_identities.user_id', '=', userId)))),
    )
    .onConflict((conflict) => conflict.doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
}

export type OAuthLink = 'linked' | 'linked_to_another_user' | 'provider_already_linked';

/** Connects a provider account to a signed-in user (who proved who they are by their session). */
export function linkOAuthIdentity({ userId, identity }: { userId: string; identity: ProviderIdentity }): Promise<OAuthLink> {
  return run('linkOAuthIdentity', async () => {
    const db = await getDb();
    await db
      .insertInto('oauth_identities')
      .values({ provider: identity.provider, provider_account_id: identity.providerAccountId, user_id: userId, email: identity.email, created_at: now() })
      .onConflict((conflict) => conflict.doNothing())
      .execute();
    const owner = await db
      .selectFrom('oauth_identities')
      .select('user_id')
      .where('provider', '=', identity.provider)
      .where('provider_account_id', '=', identity.providerAccountId)
      .executeTakeFirst();
    if (owner?.user_id === userId) return 'linked';
    if (owner) return 'linked_to_another_user';
    return 'provider_already_linked';
  });
}

export function getOAuthIdentitiesByUserId({ userId }: { userId: string }) {
  return run('getOAuthIdentitiesByUserId', async () => {
    const db = await getDb();
    return db.selectFrom('oauth_identities').select(['provider', 'email', 'created_at']).where('user_id', '=', userId).orderBy('provider').execute();
  });
}

/** Disconnects a provider, but never the user's last way to sign in; false when nothing was removed. */
export function unlinkOAuthIdentity({ userId, provider }: { userId: string; provider: OAuthProvider }) {
  return run('unlinkOAuthIdentity', async () => {
    const db = await getDb();
    const result = await db
      .deleteFrom('oauth_identities')
      .where('user_id', '=', userId)
      .where('provider', '=', provider)
      .where((eb) =>
        eb.or([
          eb.exists(eb.selectFrom('users').select(sql.lit(1).as('one')).where('id', '=', userId).where('password_hash', 'is not', null)),
          eb.exists(
            eb
              .selectFrom('oauth_identities as other')
              .select(sql.lit(1).as('one'))
              .where('other.user_id', '=', userId)
              .where('other.provider', '<>', provider),
          ),
        ]),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  });
}
