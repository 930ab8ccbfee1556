import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

const dataDir = mkdtempSync(path.join(tmpdir(), 'oauth-identities-'));
vi.stubEnv('DATA_DIR', dataDir);
vi.stubEnv('DATABASE_URL', '');
const users = await import('./users');
const { getOAuthIdentitiesByUserId, linkOAuthIdentity, placeholderEmailFor, signInWithOAuthIdentity, unlinkOAuthIdentity } = await import('./oauth-identities');
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const email = () => `${crypto.randomUUID()}@example.test`;
const github = (overrides: { email?: string | null; emailVerified?: boolean } = {}) => ({
  provider: 'github' as const,
  providerAccountId: String(Math.floor(Math.random() * 1e12)),
  email: null,
  emailVerified: false,
  name: 'Octo',
  ...overrides,
});

describe('OAuth sign-in', () => {
  it('never signs in to an account because its email matches', async () => {
    const victim = await users.createUser({ email: email(), passwordHash: 'x' });
    expect(await signInWithOAuthIdentity(github({ email: victim.email, emailVerified: true }))).toEqual({ kind: 'email_taken' });
    expect(await signInWithOAuthIdentity({ ...github({ email: victim.email, emailVerified: true }), provider: 'google' })).toEqual({ kind: 'email_taken' });
  });

  it('lets the owner of a verified email claim an account an OAuth sign-in made before identities existed', async () => {
    const legacyEmail = email();
    const db = await (await import('./connection')).getDb();
    const legacyId = crypto.randomUUID();
    await db.insertInto('users').values({ id: legacyId, email: legacyEmail, name: null, password_hash: null, created_at: new Date().toISOString() }).execute();

    expect(await signInWithOAuthIdentity(github({ email: legacyEmail, emailVerified: false }))).toEqual({ kind: 'email_taken' });
    const claimed = github({ email: legacyEmail, emailVerified: true });
    expect(await signInWithOAuthIdentity(claimed)).toEqual({ kind: 'user', userId: legacyId });
    // Claimed once: another provider account with the same email is an ordinary stranger now.
    expect(await signInWithOAuthIdentity(github({ email: legacyEmail, emailVerified: true }))).toEqual({ kind: 'email_taken' });
    expect(await signInWithOAuthIdentity({ ...claimed, email: null })).toEqual({ kind: 'user', userId: legacyId });
  });

  it('creates an account on the first sign-in, and finds it again by the provider account id alone', async () => {
    const identity = github({ email: email(), emailVerified: true });
    const first = await signInWithOAuthIdentity(identity);
    if (first.kind !== 'user') throw new Error('expected a user');
    expect((await users.getUserById({ userId: first.userId }))?.email).toBe(identity.email);
    expect(await signInWithOAuthIdentity({ ...identity, email: email() })).toEqual(first);
  });

  it('keys an account without a (verified) email by the provider account id', async () => {
    const withoutEmail = github();
    const unverified = github({ email: email(), emailVerified: false });
    const [a, b] = [await signInWithOAuthIdentity(withoutEmail), await signInWithOAuthIdentity(unverified)];
    if (a.kind !== 'user' || b.kind !== 'user') throw new Error('expected users');
    expect(a.userId).not.toBe(b.userId);
    expect((await users.getUserById({ userId: a.userId }))?.email).toBe(placeholderEmailFor(withoutEmail));
    expect((await users.getUserById({ userId: b.userId }))?.email).toBe(placeholderEmailFor(unverified));
  });

  it('creates one account when the same first sign-in arrives twice at once', async () => {
    const identity = github({ email: email(), emailVerified: true });
    const [a, b] = await Promise.all([signInWithOAuthIdentity(identity), signInWithOAuthIdentity(identity)]);
    expect(a).toEqual(b);
  });
});

describe('connecting and disconnecting', () => {
  it('links a provider account to one user only, and one account per provider', async () => {
    const owner = await users.createUser({ email: email(), passwordHash: 'x' });
    const other = await users.createUser({ email: email(), passwordHash: 'x' });
    const identity = github({ email: owner.email, emailVerified: true });
    expect(await linkOAuthIdentity({ userId: owner.id, identity })).toBe('linked');
    expect(await linkOAuthIdentity({ userId: owner.id, identity })).toBe('linked');
    expect(await linkOAuthIdentity({ userId: other.id, identity })).toBe('linked_to_another_user');
    expect(await linkOAuthIdentity({ userId: owner.id, identity: github() })).toBe('provider_already_linked');
    expect(await signInWithOAuthIdentity(identity)).toEqual({ kind: 'user', userId: owner.id });
  });

  it('disconnects only while another way to sign in remains', async () => {
    const first = await signInWithOAuthIdentity(github());
    if (first.kind !== 'user') throw new Error('expected a user');
    const userId = first.userId;
    expect(await unlinkOAuthIdentity({ userId, provider: 'github' })).toBe(false);

    await linkOAuthIdentity({ userId, identity: { ...github(), provider: 'google' } });
    expect(await unlinkOAuthIdentity({ userId, provider: 'github' })).toBe(true);
    expect((await getOAuthIdentitiesByUserId({ userId })).map((identity) => identity.provider)).toEqual(['google']);
    expect(await unlinkOAuthIdentity({ userId, provider: 'google' })).toBe(false);

    await users.updateUserPasswordHash({ userId, passwordHash: 'y' });
    expect(await unlinkOAuthIdentity({ userId, provider: 'google' })).toBe(true);
  });
});
