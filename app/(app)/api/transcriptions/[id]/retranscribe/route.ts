import { randomUUID } from 'node:crypto';
import { after } from 'next/server';
import { isTranscriptionConfigured } from '@/lib/engine/target';
import { AppError, isAppError } from '@/lib/errors';
import { parseJsonBody } from '@/lib/http/body';
import { route } from '@/lib/http/route';
import { getCurrentTranscriptDetails, getOwnedTranscript } from '@/lib/owned-transcript';
import { reserveTranscription } from '@/lib/quota/transcription';
import { getRunningJob, TranscriptionJob } from '@/lib/transcription/job';
import { transcriptionOptionsSchema } from '@/lib/transcription/options';
import { resumePausedTranscription } from '@/lib/transcription/paused-upload';
import { logTranscriptionRequest, settleWhenFinished } from '@/lib/transcription/request-log';
import { eventStreamOf, SSE_HEADERS } from '@/lib/transcription/responses';
import { storedAudioFormat } from '@/lib/transcription/takeover';

export const runtime = 'nodejs';
/** With `Accept: text/event-stream` the answer lasts as long as the transcription. */
export const maxDuration = 800;

const retranscribeSchema = transcriptionOptionsSchema.pick({ language: true, prompt: true }).strict();

/**
 * Transcribes the stored audio again: Retry after a failure, or another language or prompt.
 * The current text is kept as an earlier version first. A transcription paused because its
 * upload stopped growing goes on instead, after its finished parts, with its own options. With
 * `Accept: text/event-stream` the answer is the same event stream as an upload's; otherwise 202
 * with the details, and the text follows on the events route.
 */
export const POST = route({ auth: 'session' }, async ({ request, params, userId }) => {
  const options = await parseJsonBody(request, retranscribeSchema);
  if (!isTranscriptionConfigured()) throw new AppError('unavailable:transcription');
  const transcript = await getOwnedTranscript({ id: params.id, userId });
  if (transcript.status === 'transcribing' || getRunningJob(transcript.id)) {
    throw new AppError('conflict:transcript', 'This transcript is already being transcribed.');
  }
  const answer = async (job: TranscriptionJob) => {
    if (request.headers.get('accept')?.includes('text/event-stream')) return new Response(eventStreamOf(job), { headers: SSE_HEADERS });
    return Response.json(await getCurrentTranscriptDetails({ id: transcript.id, userId }), { status: 202, headers: { 'Cache-Control': 'no-store' } });
  };
  const format = transcript.audio_key ? await storedAudioFormat(transcript.audio_key) : undefined;
  if (!format) {
    const resumed = await resumePausedTranscription({ transcriptId: transcript.id, userId });
    if (!resumed) throw new AppError('not_found:audio', 'The audio for this transcript is not stored, so it cannot be transcribed again.');
    after(resumed.settled);
    return answer(resumed.job);
  }

  const requestId = randomUUID();
  const startedAt = Date.now();
  try {
    const slot = await reserveTranscription({ userId });
    const job = await TranscriptionJob.fromStoredAudio({ id: transcript.id, userId, format, options, requestId }).catch((error: unknown) => {
      slot.release();
      throw error;
    });
    after(settleWhenFinished(job, { release: slot.release, requestId, userId, startedAt }));
    return await answer(job);
  } catch (error) {
    const appError = isAppError(error) ? error : new AppError('internal:transcription', undefined, { cause: error });
    logTranscriptionRequest({ requestId, userId, startedAt, status: appError.status, code: appError.code });
    throw appError;
  }
});
