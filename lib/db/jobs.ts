import 'server-only';

import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import { getDb } from './connection';
import { now, run } from './run';
import type { Database } from './schema';

// Leases on running transcriptions. The instance whose id is in `lease_owner` runs the job and
// renews `lease_expires_at`; once that time has passed, any instance may take the job over.
// Every claim is one conditional UPDATE, so that of two instances at most one wins a row.

const leaseUntil = (leaseMs: number) => new Date(Date.now() + leaseMs).toISOString();

/** The lease columns of a transcript that this instance starts now. */
export function newTranscriptLease({ instanceId, leaseMs }: { instanceId: string; leaseMs: number }) {
  return { lease_owner: instanceId, lease_expires_at: leaseUntil(leaseMs) };
}

type LeaseClaim = { id: string; userId: string; instanceId: string; leaseMs: number };

/** Sets this instance's lease on the owner's transcript where `condition` holds; whether it did. */
function setLeaseWhere(operation: string, { id, userId, instanceId, leaseMs }: LeaseClaim, condition: (eb: ExpressionBuilder<Database, 'transcripts'>) => Expression<SqlBool>) {
  return run(operation, async () => {
    const db = await getDb();
    const result = await db
      .updateTable('transcripts')
      .set(newTranscriptLease({ instanceId, leaseMs }))
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .where(condition)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  });
}

/**
 * Takes the lease of an ended transcript, to transcribe it again; false while it runs anywhere
 * (or its lease has not yet run out), so that two requests cannot both restart it.
 */
export function claimEndedTranscript(claim: LeaseClaim) {
  return setLeaseWhere('claimEndedTranscript', claim, (eb) =>
    eb.and([eb('status', '!=', 'transcribing'), eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<', now())])]),
  );
}

/**
 * Takes up again a transcript that failed with `errorCode` (an upload that stopped growing, and
 * grows again): one conditional update takes its lease and marks it running with its text kept,
 * so that of the requests that see it (on any instance) one goes on with it.
 */
export function reopenFailedTranscript({ errorCode, ...claim }: LeaseClaim & { errorCode: string }) {
  return run('reopenFailedTranscript', async () => {
    const db = await getDb();
    const result = await db
      .updateTable('transcripts')
      .set({ ...newTranscriptLease(claim), status: 'transcribing', error_code: null, error_message: null, completed_at: null, updated_at: now() })
      .where('id', '=', claim.id)
      .where('user_id', '=', claim.userId)
      .where('status', '=', 'failed')
      .where('error_code', '=', errorCode)
      .where((eb) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<', now())]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  });
}

/**
 * The heartbeat: extends the lease while this instance still holds it (a lease without an owner
 * is taken). False when the job is no longer this instance's to run: taken over, ended or deleted.
 */
export function renewTranscriptLease(claim: LeaseClaim) {
  return setLeaseWhere('renewTranscriptLease', claim, (eb) =>
    eb.and([eb('status', '=', 'transcribing'), eb.or([eb('lease_owner', '=', claim.instanceId), eb('lease_owner', 'is', null)])]),
  );
}

/** Lets go of an ended job's lease, so that it can be transcribed again at once. */
export function releaseTranscriptLease({ id, userId, instanceId }: { id: string; userId: string; instanceId: string }) {
  return run('releaseTranscriptLease', async () => {
    const db = await getDb();
    await db
      .updateTable('transcripts')
      .set({ lease_owner: null, lease_expires_at: null })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .where('lease_owner', '=', instanceId)
      .execute();
  });
}

/**
 * Takes over running transcriptions whose lease has expired (their instance stopped or lost
 * the database). The condition is repeated on the updated row, so a row another instance has
 * just claimed is skipped rather than claimed twice.
 */
export function claimExpiredTranscripts({ instanceId, leaseMs, limit }: { instanceId: string; leaseMs: number; limit: number }) {
  return run('claimExpiredTranscripts', async () => {
    const db = await getDb();
    const timestamp = now();
    return db
      .updateTable('transcripts')
      .set(newTranscriptLease({ instanceId, leaseMs }))
      .where('id', 'in', (eb) =>
        eb.selectFrom('transcripts').select('id').where('status', '=', 'transcribing').where('lease_expires_at', '<', timestamp).orderBy('lease_expires_at').limit(limit),
      )
      .where('status', '=', 'transcribing')
      .where('lease_expires_at', '<', timestamp)
      .returning(['id', 'user_id', 'text', 'audio_key', 'audio_bytes', 'language', 'prompt'])
      .execute();
  });
}

/** Audio that could not be stored is not offered for playing or retrying. */
export function forgetTranscriptAudio({ id, userId }: { id: string; userId: string }) {
  return run('forgetTranscriptAudio', async () => {
    const db = await getDb();
    await db.updateTable('transcripts').set({ audio_key: null, audio_bytes: 0 }).where('id', '=', id).where('user_id', '=', userId).execute();
  });
}
