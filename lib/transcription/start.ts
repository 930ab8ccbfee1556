import 'server-only';

import { randomUUID } from 'node:crypto';
import { after } from 'next/server';
import { isTranscriptionConfigured } from '@/lib/engine/target';
import { AppError, isAppError } from '@/lib/errors';
import { declaredContentLength } from '@/lib/http/body';
import { log } from '@/lib/log';
import { reserveTranscription, type TranscriptionSlot } from '@/lib/quota/transcription';
import type { TranscriptSource } from '@/lib/transcript-details';
import { isStoredUploadRequest, receiveStoredUpload } from './blob-source';
import { isGrowingUpload } from './resumable-source';
import { checkUploadHeaders, declaredAudioSeconds, receiveUpload, type FieldCheck } from './incoming';
import { TranscriptionJob } from './job';
import type { TranscriptionOptions } from './options';
import { logTranscriptionRequest, settleWhenFinished } from './request-log';

export type StartedTranscription = { job: TranscriptionJob; options: TranscriptionOptions };

/**
 * Starts a transcription for `userId` from the request that carries its audio: a multipart
 * upload, streamed to the upstream and the audio store as it arrives (past 25 MB, with
 * `longAudio`, split into parts as it arrives), or (`acceptStoredUpload`) JSON naming a file the
 * browser put in the Blob store or a resumable upload (a finished one, or one still arriving, which is
 * followed as it grows). Every way in (the browser, the `/v1`
 * API) goes through here, so limits, quota, stored audio, live follow and the request's log line
 * are the same for all. Resolves once the response can begin and every field is known (the
 * OpenAI SDK sends the fields after the file); the body is read under the upload's own cap, and
 * every refusal is thrown for the route wrapper to answer (closing the connection).
 */
export async function startTranscription({
  request,
  userId,
  source,
  fieldCheck,
  acceptStoredUpload = false,
  longAudio = false,
}: {
  request: Request;
  userId: string;
  source: TranscriptSource;
  fieldCheck?: FieldCheck;
  acceptStoredUpload?: boolean;
  /** Whether a file past the upstream's 25 MB is taken (up to MAX_UPLOAD_MB) and split into parts. */
  longAudio?: boolean;
}): Promise<StartedTranscription> {
  if (!isTranscriptionConfigured()) throw new AppError('unavailable:transcription');

  const requestId = randomUUID();
  const startedAt = Date.now();
  let declaredBytes = declaredContentLength(request.headers);

  let slot: TranscriptionSlot | undefined;
  let job: TranscriptionJob | undefined;
  try {
    let complete: Promise<{ options: TranscriptionOptions }>;
    if (acceptStoredUpload && isStoredUploadRequest(request)) {
      const stored = await receiveStoredUpload(request, userId);
      if (isGrowingUpload(stored)) {
        // Its bytes count once it is complete (the job records them then); a declared length is checked now.
        declaredBytes = stored.length;
        slot = await reserveTranscription({ userId, declaredBytes });
        job = await TranscriptionJob.fromGrowingUpload({ id: slot.id, userId, upload: stored, source, requestId });
      } else {
        declaredBytes = stored.bytes;
        try {
          slot = await reserveTranscription({ userId, declaredBytes });
          job = await TranscriptionJob.fromStoredUpload({ id: slot.id, userId, upload: stored, source, requestId });
        } catch (error) {
          await stored.discard().catch(() => undefined);
          throw error;
        }
      }
      complete = Promise.resolve(stored);
    } else {
      // Refusals that need no database come first: an oversize upload is answered at once.
      const { long } = checkUploadHeaders(request, { longAudio });
      // Long audio may state its duration, so that a file past the daily allowance is refused before it uploads.
      const declaredSeconds = long ? declaredAudioSeconds(request.headers) : undefined;
      slot = await reserveTranscription({ userId, declaredBytes, declaredSeconds });
      const upload = await receiveUpload(request, { fieldCheck, longAudio });
      job = await TranscriptionJob.fromUpload({ id: slot.id, userId, upload, source, clientSignal: request.signal, requestId, declaredSeconds });
      complete = upload.complete;
    }
    // The slot and the request's log line end with the transcription, whoever is still listening.
    after(settleWhenFinished(job, { release: slot.release, requestId, userId, startedAt, declaredBytes }));
    await job.ready;
    const { options } = await complete;
    return { job, options };
  } catch (error) {
    const appError = isAppError(error) ? error : new AppError('internal:transcription', undefined, { cause: error });
    if (!isAppError(error)) log.error('transcription.route', { requestId, cause: error instanceof Error ? error.message : String(error) });
    if (!job) {
      void slot?.release();
      logTranscriptionRequest({ requestId, userId, startedAt, declaredBytes, status: appError.status, code: appError.code });
    }
    throw appError;
  }
}
