import { randomUUID } from 'node:crypto';
import { after } from 'next/server';
import { getAudioStore } from '@/lib/audio-store';
import { takeRateLimitHit } from '@/lib/db/rate-limits';
import { deleteTranscriptsByIds, getTranscriptsByUserId } from '@/lib/db/transcripts';
import { getConfig } from '@/lib/env';
import { isTranscriptionConfigured } from '@/lib/engine/target';
import { AppError, isAppError } from '@/lib/errors';
import { declaredContentLength, parseJsonBody } from '@/lib/http/body';
import { route } from '@/lib/http/route';
import { log } from '@/lib/log';
import { reserveTranscription, type TranscriptionSlot } from '@/lib/quota/transcription';
import { isStoredUploadRequest, receiveStoredUpload } from '@/lib/transcription/blob-source';
import { checkUploadHeaders, declaredAudioSeconds, receiveUpload } from '@/lib/transcription/incoming';
import { requestCancel, TranscriptionJob } from '@/lib/transcription/job';
import type { TranscriptionOptions } from '@/lib/transcription/options';
import { logTranscriptionRequest, settleWhenFinished } from '@/lib/transcription/request-log';
import { eventStreamOf, SSE_HEADERS } from '@/lib/transcription/responses';
import { toHistoryItem } from '@/lib/transcript-details';
import { bulkDeleteSchema, encodeCursor, listFilterSchema, listQuerySchema, toTranscriptFilter } from './schema';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
/** A streamed answer lasts as long as the transcription. */
export const maxDuration = 800;

/**
 * Transcribes an uploaded file, streaming the audio to the upstream while it arrives; or, as JSON,
 * a file that the browser uploaded to the Blob store itself. The body is read here under the
 * upload's own cap (receiveUpload, receiveStoredUpload); every refusal closes the connection (see
 * the wrapper), sparing the server the rest of a body it will not read.
 */
export const POST = route({ auth: 'session', body: 'own' }, async ({ request, userId }) => {
  if (!isTranscriptionConfigured()) throw new AppError('unavailable:transcription');

  const requestId = randomUUID();
  const startedAt = Date.now();
  let declaredBytes = declaredContentLength(request.headers);

  let slot: TranscriptionSlot | undefined;
  let job: TranscriptionJob | undefined;
  try {
    let complete: Promise<{ options: TranscriptionOptions }>;
    if (isStoredUploadRequest(request)) {
      // The browser uploaded the file to the Blob store itself and names it here.
      const stored = await receiveStoredUpload(request, userId);
      declaredBytes = stored.bytes;
      try {
        slot = await reserveTranscription({ userId, declaredBytes });
        job = await TranscriptionJob.fromStoredUpload({ id: slot.id, userId, upload: stored, requestId });
      } catch (error) {
        await stored.discard().catch(() => undefined);
        throw error;
      }
      complete = Promise.resolve(stored);
    } else {
      // Refusals that need no database come first: an oversize upload is answered at once.
      const { long } = checkUploadHeaders(request);
      // Long audio may state its duration, so that a file past the daily allowance is refused before it uploads.
      const declaredSeconds = long ? declaredAudioSeconds(request.headers) : undefined;
      slot = await reserveTranscription({ userId, declaredBytes, declaredSeconds });
      const upload = await receiveUpload(request);
      const started = { id: slot.id, userId, upload, clientSignal: request.signal, requestId };
      job = await (upload.long ? TranscriptionJob.fromLongUpload({ ...started, declaredSeconds }) : TranscriptionJob.fromUpload(started));
      complete = upload.complete;
    }
    // The slot and the request's log line end with the transcription, whoever is still listening.
    after(settleWhenFinished(job, { release: slot.release, requestId, userId, startedAt, declaredBytes }));
    await job.ready;
    // Fields may follow the file (the OpenAI SDK sends them last): answer with all of them known.
    const { options } = await complete;

    if (options.stream) {
      return new Response(eventStreamOf(job), { headers: SSE_HEADERS });
    }
    const result = await job.finished;
    if (!result.ok) return result.error.toResponse({ id: job.id });
    return options.response_format === 'text'
      ? new Response(result.text, { headers: { 'Content-Type': 'text/plain; charset=utf-8' } })
      : Response.json({ id: job.id, text: result.text });
  } catch (error) {
    const appError = isAppError(error) ? error : new AppError('internal:transcription', undefined, { cause: error });
    if (!isAppError(error)) log.error('transcription.route', { requestId, cause: error instanceof Error ? error.message : String(error) });
    if (!job) {
      slot?.release();
      logTranscriptionRequest({ requestId, userId, startedAt, declaredBytes, status: appError.status, code: appError.code });
    }
    throw appError;
  }
});

/** The signed-in user's transcripts, newest first, a page at a time; optionally searched and filtered. */
export const GET = route({ auth: 'session' }, async ({ request, userId }) => {
  const query = listQuerySchema.extend(listFilterSchema.shape).safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) throw new AppError('bad_request:api', query.error.issues[0]?.message);
  const { cursor, limit, ...filter } = query.data;
  if (filter.q) {
    // Each search reads the whole full-text index: counted per user, across every instance.
    const verdict = await takeRateLimitHit({ bucket: 'search', key: userId, limit: getConfig().limits.searchesPerMinute, windowMs: 60_000 });
    if (!verdict.allowed) {
      throw new AppError('rate_limit:search', 'Too many searches in the last minute. Wait a moment, then search again.', { retryAfterSeconds: verdict.retryAfterSeconds });
    }
  }

  const { items, nextCursor } = await getTranscriptsByUserId({ userId, cursor, limit, filter: toTranscriptFilter(filter) });
  return Response.json({ items: items.map(toHistoryItem), nextCursor: encodeCursor(nextCursor) }, { headers: { 'Cache-Control': 'no-store' } });
});

/** Deletes several of the user's transcripts (ids that are not theirs are skipped), with their audio. */
export const DELETE = route({ auth: 'session' }, async ({ request, userId }) => {
  const { ids } = await parseJsonBody(request, bulkDeleteSchema);
  const deleted = await deleteTranscriptsByIds({ ids, userId });
  for (const transcript of deleted) {
    requestCancel(transcript.id);
    if (transcript.audio_key) await getAudioStore().delete(transcript.audio_key);
  }
  return Response.json({ deleted: deleted.map((transcript) => transcript.id) });
});
