import 'server-only';

import { randomUUID } from 'node:crypto';
import { after } from 'next/server';
import type { ResumableUpload } from '@/lib/db/resumable-uploads';
import { getTranscriptById } from '@/lib/db/transcripts';
import { isAppError } from '@/lib/errors';
import { log } from '@/lib/log';
import { reserveTranscription } from '@/lib/quota/transcription';
import { isPausedOnUpload } from '@/lib/transcript-details';
import { getRunningJob, TranscriptionJob } from './job';
import { settleWhenFinished } from './request-log';
import { claimedGrowingUpload } from './resumable-source';

/**
 * Goes on with a transcription that paused because its upload stopped growing for
 * UPLOAD_WAIT_SECONDS (a laptop closed mid-upload, a phone without signal): from its first
 * unfinished part, following the upload again. Asked when the upload grows again (each PATCH of
 * a claimed upload), when the page asks to transcribe that upload again, and by Retry.
 * Undefined when the transcript is not paused on an upload: running (here or on another
 * instance), ended otherwise, or taken up by another request at the same moment. `settled`
 * ends with the job, once its quota slot is given back and its log line written.
 */
export async function resumePausedTranscription({ transcriptId, userId }: { transcriptId: string; userId: string }) {
  if (getRunningJob(transcriptId)) return undefined;
  const transcript = await getTranscriptById({ id: transcriptId, userId });
  if (!transcript || !isPausedOnUpload(transcript)) return undefined;
  const options = { language: transcript.language ?? undefined, prompt: transcript.prompt ?? undefined };
  const upload = await claimedGrowingUpload({ transcriptId, userId, options });
  if (!upload) return undefined;

  const requestId = randomUUID();
  const startedAt = Date.now();
  const slot = await reserveTranscription({ userId });
  const job = await TranscriptionJob.resumePaused({ id: transcriptId, userId, upload, requestId }).catch((error: unknown) => {
    void slot.release();
    throw error;
  });
  if (!job) {
    void slot.release();
    return undefined;
  }
  log.info('transcription.resumed', { requestId, transcriptId, uploadId: upload.uploadId });
  return { job, settled: settleWhenFinished(job, { release: slot.release, requestId, userId, startedAt }) };
}

/**
 * For each piece of a PATCH stored in a claimed upload: the transcription paused on it goes on at
 * once, while the rest of the PATCH arrives (on Vercel the function lives on with the job).
 */
export function resumeWhenUploadGrows({ claimedBy, userId }: Pick<ResumableUpload, 'claimedBy' | 'userId'>) {
  if (!claimedBy || getRunningJob(claimedBy)) return;
  const resumed = resumePausedTranscription({ transcriptId: claimedBy, userId }).then(
    (resumption) => resumption?.settled,
    // A limit (e.g. too many running) leaves it paused: the next piece, the page or Retry asks again.
    (error: unknown) => log.warn('transcription.resume_refused', { transcriptId: claimedBy, code: isAppError(error) ? error.code : 'internal' }),
  );
  after(resumed);
}
