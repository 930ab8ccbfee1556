import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';

// The queries open the database named by the environment on first use: a throwaway one.
const dataDir = mkdtempSync(path.join(tmpdir(), 'usage-'));
vi.stubEnv('DATA_DIR', dataDir);
vi.stubEnv('DATABASE_URL', '');
const queries = { ...(await import('./users')), ...(await import('./transcripts')), ...(await import('./usage')) };
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
afterEach(() => vi.useRealTimers());

const HOUR_MS = 60 * 60 * 1000;

async function newUserWithUpload({ bytes }: { bytes: number }) {
  const user = await queries.createUser({ email: `${crypto.randomUUID()}@example.test`, passwordHash: 'x' });
  const id = crypto.randomUUID();
  await queries.createTranscript({
    id,
    user_id: user.id,
    title: 't',
    file_name: 't',
    language: null,
    prompt: null,
    error_code: null,
    error_message: null,
    audio_key: id,
    audio_type: 'audio/mpeg',
    audio_bytes: 0,
    duration_seconds: null,
    usage_json: null,
    completed_at: null,
  });
  await queries.updateTranscriptProgress({ id, userId: user.id, text: '', audioBytes: bytes });
  return { userId: user.id, id };
}

const usageOf = (userId: string) => queries.getTranscriptionUsageByUserId({ userId, countSince: new Date(Date.now() - HOUR_MS), bytesSince: new Date(Date.now() - 24 * HOUR_MS) });

describe('transcription usage ledger', () => {
  it('counts uploads and re-transcriptions, and keeps them after the transcript is deleted', async () => {
    const { userId, id } = await newUserWithUpload({ bytes: 1234 });
    await queries.completeTranscript({ id, userId, text: 'x', usageJson: null, durationSeconds: null });
    await queries.restartTranscript({ id, userId, language: null, prompt: null });
    expect(await usageOf(userId)).toEqual({ count: 2, bytes: 1234 });

    await queries.deleteTranscriptById({ id, userId });
    expect(await usageOf(userId)).toEqual({ count: 2, bytes: 1234 });
  });

  it("keeps each user's usage apart and drops a user's rows older than two days when they start another", async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() - 3 * 24 * HOUR_MS);
    const { userId, id } = await newUserWithUpload({ bytes: 10 });
    vi.useRealTimers();
    const other = await newUserWithUpload({ bytes: 20 });
    expect(await usageOf(other.userId)).toEqual({ count: 1, bytes: 20 });

    const everything = { userId, countSince: new Date(0), bytesSince: new Date(0) };
    expect(await queries.getTranscriptionUsageByUserId(everything)).toEqual({ count: 1, bytes: 10 });
    await queries.restartTranscript({ id, userId, language: null, prompt: null });
    expect(await queries.getTranscriptionUsageByUserId(everything)).toEqual({ count: 1, bytes: 0 });
  });
});
