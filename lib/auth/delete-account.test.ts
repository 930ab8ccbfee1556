import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { testTranscriptRow } from '@/lib/db/test-databases';

// A throwaway database and audio folder, as the server would open them.
const dataDir = mkdtempSync(path.join(tmpdir(), 'delete-account-'));
vi.stubEnv('DATA_DIR', dataDir);
vi.stubEnv('DATABASE_URL', '');
const users = await import('@/lib/db/users');
const transcripts = await import('@/lib/db/transcripts');
const shareLinks = await import('@/lib/db/share-links');
const identities = await import('@/lib/db/oauth-identities');
const usage = await import('@/lib/db/usage');
const { getDb } = await import('@/lib/db/connection');
const { getAudioStore } = await import('@/lib/audio-store');
const { deleteAccount } = await import('./delete-account');
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function userWithEverything() {
  const user = await users.createUser({ email: `${crypto.randomUUID()}@example.test`, passwordHash: 'x' });
  const row = testTranscriptRow(user.id, { title: 't' });
  const { id } = row;
  await usage.reserveTranscriptionUsage({ id, userId: user.id, limits: { inFlight: 5, perHour: 100, audioBytesPerDay: 1e9 } });
  await transcripts.createTranscript(row);
  await getAudioStore().put(id, new Blob([new Uint8Array([1, 2, 3])]).stream());
  await transcripts.completeTranscript({ id, userId: user.id, text: 'first text', usageJson: null, durationSeconds: null });
  await transcripts.restartTranscript({ id, userId: user.id, language: null, prompt: null });
  await shareLinks.createShareLink({ transcriptId: id, userId: user.id, tokenHash: crypto.randomUUID(), name: null, expiresAt: null, includeAudio: true });
  await identities.linkOAuthIdentity({
    userId: user.id,
    identity: { provider: 'github', providerAccountId: crypto.randomUUID(), email: null, emailVerified: true, name: null },
  });
  return { userId: user.id, transcriptId: id };
}

/** Every row that names the user, in every table that has a user_id. */
async function rowsOf(userId: string) {
  const db = await getDb();
  const counts = await Promise.all(
    (['transcripts', 'transcript_versions', 'share_links', 'transcription_usage', 'oauth_identities'] as const).map(async (table) => {
      const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('count')).where('user_id', '=', userId).executeTakeFirstOrThrow();
      return [table, Number(row.count)] as const;
    }),
  );
  return Object.fromEntries(counts);
}

describe('deleteAccount', () => {
  it("removes the user's transcripts, versions, links, usage, identities and audio, and nobody else's", async () => {
    const doomed = await userWithEverything();
    const kept = await userWithEverything();
    expect(await rowsOf(doomed.userId)).toEqual({ transcripts: 1, transcript_versions: 1, share_links: 1, transcription_usage: 1, oauth_identities: 1 });

    await deleteAccount({ userId: doomed.userId });

    expect(await users.getUserById({ userId: doomed.userId })).toBeUndefined();
    expect(await rowsOf(doomed.userId)).toEqual({ transcripts: 0, transcript_versions: 0, share_links: 0, transcription_usage: 0, oauth_identities: 0 });
    expect(await getAudioStore().size(doomed.transcriptId)).toBeUndefined();

    expect(await rowsOf(kept.userId)).toEqual({ transcripts: 1, transcript_versions: 1, share_links: 1, transcription_usage: 1, oauth_identities: 1 });
    expect(await getAudioStore().size(kept.transcriptId)).toBe(3);
  });
});
