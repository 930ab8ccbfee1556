import 'server-only';

import { randomUUID } from 'node:crypto';
import { SNIFF_BYTES, sniffAudioFormat } from '@/lib/audio/format';
import { sweepStaleWorkFiles } from '@/lib/audio/work-files';
import { getAudioStore } from '@/lib/audio-store';
import { getJobBus } from '@/lib/bus';
import { claimExpiredTranscripts, releaseTranscriptLease } from '@/lib/db/jobs';
import { getPartsByTranscriptId } from '@/lib/db/parts';
import { endTranscriptWithoutText } from '@/lib/db/transcripts';
import { endTranscriptionUsage } from '@/lib/db/usage';
import { getConfig } from '@/lib/env';
import { log } from '@/lib/log';
import { processSingleton } from '@/lib/process-singleton';
import { sweepExpiredUploads } from '@/lib/resumable/storage';
import { TranscriptionJob } from './job';
import { claimedGrowingUpload } from './resumable-source';
import { instanceId } from './lease';

/** Rows taken over per round: a crowd of orphans is worked through a few at a time. */
const CLAIM_LIMIT = 10;
/** Resumable uploads whose 24 hours are over are deleted, with their bytes, this often. */
const UPLOAD_SWEEP_MS = 60_000;

type Orphan = Awaited<ReturnType<typeof claimExpiredTranscripts>>[number];

/** The container of stored audio, read from its first bytes as on upload; undefined when none is stored. */
export async function storedAudioFormat(audioKey: string) {
  const head = await getAudioStore().get(audioKey, { start: 0, end: SNIFF_BYTES - 1 });
  if (!head) return undefined;
  return sniffAudioFormat(new Uint8Array(await new Response(head.body).arrayBuffer()));
}

/**
 * Retries a job whose instance stopped when nobody can have seen any of its text, or resumes long
 * audio after its finished parts; otherwise ends it as failed with the text it had, which a
 * retry would repeat. Either way its in-flight slot
 * is freed once it has ended (an upload's usage row has the transcript's id).
 */
async function adopt(orphan: Orphan) {
  try {
    await finishOrphan(orphan);
  } finally {
    await endTranscriptionUsage({ id: orphan.id }).catch(() => undefined);
  }
}

async function finishOrphan(orphan: Orphan) {
  const { id, user_id: userId } = orphan;
  const options = { language: orphan.language ?? undefined, prompt: orphan.prompt ?? undefined };
  const hasParts = (await getPartsByTranscriptId({ transcriptId: id, userId })).length > 0;
  // A transcription that was following a growing upload goes on following it, from its first unfinished part.
  const growing = !orphan.text || hasParts ? await claimedGrowingUpload({ transcriptId: id, userId, options }) : undefined;
  if (growing) {
    const requestId = randomUUID();
    log.info('transcription.taken_over', { requestId, transcriptId: id, outcome: 'following' });
    await TranscriptionJob.resumeGrowing({ id, userId, upload: growing, requestId }).finished;
    return;
  }
  const inParts = orphan.audio_bytes > 0 && hasParts;
  const format = orphan.audio_bytes > 0 && (!orphan.text || inParts) && orphan.audio_key ? await storedAudioFormat(orphan.audio_key) : undefined;
  if (format) {
    const requestId = randomUUID();
    log.info('transcription.taken_over', { requestId, transcriptId: id, outcome: 'retried' });
    const job = TranscriptionJob.resume({ id, userId, format, options, requestId });
    await job.finished;
    return;
  }
  const uploaded = orphan.audio_bytes > 0;
  await endTranscriptWithoutText({
    id,
    userId,
    status: 'failed',
    text: orphan.text,
    errorCode: 'interrupted',
    errorMessage: uploaded
      ? 'The server running this transcription stopped. The text so far is kept; transcribe it again for all of it.'
      : 'The server receiving this upload stopped before the audio was complete. Upload the file again.',
  });
  await releaseTranscriptLease({ id, userId, instanceId });
  await getJobBus().publish(id, { type: 'end' }).catch(() => undefined);
  log.info('transcription.taken_over', { transcriptId: id, outcome: 'failed' });
}

/** One round: claims the expired leases (none that another instance claims at the same time). */
export async function takeOverExpiredJobs() {
  const orphans = await claimExpiredTranscripts({ instanceId, leaseMs: getConfig().jobs.leaseMs, limit: CLAIM_LIMIT });
  for (const orphan of orphans) {
    adopt(orphan).catch((error: unknown) => log.error('transcription.takeover_failed', { transcriptId: orphan.id, cause: error instanceof Error ? error.message : String(error) }));
  }
  return orphans.length;
}

/**
 * Looks for jobs that lost their instance, at start and then as often as leases are renewed.
 * Nothing is done to a job whose lease is live, whoever holds it. Also sweeps expired resumable
 * uploads, once a minute.
 */
export function startJobTakeover() {
  processSingleton('job-takeover', () => {
    const round = () => takeOverExpiredJobs().catch(() => undefined);
    void round();
    setInterval(round, getConfig().jobs.heartbeatMs).unref();
    // Any instance may sweep: each expired upload's row is deleted by one of them, which then deletes its chunks.
    // Each also clears the scratch files that crashed jobs left on its machine.
    const sweep = () =>
      Promise.all([
        sweepExpiredUploads().catch((error: unknown) => log.error('resumable.sweep_failed', { cause: error instanceof Error ? error.message : String(error) })),
        sweepStaleWorkFiles().catch((error: unknown) => log.error('long_audio.sweep_failed', { cause: error instanceof Error ? error.message : String(error) })),
      ]);
    void sweep();
    setInterval(sweep, UPLOAD_SWEEP_MS).unref();
    return true;
  });
}
