import { randomUUID } from 'node:crypto';
import { after } from 'next/server';
import { SNIFF_BYTES, sniffAudioFormat } from '@/lib/audio/format';
import { getAudioStore } from '@/lib/audio-store';
import { getTranscriptById } from '@/lib/db/transcripts';
import { isTranscriptionConfigured } from '@/lib/engine/target';
import { AppError, isAppError } from '@/lib/errors';
import { reserveTranscription } from '@/lib/quota/transcription';
import { crossOriginError } from '@/lib/same-origin';
import { getRunningJob, TranscriptionJob } from '@/lib/transcription/job';
import { transcriptionOptionsSchema } from '@/lib/transcription/options';
import { logTranscriptionRequest, settleWhenFinished } from '@/lib/transcription/request-log';
import { eventStreamOf, SSE_HEADERS } from '@/lib/transcription/responses';
import { parseJsonBody } from '../../schema';
import { getOwnedTranscriptDetails, loadOwnedTranscript } from '../owned';

export const runtime = 'nodejs';

const retranscribeSchema = transcriptionOptionsSchema.pick({ language: true, prompt: true }).strict();

/** The container of the stored audio, read from its first bytes as on upload. */
async function storedAudioFormat(audioKey: string) {
  const head = await getAudioStore().get(audioKey, { start: 0, end: SNIFF_BYTES - 1 });
  if (!head) return undefined;
  return sniffAudioFormat(new Uint8Array(await new Response(head.body).arrayBuffer()));
}

/**
 * Transcribes the stored audio again: Retry after a failure, or another language or prompt.
 * The current text is kept as an earlier version first. With `Accept: text/event-stream` the
 * answer is the same event stream as an upload's; otherwise 202 with the details, and the text
 * follows on the events route.
 */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const crossOrigin = crossOriginError(request);
  if (crossOrigin) return crossOrigin.toResponse();
  const owned = await loadOwnedTranscript(params);
  if (owned instanceof AppError) return owned.toResponse();
  const body = await parseJsonBody(request, retranscribeSchema);
  if ('error' in body) return body.error.toResponse();
  if (!isTranscriptionConfigured()) return new AppError('unavailable:transcription').toResponse();

  const { transcript, userId } = owned;
  if (transcript.status === 'transcribing' || getRunningJob(transcript.id)) {
    return new AppError('conflict:transcript', 'This transcript is already being transcribed.').toResponse();
  }
  const format = transcript.audio_key ? await storedAudioFormat(transcript.audio_key) : undefined;
  if (!format) return new AppError('not_found:audio', 'The audio for this transcript is not stored, so it cannot be transcribed again.').toResponse();

  const requestId = randomUUID();
  const startedAt = Date.now();
  try {
    const slot = await reserveTranscription({ userId });
    const job = await TranscriptionJob.fromStoredAudio({ id: transcript.id, userId, format, options: body.data, requestId }).catch((error: unknown) => {
      slot.release();
      throw error;
    });
    after(settleWhenFinished(job, { release: slot.release, requestId, userId, startedAt }));
    if (request.headers.get('accept')?.includes('text/event-stream')) return new Response(eventStreamOf(job), { headers: SSE_HEADERS });
    const restarted = await getTranscriptById({ id: transcript.id, userId });
    if (!restarted) return new AppError('not_found:transcript').toResponse();
    return Response.json(await getOwnedTranscriptDetails({ transcript: restarted, userId }), { status: 202, headers: { 'Cache-Control': 'no-store' } });
  } catch (error) {
    const appError = isAppError(error) ? error : new AppError('internal:transcription', undefined, { cause: error });
    logTranscriptionRequest({ requestId, userId, startedAt, status: appError.status, code: appError.code });
    return appError.toResponse();
  }
}
