import { describe, expect, it } from 'vitest';
import { type TestModules, testDatabases, useTestDatabase } from './test-databases';

async function newTranscript(db: TestModules) {
  const userId = (await db.createUser({ email: `${crypto.randomUUID()}@example.test`, passwordHash: 'x' })).id;
  const id = crypto.randomUUID();
  await db.createTranscript({
    id,
    user_id: userId,
    title: 't',
    file_name: 't.wav',
    language: null,
    prompt: null,
    error_code: null,
    error_message: null,
    audio_key: id,
    audio_type: 'audio/wav',
    audio_bytes: 0,
    duration_seconds: null,
    usage_json: null,
    completed_at: null,
    lease_owner: null,
    lease_expires_at: null,
  });
  return { id, userId };
}

describe.each(testDatabases)('transcript parts on $dialect', ({ dialect }) => {
  const db = useTestDatabase(dialect);

  it('keeps each part as it starts and finishes, in order, for the owner only; deleting forgets them', async () => {
    const { id, userId } = await newTranscript(db);
    const other = await newTranscript(db);
    await db.savePart({ transcriptId: id, userId, part: { index: 1, startSeconds: 299.5, durationSeconds: 300.25 } });
    await db.savePart({ transcriptId: id, userId, part: { index: 0, startSeconds: 0, durationSeconds: 299.5 }, text: 'First part.' });
    expect(await db.getPartsByTranscriptId({ transcriptId: id, userId })).toEqual([
      { part_index: 0, start_seconds: 0, duration_seconds: 299.5, status: 'done', text: 'First part.' },
      { part_index: 1, start_seconds: 299.5, duration_seconds: 300.25, status: 'transcribing', text: '' },
    ]);
    await db.savePart({ transcriptId: id, userId, part: { index: 1, startSeconds: 299.5, durationSeconds: 300.25 }, text: 'Second.' });
    expect((await db.getPartsByTranscriptId({ transcriptId: id, userId })).map((part) => [part.status, part.text])).toEqual([
      ['done', 'First part.'],
      ['done', 'Second.'],
    ]);
    expect(await db.getPartsByTranscriptId({ transcriptId: id, userId: other.userId })).toEqual([]);
    await db.deletePartsByTranscriptId({ transcriptId: id, userId: other.userId });
    expect(await db.getPartsByTranscriptId({ transcriptId: id, userId })).toHaveLength(2);
    await db.deletePartsByTranscriptId({ transcriptId: id, userId });
    expect(await db.getPartsByTranscriptId({ transcriptId: id, userId })).toEqual([]);
  });

  it('goes with its transcript', async () => {
    const { id, userId } = await newTranscript(db);
    await db.savePart({ transcriptId: id, userId, part: { index: 0, startSeconds: 0, durationSeconds: 10 }, text: 'x' });
    await db.deleteTranscriptById({ id, userId });
    expect(await db.getPartsByTranscriptId({ transcriptId: id, userId })).toEqual([]);
  });
});
