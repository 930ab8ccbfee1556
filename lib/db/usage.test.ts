import { afterEach, describe, expect, it, vi } from 'vitest';
import { openInstance, type TestModules, testDatabases, useTestDatabase } from './test-databases';

const HOUR_MS = 60 * 60 * 1000;
const limits = { inFlight: 2, perHour: 5, audioBytesPerDay: 1000 };

afterEach(() => vi.useRealTimers());

async function newUserId(db: TestModules) {
  return (await db.createUser({ email: `${crypto.randomUUID()}@example.test`, passwordHash: 'x' })).id;
}

const reserve = (db: TestModules, userId: string, declaredBytes?: number) => db.reserveTranscriptionUsage({ id: crypto.randomUUID(), userId, limits, declaredBytes });

describe.each(testDatabases)('transcription usage on $dialect', ({ dialect }) => {
  const db = useTestDatabase(dialect, { RATE_LIMIT_TRANSCRIPTIONS_IN_FLIGHT: '3', RATE_LIMIT_TRANSCRIPTIONS_PER_HOUR: '1000', RATE_LIMIT_AUDIO_MB_PER_DAY: '1' });

  it('holds a slot in flight until the row is ended', async () => {
    const userId = await newUserId(db);
    const first = crypto.randomUUID();
    expect(await db.reserveTranscriptionUsage({ id: first, userId, limits })).toEqual({ ok: true });
    expect(await reserve(db, userId)).toEqual({ ok: true });
    expect(await reserve(db, userId)).toEqual({ ok: false, exceeded: 'in_flight' });
    // Another user's slots are theirs.
    expect(await reserve(db, await newUserId(db))).toEqual({ ok: true });

    await db.endTranscriptionUsage({ id: first });
    expect(await reserve(db, userId)).toEqual({ ok: true });
  });

  it('counts starts in the last hour, ended or not', async () => {
    const userId = await newUserId(db);
    for (let index = 0; index < limits.perHour; index++) {
      const id = crypto.randomUUID();
      expect(await db.reserveTranscriptionUsage({ id, userId, limits })).toEqual({ ok: true });
      await db.endTranscriptionUsage({ id });
    }
    expect(await reserve(db, userId)).toEqual({ ok: false, exceeded: 'hourly' });
  });

  it("counts an upload's bytes toward the day, also after its transcript is deleted", async () => {
    const userId = await newUserId(db);
    const slot = await db.reserveTranscription({ userId, declaredBytes: 600_000 });
    await db.createTranscript({
      id: slot.id,
      user_id: userId,
      title: 't',
      file_name: 't.mp3',
      language: null,
      prompt: null,
      error_code: null,
      error_message: null,
      audio_key: slot.id,
      audio_type: 'audio/mpeg',
      audio_bytes: 0,
      duration_seconds: null,
      usage_json: null,
      completed_at: null,
    });
    await db.updateTranscriptProgress({ id: slot.id, userId, text: '', audioBytes: 600_000 });
    await slot.release();
    await db.deleteTranscriptById({ id: slot.id, userId });
    // RATE_LIMIT_AUDIO_MB_PER_DAY=1: 600 KB used, 500 KB more would pass it.
    await expect(db.reserveTranscription({ userId, declaredBytes: 500_000 })).rejects.toMatchObject({ code: 'rate_limit:daily_audio' });
    const slot2 = await db.reserveTranscription({ userId, declaredBytes: 300_000 });
    await slot2.release();
  });

  it('counts audio seconds toward the day: a stated duration is refused at once, a known one only while it fits', async () => {
    const userId = await newUserId(db);
    const perDay = 3600;
    const withSeconds = { ...limits, audioBytesPerDay: 1e12, audioSecondsPerDay: perDay };
    const first = crypto.randomUUID();
    expect(await db.reserveTranscriptionUsage({ id: first, userId, limits: withSeconds, declaredSeconds: 2400 })).toEqual({ ok: true });
    expect(await db.recordTranscriptionSeconds({ id: first, userId, seconds: 2400, audioSecondsPerDay: perDay })).toBe(true);
    // The same row may be counted again (a resumed job, the final duration) without counting twice.
    expect(await db.recordTranscriptionSeconds({ id: first, userId, seconds: 2500, audioSecondsPerDay: perDay })).toBe(true);
    await db.endTranscriptionUsage({ id: first });
    expect(await db.reserveTranscriptionUsage({ id: crypto.randomUUID(), userId, limits: withSeconds, declaredSeconds: 1200 })).toEqual({ ok: false, exceeded: 'daily_duration' });
    const second = crypto.randomUUID();
    expect(await db.reserveTranscriptionUsage({ id: second, userId, limits: withSeconds })).toEqual({ ok: true });
    expect(await db.recordTranscriptionSeconds({ id: second, userId, seconds: 1200, audioSecondsPerDay: perDay })).toBe(false);
    expect(await db.recordTranscriptionSeconds({ id: second, userId, seconds: 1100, audioSecondsPerDay: perDay })).toBe(true);
    // Another user's day is theirs.
    expect(await db.reserveTranscriptionUsage({ id: crypto.randomUUID(), userId: await newUserId(db), limits: withSeconds, declaredSeconds: 3600 })).toEqual({ ok: true });
  });

  it('sums the seconds counted today, the user\'s own only', async () => {
    const userId = await newUserId(db);
    expect(await db.getAudioSecondsUsedToday({ userId })).toBe(0);
    const perDay = 10_000;
    for (const seconds of [600, 150]) {
      const id = crypto.randomUUID();
      await db.reserveTranscriptionUsage({ id, userId, limits: { ...limits, audioSecondsPerDay: perDay } });
      await db.recordTranscriptionSeconds({ id, userId, seconds, audioSecondsPerDay: perDay });
    }
    expect(await db.getAudioSecondsUsedToday({ userId })).toBe(750);
    expect(await db.getAudioSecondsUsedToday({ userId: await newUserId(db) })).toBe(0);
  });

  it('refuses with the limit that was passed, and release is idempotent', async () => {
    const userId = await newUserId(db);
    const slots = [await db.reserveTranscription({ userId }), await db.reserveTranscription({ userId }), await db.reserveTranscription({ userId })];
    await expect(db.reserveTranscription({ userId })).rejects.toMatchObject({ code: 'rate_limit:concurrency', status: 429 });
    await slots[0]?.release();
    await slots[0]?.release();
    const next = await db.reserveTranscription({ userId });
    await expect(db.reserveTranscription({ userId })).rejects.toMatchObject({ code: 'rate_limit:concurrency' });
    await Promise.all([...slots, next].map((slot) => slot?.release()));
  });

  it('stops counting a row in flight after the longest a job can run, so a crash cannot hold a slot for ever', async () => {
    const userId = await newUserId(db);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() - db.IN_FLIGHT_AT_MOST_MS - 60_000);
    expect(await reserve(db, userId)).toEqual({ ok: true });
    expect(await reserve(db, userId)).toEqual({ ok: true });
    vi.useRealTimers();
    expect(await reserve(db, userId)).toEqual({ ok: true });
  });

  it("drops a user's rows older than two days when another of theirs ends, and no one else's", async () => {
    const userId = await newUserId(db);
    const otherId = await newUserId(db);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() - 3 * 24 * HOUR_MS);
    await reserve(db, userId);
    await reserve(db, otherId);
    vi.useRealTimers();
    const database = await db.getDb();
    const countRows = async (owner: string) => (await database.selectFrom('transcription_usage').select('id').where('user_id', '=', owner).execute()).length;
    const id = crypto.randomUUID();
    await db.reserveTranscriptionUsage({ id, userId, limits });
    expect(await countRows(userId)).toBe(2);
    await db.endTranscriptionUsage({ id });
    expect(await countRows(userId)).toBe(1);
    expect(await countRows(otherId)).toBe(1);
  });

  it('never lets parallel reservations pass the in-flight limit, within one instance or across two', async () => {
    // SQLite serves one instance: a second connection in this process would wait for the
    // first one's lock synchronously, blocking the very event loop that would release it.
    const second = dialect === 'postgres' ? await openInstance() : db;
    try {
      for (let round = 0; round < 3; round++) {
        const userId = await newUserId(db);
        const outcomes = await Promise.all(
          Array.from({ length: 16 }, (_, index) => (index % 2 === 0 ? db : second).reserveTranscription({ userId }).then(
            () => 'ok',
            (error: { code?: string }) => error.code,
          )),
        );
        expect(outcomes.filter((outcome) => outcome === 'ok')).toHaveLength(3);
        expect(outcomes.filter((outcome) => outcome !== 'ok').every((code) => code === 'rate_limit:concurrency')).toBe(true);
      }
    } finally {
      if (second !== db) await (await second.getDb()).destroy();
    }
  });
});
