import 'server-only';

import { hashForLog, log } from '@/lib/log';
import type { TranscriptionJob } from './job';

/**
 * The one log line of a transcription request, written when it ends: ids, sizes, times,
 * status and the upstream's request id; never the file name, prompt, text or headers.
 */
export function logTranscriptionRequest({
  requestId,
  userId,
  startedAt,
  declaredBytes,
  status,
  code,
  job,
}: {
  requestId: string;
  userId: string;
  startedAt: number;
  declaredBytes?: number;
  status: number;
  code?: string;
  job?: TranscriptionJob;
}) {
  const metrics = job?.metrics;
  log.info('transcription.request', {
    requestId,
    userHash: hashForLog(userId),
    transcriptId: job?.id,
    status,
    code,
    declaredBytes,
    audioBytes: metrics?.audioBytes,
    attempts: metrics?.attempts,
    upstreamRequestId: metrics?.upstreamRequestId,
    uploadMs: metrics?.uploadCompletedAt && metrics.uploadCompletedAt - startedAt,
    firstDeltaMs: metrics?.firstDeltaAt && metrics.firstDeltaAt - startedAt,
    totalMs: Date.now() - startedAt,
  });
}

/** Releases the slot and writes the log line when the job ends. */
export function settleWhenFinished(job: TranscriptionJob, { release, ...entry }: { release: () => void } & Omit<Parameters<typeof logTranscriptionRequest>[0], 'status' | 'code' | 'job'>) {
  return job.finished.then((result) => {
    release();
    logTranscriptionRequest(result.ok ? { ...entry, status: 200, job } : { ...entry, status: result.error.status, code: result.error.code, job });
  });
}
