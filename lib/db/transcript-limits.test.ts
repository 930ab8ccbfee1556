import { describe, expect, it } from 'vitest';
import { type TestModules, testDatabases, testTranscriptRow, useTestDatabase } from './test-databases';

async function newDoneTranscript(queries: TestModules, text: string, userId?: string) {
  const owner = userId ?? (await queries.createUser({ email: `${crypto.randomUUID()}@example.test`, passwordHash: 'x' })).id;
  const row = testTranscriptRow(owner);
  const { id } = row;
  await queries.createTranscript(row);
  await queries.completeTranscript({ id, userId: owner, text, usageJson: null, durationSeconds: null });
  return { id, userId: owner };
}

const versionTexts = async (queries: TestModules, { id, userId }: { id: string; userId: string }) =>
  (await queries.getTranscriptVersionsByTranscriptId({ transcriptId: id, userId })).map((version) => version.text);

// Small limits, so that a test reaches them quickly.
describe.each(testDatabases)('transcript limits on $dialect', ({ dialect }) => {
  const queries = useTestDatabase(dialect, { LIMIT_VERSIONS_PER_TRANSCRIPT: '3', LIMIT_TEXT_MB_PER_USER: '1' });

  describe('versions kept per transcript', () => {
    it('keeps the newest LIMIT_VERSIONS_PER_TRANSCRIPT versions and drops the oldest', async () => {
      const transcript = await newDoneTranscript(queries, 'text 0');
      for (let round = 1; round <= 5; round++) {
        await queries.restartTranscript({ ...transcript, language: null, prompt: null });
        await queries.completeTranscript({ ...transcript, text: `text ${round}`, usageJson: null, durationSeconds: null });
        // Versions made in the same millisecond would tie.
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      expect(await versionTexts(queries, transcript)).toEqual(['text 4', 'text 3', 'text 2']);

      // Each transcript's versions count apart, also for the same user.
      const other = await newDoneTranscript(queries, 'other', transcript.userId);
      await queries.editTranscriptText({ ...other, text: 'other, edited' });
      await queries.revertTranscriptText(other);
      expect(await versionTexts(queries, other)).toEqual(['other, edited']);
      expect(await versionTexts(queries, transcript)).toHaveLength(3);
    });
  });

  describe("the size of all of a user's text", () => {
    it('refuses an edit that would pass the limit, with a clear 413, and keeps the text as it was', async () => {
      const transcript = await newDoneTranscript(queries, 'short');
      await expect(queries.editTranscriptText({ ...transcript, text: 'x'.repeat(600_000) })).resolves.toBe(true);
      const other = await newDoneTranscript(queries, 'z'.repeat(300_000), transcript.userId);
      // 600,000 + 300,000 + the new 200,000 (the unedited original is kept for revert): over 1 MB.
      await expect(queries.editTranscriptText({ ...other, text: 'w'.repeat(200_000) })).rejects.toMatchObject({
        status: 413,
        code: 'payload_too_large:text_quota',
        message: expect.stringMatching(/more than 1 MB of text/),
      });
      expect((await queries.getTranscriptById(other))?.text).toHaveLength(300_000);
      expect((await queries.getTranscriptById(other))?.edited_at).toBeNull();

      // Someone else's text counts apart.
      const someoneElse = await newDoneTranscript(queries, 'd');
      await expect(queries.editTranscriptText({ ...someoneElse, text: 'e'.repeat(900_000) })).resolves.toBe(true);
    });

    it('refuses a re-transcription whose earlier version would pass the limit, and changes nothing', async () => {
      const transcript = await newDoneTranscript(queries, 'a'.repeat(700_000));
      await expect(queries.restartTranscript({ ...transcript, language: null, prompt: null })).resolves.toBeUndefined();
      await queries.completeTranscript({ ...transcript, text: 'b'.repeat(400_000), usageJson: null, durationSeconds: null });
      await expect(queries.restartTranscript({ ...transcript, language: 'en', prompt: null })).rejects.toMatchObject({ status: 413 });
      const after = await queries.getTranscriptById(transcript);
      expect(after).toMatchObject({ status: 'done', language: null });
      expect(await versionTexts(queries, transcript)).toHaveLength(1);
    });
  });
});
