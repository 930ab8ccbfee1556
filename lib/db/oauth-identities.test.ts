import { describe, expect, it } from 'vitest';
import { testDatabases, useTestDatabase } from './test-databases';

const email = () => `${crypto.randomUUID()}@example.test`;
const github = (overrides: { email?: string | null; emailVerified?: boolean } = {}) => ({
  provider: 'github' as const,
  providerAccountId: String(Math.floor(Math.random() * 1e12)),
  email: null,
  emailVerified: false,
  name: 'Octo',
  ...overrides,
});

describe.each(testDatabases)('OAuth identities on $dialect', ({ dialect }) => {
  const db = useTestDatabase(dialect);

  describe('OAuth sign-in', () => {
    it('never signs in to an account because its email matches', async () => {
      const victim = await db.createUser({ email: email(), passwordHash: 'x' });
      expect(await db.signInWithOAuthIdentity(github({ email: victim.email, emailVerified: true }))).toEqual({ kind: 'email_taken' });
      expect(await db.signInWithOAuthIdentity({ ...github({ email: victim.email, emailVerified: true }), provider: 'google' })).toEqual({ kind: 'email_taken' });
    });

    it('lets the owner of a verified email claim an account an OAuth sign-in made before identities existed', async () => {
      const legacyEmail = email();
      const kysely = await db.getDb();
      const legacyId = crypto.randomUUID();
      await kysely.insertInto('users').values({ id: legacyId, email: legacyEmail, name: null, password_hash: null, created_at: new Date().toISOString() }).execute();

      expect(await db.signInWithOAuthIdentity(github({ email: legacyEmail, emailVerified: false }))).toEqual({ kind: 'email_taken' });
      const claimed = github({ email: legacyEmail, emailVerified: true });
      expect(await db.signInWithOAuthIdentity(claimed)).toEqual({ kind: 'user', userId: legacyId });
      // Claimed once: another provider account with the same email is an ordinary stranger now.
      expect(await db.signInWithOAuthIdentity(github({ email: legacyEmail, emailVerified: true }))).toEqual({ kind: 'email_taken' });
      expect(await db.signInWithOAuthIdentity({ ...claimed, email: null })).toEqual({ kind: 'user', userId: legacyId });
    });

    it('creates an account on the first sign-in, and finds it again by the provider account id alone', async () => {
      const identity = github({ email: email(), emailVerified: true });
      const first = await db.signInWithOAuthIdentity(identity);
      if (first.kind !== 'user') throw new Error('expected a user');
      expect((await db.getUserById({ userId: first.userId }))?.email).toBe(identity.email);
      expect(await db.signInWithOAuthIdentity({ ...identity, email: email() })).toEqual(first);
    });

    it('keys an account without a (verified) email by the provider account id', async () => {
      const withoutEmail = github();
      const unverified = github({ email: email(), emailVerified: false });
      const [a, b] = [await db.signInWithOAuthIdentity(withoutEmail), await db.signInWithOAuthIdentity(unverified)];
      if (a.kind !== 'user' || b.kind !== 'user') throw new Error('expected users');
      expect(a.userId).not.toBe(b.userId);
      expect((await db.getUserById({ userId: a.userId }))?.email).toBe(db.placeholderEmailFor(withoutEmail));
      expect((await db.getUserById({ userId: b.userId }))?.email).toBe(db.placeholderEmailFor(unverified));
    });

    it('creates one account when the same first sign-in arrives twice at once', async () => {
      const identity = github({ email: email(), emailVerified: true });
      const [a, b] = await Promise.all([db.signInWithOAuthIdentity(identity), db.signInWithOAuthIdentity(identity)]);
      expect(a).toEqual(b);
    });
  });

  describe('connecting and disconnecting', () => {
    it('links a provider account to one user only, and one account per provider', async () => {
      const owner = await db.createUser({ email: email(), passwordHash: 'x' });
      const other = await db.createUser({ email: email(), passwordHash: 'x' });
      const identity = github({ email: owner.email, emailVerified: true });
      expect(await db.linkOAuthIdentity({ userId: owner.id, identity })).toBe('linked');
      expect(await db.linkOAuthIdentity({ userId: owner.id, identity })).toBe('linked');
      expect(await db.linkOAuthIdentity({ userId: other.id, identity })).toBe('linked_to_another_user');
      expect(await db.linkOAuthIdentity({ userId: owner.id, identity: github() })).toBe('provider_already_linked');
      expect(await db.signInWithOAuthIdentity(identity)).toEqual({ kind: 'user', userId: owner.id });
    });

    it('disconnects only while another way to sign in remains', async () => {
      const first = await db.signInWithOAuthIdentity(github());
      if (first.kind !== 'user') throw new Error('expected a user');
      const userId = first.userId;
      expect(await db.unlinkOAuthIdentity({ userId, provider: 'github' })).toBe(false);

      await db.linkOAuthIdentity({ userId, identity: { ...github(), provider: 'google' } });
      expect(await db.unlinkOAuthIdentity({ userId, provider: 'github' })).toBe(true);
      expect((await db.getOAuthIdentitiesByUserId({ userId })).map((identity) => identity.provider)).toEqual(['google']);
      expect(await db.unlinkOAuthIdentity({ userId, provider: 'google' })).toBe(false);

      await db.updateUserPasswordHash({ userId, passwordHash: 'y' });
      expect(await db.unlinkOAuthIdentity({ userId, provider: 'google' })).toBe(true);
    });
  });
});
