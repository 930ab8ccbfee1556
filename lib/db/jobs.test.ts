import { describe, expect, it } from 'vitest';
import { testDatabases, testTranscriptRow, useTestDatabase } from './test-databases';

const LEASE_MS = 60_000;

describe.each(testDatabases)('leases on $dialect', ({ dialect }) => {
  const db = useTestDatabase(dialect);
  const leases = () => import('./jobs');

  async function runningTranscript({ leaseOwner, expired }: { leaseOwner: string; expired: boolean }) {
    const { newTranscriptLease } = await leases();
    const user = await db.createUser({ email: `${crypto.randomUUID()}@example.test`, passwordHash: 'x' });
    const row = testTranscriptRow(user.id, { title: 't', language: 'en' });
    const { id } = row;
    await db.createTranscript({ ...row, ...newTranscriptLease({ instanceId: leaseOwner, leaseMs: expired ? -1000 : LEASE_MS }) });
    return { id, userId: user.id };
  }

  it('lets exactly one of several instances take over an expired lease, and none a live one', async () => {
    const { claimExpiredTranscripts } = await leases();
    const expired = await runningTranscript({ leaseOwner: 'gone', expired: true });
    const live = await runningTranscript({ leaseOwner: 'alive', expired: false });
    const claims = await Promise.all(['b', 'c', 'd'].map((instanceId) => claimExpiredTranscripts({ instanceId, leaseMs: LEASE_MS, limit: 100 })));
    const claimed = claims.flat().map((row) => row.id);
    expect(claimed.filter((id) => id === expired.id)).toHaveLength(1);
    expect(claimed).not.toContain(live.id);
  });

  it('keeps the lease for its owner only; the old owner learns it has lost it', async () => {
    const { claimExpiredTranscripts, renewTranscriptLease } = await leases();
    const job = await runningTranscript({ leaseOwner: 'a', expired: false });
    expect(await renewTranscriptLease({ ...job, instanceId: 'a', leaseMs: -1000 })).toBe(true);
    expect(await renewTranscriptLease({ ...job, instanceId: 'b', leaseMs: LEASE_MS })).toBe(false);
    const [taken] = (await claimExpiredTranscripts({ instanceId: 'b', leaseMs: LEASE_MS, limit: 100 })).filter((row) => row.id === job.id);
    expect(taken).toMatchObject({ id: job.id, user_id: job.userId, text: '', language: 'en' });
    expect(await renewTranscriptLease({ ...job, instanceId: 'a', leaseMs: LEASE_MS })).toBe(false);
    expect(await renewTranscriptLease({ ...job, instanceId: 'b', leaseMs: LEASE_MS })).toBe(true);
  });

  it('lets one request restart an ended transcript, not two', async () => {
    const { claimEndedTranscript, releaseTranscriptLease } = await leases();
    const job = await runningTranscript({ leaseOwner: 'a', expired: false });
    expect(await claimEndedTranscript({ ...job, instanceId: 'b', leaseMs: LEASE_MS })).toBe(false);
    await db.completeTranscript({ id: job.id, userId: job.userId, text: 'done', usageJson: null, durationSeconds: null });
    await releaseTranscriptLease({ ...job, instanceId: 'a' });
    const claims = await Promise.all(['b', 'c'].map((instanceId) => claimEndedTranscript({ ...job, instanceId, leaseMs: LEASE_MS })));
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('reopens a transcript paused on its upload for one of several requests, with its text kept; nothing else', async () => {
    const { getDb } = await import('./connection');
    const { reopenFailedTranscript, releaseTranscriptLease } = await leases();
    const reopen = (job: { id: string; userId: string }, instanceId = 'b') => reopenFailedTranscript({ ...job, instanceId, leaseMs: LEASE_MS, errorCode: 'timeout:upload' });
    const end = async (job: { id: string; userId: string }, errorCode: string) => {
      await db.endTranscriptWithoutText({ ...job, status: 'failed', text: 'Part one.', errorCode, errorMessage: 'Stopped.' });
      await releaseTranscriptLease({ ...job, instanceId: 'a' });
    };
    const paused = await runningTranscript({ leaseOwner: 'a', expired: false });
    const otherFailure = await runningTranscript({ leaseOwner: 'a', expired: false });
    await db.endTranscriptWithoutText({ ...paused, status: 'failed', text: 'Part one.', errorCode: 'timeout:upload', errorMessage: 'Paused.' });
    // Not while its instance still holds the lease (it is on its way out).
    expect(await reopen(paused)).toBe(false);
    await releaseTranscriptLease({ ...paused, instanceId: 'a' });
    await end(otherFailure, 'upstream:unavailable');
    expect(await reopen(otherFailure)).toBe(false);
    expect(await reopen({ id: paused.id, userId: otherFailure.userId })).toBe(false);

    const reopened = await Promise.all(['b', 'c'].map((instanceId) => reopen(paused, instanceId)));
    expect(reopened.filter(Boolean)).toHaveLength(1);
    const row = await (await getDb()).selectFrom('transcripts').selectAll().where('id', '=', paused.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'transcribing', text: 'Part one.', error_code: null, error_message: null });
  });
});
