import { describe, expect, it } from 'vitest';
import { testDatabases, testTranscriptRow, useTestDatabase } from './test-databases';

const newUser = (db: { createUser: (input: { email: string; passwordHash: string }) => Promise<{ id: string }> }) =>
  db.createUser({ email: `${crypto.randomUUID()}@example.test`, passwordHash: 'x' });
const hash = () => crypto.randomUUID().replaceAll('-', '').repeat(2);

describe.each(testDatabases)('API keys on $dialect', ({ dialect }) => {
  const db = useTestDatabase(dialect);

  it('stores a key, finds it by its hash alone, counts each use and lists it for its owner only', async () => {
    const [owner, stranger] = [await newUser(db), await newUser(db)];
    const keyHash = hash();
    const created = await db.createApiKeyForUser({ userId: owner.id, name: 'Shortcut', keyHash, displayed: 'vb_AbCdEfG', maxKeys: 5 });
    expect(created).toMatchObject({ user_id: owner.id, name: 'Shortcut', call_count: 0, last_used_at: null });

    expect(await db.recordApiKeyUse({ keyHash })).toEqual({ id: created?.id, user_id: owner.id, name: 'Shortcut' });
    await db.recordApiKeyUse({ keyHash });
    expect(await db.recordApiKeyUse({ keyHash: hash() })).toBeUndefined();

    const [listed] = await db.getApiKeysByUserId({ userId: owner.id });
    expect(listed).toMatchObject({ id: created?.id, name: 'Shortcut', displayed: 'vb_AbCdEfG' });
    expect(Number(listed?.call_count)).toBe(2);
    expect(listed?.last_used_at).toEqual(expect.any(String));
    expect(listed).not.toHaveProperty('key_hash');
    expect(await db.getApiKeysByUserId({ userId: stranger.id })).toEqual([]);
  });

  it('revokes only the owner’s key, which then authenticates nothing', async () => {
    const [owner, stranger] = [await newUser(db), await newUser(db)];
    const keyHash = hash();
    const created = await db.createApiKeyForUser({ userId: owner.id, name: 'CI', keyHash, displayed: 'vb_1234567', maxKeys: 5 });
    if (!created) throw new Error('expected a key');
    expect(await db.deleteApiKeyById({ id: created.id, userId: stranger.id })).toBe(false);
    expect(await db.recordApiKeyUse({ keyHash })).toBeDefined();
    expect(await db.deleteApiKeyById({ id: created.id, userId: owner.id })).toBe(true);
    expect(await db.recordApiKeyUse({ keyHash })).toBeUndefined();
    expect(await db.deleteApiKeyById({ id: created.id, userId: owner.id })).toBe(false);
  });

  it('never passes the per-user cap, also with parallel requests', async () => {
    const owner = await newUser(db);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, index) => db.createApiKeyForUser({ userId: owner.id, name: `k${index}`, keyHash: hash(), displayed: 'vb_xxxxxxx', maxKeys: 3 })),
    );
    expect(results.filter(Boolean)).toHaveLength(3);
    expect(await db.getApiKeysByUserId({ userId: owner.id })).toHaveLength(3);
    // Another user's keys do not count.
    expect(await db.createApiKeyForUser({ userId: (await newUser(db)).id, name: 'k', keyHash: hash(), displayed: 'vb_xxxxxxx', maxKeys: 3 })).toBeDefined();
  });

  it('goes with its user', async () => {
    const owner = await newUser(db);
    const keyHash = hash();
    await db.createApiKeyForUser({ userId: owner.id, name: 'k', keyHash, displayed: 'vb_xxxxxxx', maxKeys: 3 });
    await db.deleteUserById({ userId: owner.id });
    expect(await db.recordApiKeyUse({ keyHash })).toBeUndefined();
  });

  it('records where a transcript came from and filters the history by it', async () => {
    const owner = await newUser(db);
    const upload = testTranscriptRow(owner.id, { title: 'Upload' });
    const recording = { ...testTranscriptRow(owner.id, { title: 'Recording' }), source: 'recording' as const };
    const api = { ...testTranscriptRow(owner.id, { title: 'API' }), source: 'api' as const, api_key_id: crypto.randomUUID(), api_key_name: 'Shortcut' };
    for (const row of [upload, recording, api]) await db.createTranscript(row);
    const titles = async (source?: 'upload' | 'recording' | 'api') =>
      (await db.getTranscriptsByUserId({ userId: owner.id, limit: 10, filter: { source } })).items.map((item) => item.title).sort();
    expect(await titles()).toEqual(['API', 'Recording', 'Upload']);
    expect(await titles('upload')).toEqual(['Upload']);
    expect(await titles('recording')).toEqual(['Recording']);
    const [fromApi] = (await db.getTranscriptsByUserId({ userId: owner.id, limit: 10, filter: { source: 'api' } })).items;
    expect(fromApi).toMatchObject({ title: 'API', source: 'api', api_key_id: api.api_key_id, api_key_name: 'Shortcut' });
    expect((await db.getTranscriptsByUserId({ userId: (await newUser(db)).id, limit: 10, filter: { source: 'api' } })).items).toEqual([]);
  });
});
