import { randomUUID } from 'node:crypto';
import { after } from 'next/server';
import { audioFormatForMimeType } from '@/lib/audio/format';
import { AppError, isAppError } from '@/lib/errors';
import { reserveTranscription } from '@/lib/quota/transcription';
import { crossOriginError } from '@/lib/same-origin';
import { TranscriptionJob } from '@/lib/transcription/job';
import { logTranscriptionRequest, settleWhenFinished } from '@/lib/transcription/request-log';
import { eventStreamOf, SSE_HEADERS } from '@/lib/transcription/responses';
import { loadOwnedTranscript } from '../owned';

export const runtime = 'nodejs';

/**
 * Transcribes a failed or cancelled transcript again from its stored audio, with its language
 * and prompt, and streams the events like a new upload would.
 */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const crossOrigin = crossOriginError(request);
  if (crossOrigin) return crossOrigin.toResponse();
  const owned = await loadOwnedTranscript(params);
  if (owned instanceof AppError) return owned.toResponse();
  const { userId, transcript } = owned;
  if (transcript.status !== 'failed' && transcript.status !== 'cancelled') {
    return new AppError('conflict:transcript', 'Only a failed or cancelled transcription can be retried.').toResponse();
  }
  const format = audioFormatForMimeType(transcript.audio_type);
  if (!format || transcript.audio_bytes === 0) return new AppError('conflict:transcript', 'This transcript has no stored audio to retry with.').toResponse();

  const requestId = randomUUID();
  const startedAt = Date.now();
  try {
    const slot = await reserveTranscription({ userId });
    const job = await TranscriptionJob.fromStoredAudio({
      id: transcript.id,
      userId,
      format,
      options: { language: transcript.language ?? undefined, prompt: transcript.prompt ?? undefined },
      requestId,
    }).catch((error: unknown) => {
      slot.release();
      throw error;
    });
    after(settleWhenFinished(job, { release: slot.release, requestId, userId, startedAt }));
    return new Response(eventStreamOf(job), { headers: SSE_HEADERS });
  } catch (error) {
    const appError = isAppError(error) ? error : new AppError('internal:transcription', undefined, { cause: error });
    logTranscriptionRequest({ requestId, userId, startedAt, status: appError.status, code: appError.code });
    return appError.toResponse();
  }
}
