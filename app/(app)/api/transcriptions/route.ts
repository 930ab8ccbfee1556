import { randomUUID } from 'node:crypto';
import { after } from 'next/server';
import { getSignedInUserId } from '@/app/(auth)/auth';
import { getAudioStore } from '@/lib/audio-store';
import { deleteTranscriptsByIds, getTranscriptsByUserId } from '@/lib/db/transcripts';
import { isTranscriptionConfigured } from '@/lib/env';
import { AppError, isAppError } from '@/lib/errors';
import { log } from '@/lib/log';
import { reserveTranscription, type TranscriptionSlot } from '@/lib/quota/transcription';
import { crossOriginError } from '@/lib/same-origin';
import { checkUploadHeaders, receiveUpload } from '@/lib/transcription/incoming';
import { requestCancel, TranscriptionJob } from '@/lib/transcription/job';
import { logTranscriptionRequest, settleWhenFinished } from '@/lib/transcription/request-log';
import { eventStreamOf, SSE_HEADERS } from '@/lib/transcription/responses';
import { bulkDeleteSchema, encodeCursor, listFilterSchema, listQuerySchema, parseJsonBody, toTranscriptFilter } from './schema';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Transcribes an uploaded file, streaming the audio to the upstream while it arrives. */
export async function POST(request: Request) {
  const userId = await getSignedInUserId();
  if (!userId) return refusal(new AppError('unauthorized:auth'));
  const crossOrigin = crossOriginError(request);
  if (crossOrigin) return refusal(crossOrigin);
  if (!isTranscriptionConfigured()) return refusal(new AppError('unavailable:transcription'));

  const requestId = randomUUID();
  const startedAt = Date.now();
  const declaredBytes = declaredContentLength(request);

  let slot: TranscriptionSlot | undefined;
  let job: TranscriptionJob | undefined;
  try {
    // Refusals that need no database come first: an oversize upload is answered at once.
    checkUploadHeaders(request);
    slot = await reserveTranscription({ userId, declaredBytes });
    const upload = await receiveUpload(request);
    job = await TranscriptionJob.fromUpload({ id: slot.id, userId, upload, clientSignal: request.signal, requestId });
    // The slot and the request's log line end with the transcription, whoever is still listening.
    after(settleWhenFinished(job, { release: slot.release, requestId, userId, startedAt, declaredBytes }));
    await job.ready;
    // Fields may follow the file (the OpenAI SDK sends them last): answer with all of them known.
    const { options } = await upload.complete;

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
    return refusal(appError);
  }
}

/**
 * An error answer to an upload whose body may still be arriving. Closing the connection spares
 * the server reading (and the client sending) the rest: Node would otherwise drain it all to
 * keep the connection alive, e.g. 30 MB behind a 413 decided from the headers.
 */
function refusal(error: AppError) {
  const response = error.toResponse();
  response.headers.set('Connection', 'close');
  return response;
}

function declaredContentLength(request: Request) {
  const length = Number(request.headers.get('content-length') ?? Number.NaN);
  return Number.isSafeInteger(length) && length >= 0 ? length : undefined;
}

/** The signed-in user's transcripts, newest first, a page at a time; optionally searched and filtered. */
export async function GET(request: Request) {
  const userId = await getSignedInUserId();
  if (!userId) return new AppError('unauthorized:auth').toResponse();

  const params = Object.fromEntries(new URL(request.url).searchParams);
  const query = listQuerySchema.extend(listFilterSchema.shape).safeParse(params);
  if (!query.success) return new AppError('bad_request:api', query.error.issues[0]?.message).toResponse();

  const { cursor, limit, ...filter } = query.data;
  const { items, nextCursor } = await getTranscriptsByUserId({ userId, cursor, limit, filter: toTranscriptFilter(filter) });
  return Response.json(
    {
      items: items.map((item) => ({
        id: item.id,
        title: item.title,
        titleMarked: item.titleMarked,
        status: item.status,
        createdAt: item.created_at,
        editedAt: item.edited_at,
        audioBytes: item.audio_bytes,
        durationSeconds: item.duration_seconds,
        preview: item.text_start.split('\n')[0]?.slice(0, 200) ?? '',
        snippet: item.snippet,
        errorMessage: item.error_message,
      })),
      nextCursor: encodeCursor(nextCursor),
    },
    { headers: { 'Cache-Control': 'no-store' } },
  );
}

/** Deletes several of the user's transcripts (ids that are not theirs are skipped), with their audio. */
export async function DELETE(request: Request) {
  const crossOrigin = crossOriginError(request);
  if (crossOrigin) return crossOrigin.toResponse();
  const userId = await getSignedInUserId();
  if (!userId) return new AppError('unauthorized:auth').toResponse();
  const body = await parseJsonBody(request, bulkDeleteSchema);
  if ('error' in body) return body.error.toResponse();

  const deleted = await deleteTranscriptsByIds({ ids: body.data.ids, userId });
  for (const transcript of deleted) {
    requestCancel(transcript.id);
    if (transcript.audio_key) await getAudioStore().delete(transcript.audio_key);
  }
  return Response.json({ deleted: deleted.map((transcript) => transcript.id) });
}
