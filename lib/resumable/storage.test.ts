import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it, beforeAll, afterAll, vi } from 'vitest';
import { type FakeBlob, startFakeBlob } from '@/e2e/support/fake-blob';
import { type TestModules, testDatabases, useTestDatabase } from '@/lib/db/test-databases';

const KB = 1024;
const CHUNK = 64 * KB;

/** A WAV header and random bytes, so that any misplaced byte shows. */
function wav(bytes: number) {
  const data = randomBytes(bytes);
  data.write('RIFF', 0, 'latin1');
  data.write('WAVEfmt ', 8, 'latin1');
  return new Uint8Array(data);
}

async function* pieces(data: Uint8Array, { pieceBytes = 10_000, failAfter }: { pieceBytes?: number; failAfter?: number } = {}) {
  for (let at = 0; at < data.byteLength; at += pieceBytes) {
    if (failAfter !== undefined && at >= failAfter) throw new Error('connection reset');
    yield data.subarray(at, at + pieceBytes);
  }
}

/** Byte-for-byte, without a deep comparison of every element (slow on hundreds of KB). */
const hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const stores = [
  ...testDatabases.map(({ dialect }) => ({ dialect, store: 'local' as const })),
  { dialect: 'sqlite' as const, store: 'blob' as const },
];

describe.each(stores)('resumable upload storage on $dialect with the $store store', ({ dialect, store }) => {
  let fake: FakeBlob | undefined;
  const env: Record<string, string> = {};
  beforeAll(async () => {
    if (store !== 'blob') return;
    fake = await startFakeBlob();
    Object.assign(env, { BLOB_READ_WRITE_TOKEN: fake.token, VERCEL_BLOB_API_URL: fake.apiUrl, BLOB_READ_BASE_URL: fake.readBaseUrl });
  });
  afterAll(async () => fake?.close());
  const db = useTestDatabase(dialect, env);
  const storage = () => import('./storage');
  const audioStore = async () => (await import('@/lib/audio-store')).getAudioStore();

  async function newUpload(modules: TestModules, length: number | undefined) {
    const userId = (await modules.createUser({ email: `${crypto.randomUUID()}@example.test`, passwordHash: 'x' })).id;
    const id = crypto.randomUUID();
    const expiresAt = new Date(Date.now() + 60_000).toISOString();
    await modules.createResumableUpload({ upload: { id, userId, length, fileName: 'a.wav', declaredType: 'audio/wav', language: undefined, prompt: undefined, expiresAt }, audioBytesPerDay: 1e9 });
    return { id, userId };
  }

  const current = async (upload: { id: string; userId: string }) => (await db.getResumableUpload(upload))!;
  const readAll = async (upload: { id: string; userId: string }, range: { start?: number; end?: number } = {}) =>
    new Uint8Array(await new Response((await storage()).openUploadStream({ ...upload, ...range })).arrayBuffer());

  it('keeps every chunk committed before a cut, continues from there, and reads back the exact bytes', async () => {
    const { appendToUpload } = await storage();
    const data = wav(5 * CHUNK + 123);
    const upload = await newUpload(db, data.byteLength);

    // The connection drops 2.5 chunks in: the two whole chunks stay, the half one is gone.
    await expect(appendToUpload({ upload: await current(upload), body: pieces(data, { failAfter: 2.5 * CHUNK }), chunkBytes: CHUNK })).rejects.toThrow('connection reset');
    const afterCut = await current(upload);
    expect(afterCut.offset).toBe(2 * CHUNK);
    expect(afterCut.audioType).toBe('audio/wav');
    expect(hex(await readAll(upload))).toBe(hex(data.subarray(0, 2 * CHUNK)));

    // The client resumes from the offset the server reports.
    const end = await appendToUpload({ upload: afterCut, body: pieces(data.subarray(afterCut.offset)), chunkBytes: CHUNK });
    expect(end).toBe(data.byteLength);
    expect(hex(await readAll(upload))).toBe(hex(data));
    // A range across chunk boundaries, as a player asks for.
    expect(hex(await readAll(upload, { start: CHUNK - 5, end: 3 * CHUNK + 7 }))).toBe(hex(data.subarray(CHUNK - 5, 3 * CHUNK + 7)));
    expect((await db.listResumableUploadChunks(upload)).length).toBe(6);
  });

  it('lets one of two writers at one offset win, and deletes the loser’s bytes', async () => {
    const { appendToUpload, OffsetMovedError } = await storage();
    const data = wav(CHUNK);
    const upload = await newUpload(db, 2 * CHUNK);
    const stale = await current(upload);
    await appendToUpload({ upload: stale, body: pieces(data), chunkBytes: CHUNK });
    const other = wav(CHUNK);
    await expect(appendToUpload({ upload: { ...stale, audioType: 'audio/wav' }, body: pieces(other), chunkBytes: CHUNK })).rejects.toBeInstanceOf(OffsetMovedError);
    expect(hex(await readAll(upload))).toBe(hex(data));
    const keys = (await db.listResumableUploadChunks(upload)).map((chunk) => chunk.storageKey);
    expect(keys).toHaveLength(1);
  });

  it('follows a growing upload until its declared end', async () => {
    const { appendToUpload, openUploadStream } = await storage();
    const data = wav(3 * CHUNK);
    const upload = await newUpload(db, undefined);
    await appendToUpload({ upload: await current(upload), body: pieces(data.subarray(0, CHUNK)), chunkBytes: CHUNK });
    const reading = new Response(openUploadStream({ ...upload, follow: true })).arrayBuffer();
    await appendToUpload({ upload: await current(upload), body: pieces(data.subarray(CHUNK, 2 * CHUNK)), chunkBytes: CHUNK });
    await db.declareResumableUploadLength({ ...upload, length: data.byteLength });
    await appendToUpload({ upload: await current(upload), body: pieces(data.subarray(2 * CHUNK)), chunkBytes: CHUNK });
    expect(hex(new Uint8Array(await reading))).toBe(hex(data));
  });

  it('hears each look for new bytes while it waits, and gives up on an upload that stopped growing for UPLOAD_WAIT_SECONDS (30 minutes)', async () => {
    const { appendToUpload, openUploadStream } = await storage();
    const upload = await newUpload(db, undefined);
    await appendToUpload({ upload: await current(upload), body: pieces(wav(CHUNK)), chunkBytes: CHUNK });
    let looks = 0;
    const reader = openUploadStream({ ...upload, follow: true, onPoll: () => looks++ }).getReader();
    const reading = (async () => {
      while (!(await reader.read()).done);
    })();
    reading.catch(() => undefined);
    await vi.waitFor(() => expect(looks).toBeGreaterThanOrEqual(3), { timeout: 5000 });
    vi.spyOn(Date, 'now').mockReturnValue(Date.now() + 30 * 60_000 + 1000);
    try {
      await expect(reading).rejects.toMatchObject({ code: 'timeout:upload' });
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('refuses bytes that are not audio and deletes the upload, also when the first ones come in tiny requests', async () => {
    const { appendToUpload } = await storage();
    const upload = await newUpload(db, 1000);
    const html = new TextEncoder().encode('<html>'.repeat(200));
    await appendToUpload({ upload: await current(upload), body: pieces(html.subarray(0, 10)), chunkBytes: CHUNK });
    expect((await current(upload)).offset).toBe(10);
    await expect(appendToUpload({ upload: await current(upload), body: pieces(html.subarray(10, 1000)), chunkBytes: CHUNK })).rejects.toMatchObject({ status: 415 });
    expect(await db.getResumableUpload(upload)).toBeUndefined();
  });

  it('moves a complete upload into one audio object and removes its chunks', async () => {
    const { appendToUpload, moveUploadToAudio } = await storage();
    const data = wav(2 * CHUNK + 1);
    const upload = await newUpload(db, data.byteLength);
    await appendToUpload({ upload: await current(upload), body: pieces(data), chunkBytes: CHUNK });
    const chunkKeys = (await db.listResumableUploadChunks(upload)).map((chunk) => chunk.storageKey);
    const key = crypto.randomUUID();
    await moveUploadToAudio({ upload: await current(upload), key });
    const stored = await (await audioStore()).get(key);
    expect(hex(new Uint8Array(await new Response(stored!.body).arrayBuffer()))).toBe(hex(data));
    expect(await db.getResumableUpload(upload)).toBeUndefined();
    for (const chunkKey of chunkKeys) expect(await (await audioStore()).size(chunkKey)).toBeUndefined();
  });
});
