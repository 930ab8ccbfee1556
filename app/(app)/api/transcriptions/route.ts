import { randomUUID } from 'node:crypto';
import { after } from 'next/server';
import { getSignedInUserId } from '@/app/(auth)/auth';
import { getAudioStore } from '@/lib/audio-store';
import { deleteTranscriptsByIds, getTranscriptsByUserId } from '@/lib/db/queries';
import { isTranscriptionConfigured } from '@/lib/env';
import { AppError, isAppError } from '@/lib/errors';
import { log } from '@/lib/log';
import { receiveUpload } from '@/lib/transcription/incoming';
import { getRunningJob, TranscriptionJob } from '@/lib/transcription/job';
import { eventStreamOf, SSE_HEADERS } from '@/lib/transcription/responses';
import { bulkDeleteSchema, encodeCursor, listFilterSchema, listQuerySchema, parseJsonBody, toTranscriptFilter } from './schema';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Transcribes an uploaded file, streaming the audio to the upstream while it arrives. */
export async function POST(request: Request) {
  const userId = await getSignedInUserId();
  if (!userId) return new AppError('unauthorized:auth').toResponse();
  if (!isTranscriptionConfigured()) return new AppError('unavailable:transcription').toResponse();

  const requestId = randomUUID();
  const startedAt = Date.now();
  let job: TranscriptionJob | undefined;
  try {
    const upload = await receiveUpload(request);
    job = await TranscriptionJob.fromUpload({ userId, upload, clientSignal: request.signal, requestId });
    after(job.finished);
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
    return appError.toResponse();
  } finally {
    log.info('transcription.request', { requestId, transcriptId: job?.id, ms: Date.now() - startedAt });
  }
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
  const userId = await getSignedInUserId();
  if (!userId) return new AppError('unauthorized:auth').toResponse();
  const body = await parseJsonBody(request, bulkDeleteSchema);
  if ('error' in body) return body.error.toResponse();

  const deleted = await deleteTranscriptsByIds({ ids: body.data.ids, userId });
  for (const transcript of deleted) {
    getRunningJob(transcript.id)?.cancel();
    if (transcript.audio_key) await getAudioStore().delete(transcript.audio_key);
  }
  return Response.json({ deleted: deleted.map((transcript) => transcript.id) });
}
