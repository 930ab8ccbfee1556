import { describe, expect, it } from 'vitest';
import { type TestModules, testDatabases, testTranscriptRow, useTestDatabase } from './test-databases';

const newTranscript = (userId: string, title?: string) => testTranscriptRow(userId, { title });

async function newUser(db: TestModules) {
  return db.createUser({ email: `${crypto.randomUUID()}@example.test`, passwordHash: 'scrypt$x' });
}

/** A finished transcript with this title and text. */
async function finished(db: TestModules, userId: string, title: string, text: string) {
  const transcript = newTranscript(userId, title);
  await db.createTranscript(transcript);
  await db.completeTranscript({ id: transcript.id, userId, text, usageJson: null, durationSeconds: 12.5 });
  return transcript.id;
}

async function searchIds(db: TestModules, userId: string, search: string) {
  const { items } = await db.getTranscriptsByUserId({ userId, limit: 50, filter: { search } });
  return items.map((item) => item.id);
}

describe.each(testDatabases)('query layer on $dialect', ({ dialect }) => {
  const db = useTestDatabase(dialect);

  it('reports its dialect', () => {
    expect(db.getDialectName()).toBe(dialect);
  });

  describe('users', () => {
    it('creates a user once per email and finds it by email', async () => {
      const user = await newUser(db);
      expect(await db.getUserByEmail({ email: user.email })).toMatchObject({ id: user.id, email: user.email, password_hash: 'scrypt$x' });
      await expect(db.createUser({ email: user.email, passwordHash: 'y' })).rejects.toMatchObject({ code: 'conflict:email' });
      expect(await db.getUserByEmail({ email: 'nobody@example.test' })).toBeUndefined();
    });
  });

  describe('transcripts', () => {
    it('creates, saves progress, completes, edits, reverts, renames and deletes, for the owner only', async () => {
      const owner = await newUser(db);
      const other = await newUser(db);
      const transcript = newTranscript(owner.id, 'Standup');
      await db.createTranscript(transcript);
      expect(await db.getTranscriptById({ id: transcript.id, userId: owner.id })).toMatchObject({ status: 'transcribing', text: '', title: 'Standup' });
      expect(await db.getTranscriptById({ id: transcript.id, userId: other.id })).toBeUndefined();

      await db.updateTranscriptProgress({ id: transcript.id, userId: owner.id, text: 'hello', audioBytes: 42 });
      await db.completeTranscript({ id: transcript.id, userId: owner.id, text: 'hello world', usageJson: '{"seconds":3}', durationSeconds: 3 });
      expect(await db.getTranscriptById({ id: transcript.id, userId: owner.id })).toMatchObject({ status: 'done', text: 'hello world', audio_bytes: 42, duration_seconds: 3 });

      expect(await db.editTranscriptText({ id: transcript.id, userId: other.id, text: 'stolen' })).toBe(false);
      expect(await db.editTranscriptText({ id: transcript.id, userId: owner.id, text: 'hello, world!' })).toBe(true);
      expect(await db.getTranscriptById({ id: transcript.id, userId: owner.id })).toMatchObject({ text: 'hello, world!', original_text: 'hello world' });
      expect(await db.revertTranscriptText({ id: transcript.id, userId: owner.id })).toBe(true);
      expect(await db.getTranscriptById({ id: transcript.id, userId: owner.id })).toMatchObject({ text: 'hello world', original_text: null });
      expect((await db.getTranscriptVersionsByTranscriptId({ transcriptId: transcript.id, userId: owner.id })).map((version) => version.text)).toEqual(['hello, world!']);
      expect(await db.getTranscriptVersionsByTranscriptId({ transcriptId: transcript.id, userId: other.id })).toEqual([]);

      expect(await db.renameTranscript({ id: transcript.id, userId: other.id, title: 'x' })).toBe(false);
      expect(await db.renameTranscript({ id: transcript.id, userId: owner.id, title: 'Daily standup' })).toBe(true);

      expect(await db.deleteTranscriptById({ id: transcript.id, userId: other.id })).toBeUndefined();
      expect(await db.deleteTranscriptById({ id: transcript.id, userId: owner.id })).toEqual({ id: transcript.id, audio_key: transcript.id });
      expect(await db.getTranscriptById({ id: transcript.id, userId: owner.id })).toBeUndefined();
    });

    it('lists newest first a page at a time, with status and date filters', async () => {
      const owner = await newUser(db);
      const ids: string[] = [];
      for (let index = 0; index < 5; index++) {
        ids.push(await finished(db, owner.id, `t${index}`, `text ${index}`));
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      const first = await db.getTranscriptsByUserId({ userId: owner.id, limit: 3 });
      expect(first.items.map((item) => item.id)).toEqual(ids.slice(2).reverse());
      expect(first.items[0]).toMatchObject({ title: 't4', status: 'done', text_start: 'text 4', duration_seconds: 12.5 });
      const second = await db.getTranscriptsByUserId({ userId: owner.id, limit: 3, cursor: first.nextCursor ?? undefined });
      expect(second.items.map((item) => item.id)).toEqual(ids.slice(0, 2).reverse());
      expect(second.nextCursor).toBeNull();

      expect((await db.getTranscriptsByUserId({ userId: owner.id, limit: 10, filter: { status: 'failed' } })).items).toEqual([]);
      const future = new Date(Date.now() + 60_000).toISOString();
      expect((await db.getTranscriptsByUserId({ userId: owner.id, limit: 10, filter: { from: future } })).items).toEqual([]);
      expect((await db.getTranscriptsByUserId({ userId: owner.id, limit: 10, filter: { to: future } })).items).toHaveLength(5);

      const deleted = await db.deleteTranscriptsByIds({ ids: ids.slice(0, 2), userId: owner.id });
      expect(deleted.map((row) => row.id).sort()).toEqual(ids.slice(0, 2).sort());
      expect((await db.getTranscriptsByUserId({ userId: owner.id, limit: 10 })).items).toHaveLength(3);
    });
  });

  describe('search', () => {
    it('folds case and accents, takes the last word as a prefix, and requires every word', async () => {
      const owner = await newUser(db);
      const cafe = await finished(db, owner.id, 'Réunion budget', 'Le CAFÉ était fermé, so we met at the Übersee office.');
      const plain = await finished(db, owner.id, 'Weekly sync', 'the cafe budget was approved');

      expect((await searchIds(db, owner.id, 'cafe')).sort()).toEqual([cafe, plain].sort());
      expect(await searchIds(db, owner.id, 'ÜBERSEE')).toEqual([cafe]);
      expect(await searchIds(db, owner.id, 'uberse')).toEqual([cafe]);
      expect(await searchIds(db, owner.id, 'reunion')).toEqual([cafe]);
      expect((await searchIds(db, owner.id, 'budg')).sort()).toEqual([cafe, plain].sort());
      expect(await searchIds(db, owner.id, 'cafe appro')).toEqual([plain]);
      // Only the last word is a prefix.
      expect(await searchIds(db, owner.id, 'caf approved')).toEqual([]);
      expect(await searchIds(db, owner.id, 'missing')).toEqual([]);
      // Operators of either syntax are words, never a syntax error.
      expect(await searchIds(db, owner.id, 'cafe OR missing')).toEqual([]);
      expect(await searchIds(db, owner.id, '"cafe" -budget NEAR(x) *')).toEqual([]);
      expect(await searchIds(db, owner.id, ' ** ')).toEqual([]);

      const { items } = await db.getTranscriptsByUserId({ userId: owner.id, limit: 10, filter: { search: 'reunion' } });
      expect(items[0]?.titleMarked).toBe('\u0002Réunion\u0003 budget');
    });

    it("never finds another user's transcripts", async () => {
      const owner = await newUser(db);
      const other = await newUser(db);
      await finished(db, owner.id, 'Secret plan', 'zanzibar');
      expect(await searchIds(db, other.id, 'zanzibar')).toEqual([]);
      expect(await searchIds(db, other.id, 'secret')).toEqual([]);
    });

    it('indexes text when it ends or is edited, reverted or renamed, not on progress saves; forgets deleted transcripts', async () => {
      const owner = await newUser(db);
      const transcript = newTranscript(owner.id, 'Interview');
      await db.createTranscript(transcript);
      const { id } = transcript;
      const userId = owner.id;
      expect(await searchIds(db, userId, 'interview')).toEqual([id]);

      await db.updateTranscriptProgress({ id, userId, text: 'partial quokka' });
      expect(await searchIds(db, userId, 'quokka')).toEqual([]);
      await db.endTranscriptWithoutText({ id, userId, status: 'failed', text: 'partial quokka', errorCode: 'upstream:stream', errorMessage: 'stopped' });
      expect(await searchIds(db, userId, 'quokka')).toEqual([id]);

      await db.restartTranscript({ id, userId, language: null, prompt: null });
      await db.updateTranscriptProgress({ id, userId, text: 'wombat' });
      await db.completeTranscript({ id, userId, text: 'wombat numbat', usageJson: null, durationSeconds: null });
      expect(await searchIds(db, userId, 'quokka')).toEqual([]);
      expect(await searchIds(db, userId, 'numbat')).toEqual([id]);

      await db.editTranscriptText({ id, userId, text: 'platypus' });
      expect(await searchIds(db, userId, 'numbat')).toEqual([]);
      expect(await searchIds(db, userId, 'platyp')).toEqual([id]);
      await db.revertTranscriptText({ id, userId });
      expect(await searchIds(db, userId, 'platypus')).toEqual([]);
      expect(await searchIds(db, userId, 'numbat')).toEqual([id]);

      await db.renameTranscript({ id, userId, title: 'Echidna talk' });
      expect(await searchIds(db, userId, 'interview')).toEqual([]);
      expect(await searchIds(db, userId, 'echidna')).toEqual([id]);

      await db.deleteTranscriptById({ id, userId });
      expect(await searchIds(db, userId, 'echidna')).toEqual([]);
    });
  });

  describe('share links', () => {
    it('creates links for the owner only, serves live ones by token hash, counts views, revokes', async () => {
      const owner = await newUser(db);
      const other = await newUser(db);
      const id = await finished(db, owner.id, 'Shared', 'shared text');
      expect(await db.createShareLink({ transcriptId: id, userId: other.id, tokenHash: 'h0', name: null, expiresAt: null, includeAudio: false })).toBeUndefined();

      const tokenHash = crypto.randomUUID();
      const link = await db.createShareLink({ transcriptId: id, userId: owner.id, tokenHash, name: 'Team', expiresAt: null, includeAudio: true });
      expect(link).toMatchObject({ name: 'Team', include_audio: 1 });
      const expiredHash = crypto.randomUUID();
      await db.createShareLink({ transcriptId: id, userId: owner.id, tokenHash: expiredHash, name: null, expiresAt: new Date(Date.now() - 1000).toISOString(), includeAudio: false });

      expect(await db.getSharedTranscriptByTokenHash({ tokenHash, recordView: true })).toMatchObject({ transcript_id: id, title: 'Shared', text: 'shared text', include_audio: 1 });
      expect(await db.getSharedTranscriptByTokenHash({ tokenHash: expiredHash, recordView: false })).toBeUndefined();
      const links = await db.getShareLinksByTranscriptId({ transcriptId: id, userId: owner.id });
      expect(links.find((row) => row.id === link?.id)).toMatchObject({ view_count: 1 });
      expect(await db.getShareLinksByTranscriptId({ transcriptId: id, userId: other.id })).toEqual([]);

      expect(await db.deleteShareLinkById({ id: link?.id ?? '', transcriptId: id, userId: other.id })).toBe(false);
      expect(await db.deleteShareLinkById({ id: link?.id ?? '', transcriptId: id, userId: owner.id })).toBe(true);
      expect(await db.getSharedTranscriptByTokenHash({ tokenHash, recordView: false })).toBeUndefined();
      expect(await db.deleteShareLinksByTranscriptId({ transcriptId: id, userId: owner.id })).toBe(1);
    });
  });
});
