import { describe, expect, it } from 'vitest';
import { openInstance, type TestModules, testDatabases, useTestDatabase } from './test-databases';

const DAY_MS = 24 * 60 * 60 * 1000;
const inADay = () => new Date(Date.now() + DAY_MS).toISOString();

async function newUserId(db: TestModules) {
  return (await db.createUser({ email: `${crypto.randomUUID()}@example.test`, passwordHash: 'x' })).id;
}

function newUpload(userId: string, overrides: { length?: number; expiresAt?: string } = {}) {
  return {
    id: crypto.randomUUID(),
    userId,
    length: 'length' in overrides ? overrides.length : 1000,
    fileName: 'meeting.wav',
    declaredType: 'audio/wav',
    language: 'en',
    prompt: undefined,
    expiresAt: overrides.expiresAt ?? inADay(),
  };
}

const commit = (db: TestModules, upload: { id: string; userId: string }, start: number, bytes: number) =>
  db.commitResumableUploadChunk({ id: upload.id, userId: upload.userId, start, bytes, storageKey: `chunk_${crypto.randomUUID()}` });

describe.each(testDatabases)('resumable uploads on $dialect', ({ dialect }) => {
  const db = useTestDatabase(dialect);

  it('creates an upload that only its owner can see', async () => {
    const userId = await newUserId(db);
    const upload = newUpload(userId);
    expect(await db.createResumableUpload({ upload, audioBytesPerDay: 10_000 })).toBe(true);
    expect(await db.getResumableUpload({ id: upload.id, userId })).toMatchObject({ id: upload.id, length: 1000, offset: 0, fileName: 'meeting.wav', audioType: undefined });

    const other = await newUserId(db);
    expect(await db.getResumableUpload({ id: upload.id, userId: other })).toBeUndefined();
    expect(await db.listResumableUploadChunks({ id: upload.id, userId: other })).toEqual([]);
    expect(await db.commitResumableUploadChunk({ id: upload.id, userId: other, start: 0, bytes: 10, storageKey: 'chunk_x' })).toBe(false);
    expect(await db.deleteResumableUpload({ id: upload.id, userId: other })).toEqual([]);
    expect(await db.claimResumableUpload({ id: upload.id, userId: other, transcriptId: crypto.randomUUID() })).toBe(false);
    expect(await db.getResumableUpload({ id: upload.id, userId })).toMatchObject({ offset: 0 });
  });

  it('moves the offset only from where it is, and records each chunk', async () => {
    const userId = await newUserId(db);
    const upload = newUpload(userId);
    await db.createResumableUpload({ upload, audioBytesPerDay: 10_000 });

    expect(await commit(db, upload, 0, 400)).toEqual({ claimedBy: undefined });
    // A second writer that read offset 0 loses: its bytes are not part of the upload.
    expect(await commit(db, upload, 0, 300)).toBe(false);
    expect(await commit(db, upload, 500, 100)).toBe(false);
    expect(await commit(db, upload, 400, 700)).toBe(false);
    expect(await commit(db, upload, 400, 600)).toEqual({ claimedBy: undefined });

    const stored = await db.getResumableUpload({ id: upload.id, userId });
    expect(stored?.offset).toBe(1000);
    const chunks = await db.listResumableUploadChunks({ id: upload.id, userId });
    expect(chunks.map(({ start, bytes }) => [start, bytes])).toEqual([
      [0, 400],
      [400, 600],
    ]);
    expect((await db.listResumableUploadChunks({ id: upload.id, userId, from: 400 })).map(({ start }) => start)).toEqual([400]);
  });

  it('lets exactly one of two instances commit at one offset', async () => {
    const userId = await newUserId(db);
    const upload = newUpload(userId, { length: 10_000 });
    await db.createResumableUpload({ upload, audioBytesPerDay: 100_000 });
    // SQLite serves one instance: a second connection in this process would wait for the first
    // one's lock synchronously, blocking the very event loop that would release it.
    const other = dialect === 'postgres' ? await openInstance() : db;
    try {
      for (let round = 0; round < 5; round++) {
        const start = round * 1000;
        const results = await Promise.all([commit(db, upload, start, 1000), commit(other, upload, start, 1000)]);
        expect(results.filter(Boolean)).toHaveLength(1);
      }
    } finally {
      if (other !== db) await (await other.getDb()).destroy();
    }
    expect((await db.getResumableUpload({ id: upload.id, userId }))?.offset).toBe(5000);
    expect(await db.listResumableUploadChunks({ id: upload.id, userId })).toHaveLength(5);
  });

  it('declares a deferred length once, never below what is stored', async () => {
    const userId = await newUserId(db);
    const upload = newUpload(userId, { length: undefined });
    await db.createResumableUpload({ upload, audioBytesPerDay: 10_000 });
    expect(await commit(db, upload, 0, 250)).toEqual({ claimedBy: undefined });
    expect(await db.declareResumableUploadLength({ id: upload.id, userId, length: 100 })).toBe(false);
    expect(await db.declareResumableUploadLength({ id: upload.id, userId, length: 300 })).toBe(true);
    expect(await db.declareResumableUploadLength({ id: upload.id, userId, length: 400 })).toBe(false);
    expect(await commit(db, upload, 250, 100)).toBe(false);
    expect(await commit(db, upload, 250, 50)).toEqual({ claimedBy: undefined });
    expect(await db.getResumableUpload({ id: upload.id, userId })).toMatchObject({ length: 300, offset: 300 });
  });

  it('refuses a creation that would pass the daily audio allowance', async () => {
    const userId = await newUserId(db);
    expect(await db.createResumableUpload({ upload: newUpload(userId, { length: 1001 }), audioBytesPerDay: 1000 })).toBe(false);
    expect(await db.createResumableUpload({ upload: newUpload(userId, { length: 600 }), audioBytesPerDay: 1000 })).toBe(true);
    // The open upload's declared bytes count, and so do transcriptions of the last day.
    expect(await db.createResumableUpload({ upload: newUpload(userId, { length: 500 }), audioBytesPerDay: 1000 })).toBe(false);
    const id = crypto.randomUUID();
    await db.reserveTranscriptionUsage({ id, userId, limits: { inFlight: 5, perHour: 100, audioBytesPerDay: 1e9 } });
    await db.updateTranscriptProgress({ id, userId, text: '', audioBytes: 400 });
    expect(await db.createResumableUpload({ upload: newUpload(userId, { length: undefined }), audioBytesPerDay: 1000 })).toBe(false);
    expect(await db.createResumableUpload({ upload: newUpload(await newUserId(db), { length: 1000 }), audioBytesPerDay: 1000 })).toBe(true);
  });

  it('is claimed once, and only when complete', async () => {
    const userId = await newUserId(db);
    const upload = newUpload(userId, { length: 100 });
    await db.createResumableUpload({ upload, audioBytesPerDay: 10_000 });
    const first = crypto.randomUUID();
    expect(await db.claimResumableUpload({ id: upload.id, userId, transcriptId: first })).toBe(false);
    await commit(db, upload, 0, 100);
    expect(await db.claimResumableUpload({ id: upload.id, userId, transcriptId: first })).toBe(true);
    expect(await db.claimResumableUpload({ id: upload.id, userId, transcriptId: crypto.randomUUID() })).toBe(false);
    await db.releaseResumableUploadClaim({ id: upload.id, userId, transcriptId: first });
    expect(await db.claimResumableUpload({ id: upload.id, userId, transcriptId: crypto.randomUUID() })).toBe(true);
  });

  it('is claimed while growing, keeps growing, and is found by its transcript', async () => {
    const userId = await newUserId(db);
    const upload = newUpload(userId, { length: undefined });
    await db.createResumableUpload({ upload, audioBytesPerDay: 10_000 });
    const transcriptId = crypto.randomUUID();
    expect(await db.getResumableUploadClaimedBy({ transcriptId, userId })).toBeUndefined();
    expect(await db.claimResumableUpload({ id: upload.id, userId, transcriptId, growing: true })).toBe(true);
    expect(await db.claimResumableUpload({ id: upload.id, userId, transcriptId: crypto.randomUUID(), growing: true })).toBe(false);
    // Each commit names the transcript that claimed the upload: a paused one goes on when it grows.
    expect(await commit(db, upload, 0, 100)).toEqual({ claimedBy: transcriptId });
    expect(await db.declareResumableUploadLength({ id: upload.id, userId, length: 150 })).toBe(true);
    expect(await commit(db, upload, 100, 50)).toEqual({ claimedBy: transcriptId });
    expect(await db.getResumableUploadClaimedBy({ transcriptId, userId })).toMatchObject({ id: upload.id, offset: 150, length: 150, claimedBy: transcriptId, recording: true });
    expect(await db.getResumableUploadClaimedBy({ transcriptId, userId: await newUserId(db) })).toBeUndefined();
    // Claimed bytes still count toward the day until the transcript counts them.
    expect(await db.createResumableUpload({ upload: newUpload(userId, { length: 9900 }), audioBytesPerDay: 10_000 })).toBe(false);
  });

  it('deletes an upload with its chunks, and sweeps expired ones', async () => {
    const userId = await newUserId(db);
    const kept = newUpload(userId);
    const expired = newUpload(userId, { expiresAt: new Date(Date.now() + 60_000).toISOString() });
    await db.createResumableUpload({ upload: kept, audioBytesPerDay: 10_000 });
    await db.createResumableUpload({ upload: expired, audioBytesPerDay: 10_000 });
    await commit(db, kept, 0, 10);
    await commit(db, expired, 0, 10);
    await commit(db, expired, 10, 10);

    const later = new Date(Date.now() + 120_000).toISOString();
    expect(await db.deleteExpiredResumableUploads({ limit: 10, at: later })).toHaveLength(2);
    expect(await db.getResumableUpload({ id: expired.id, userId })).toBeUndefined();
    expect(await db.getResumableUpload({ id: kept.id, userId })).toBeDefined();

    expect(await db.deleteResumableUpload({ id: kept.id, userId })).toHaveLength(1);
    expect(await db.getResumableUpload({ id: kept.id, userId })).toBeUndefined();
  });
});
