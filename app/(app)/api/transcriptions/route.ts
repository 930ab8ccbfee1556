import { after } from 'next/server';
import { getAudioStore } from '@/lib/audio-store';
import { takeRateLimitHit } from '@/lib/db/rate-limits';
import { deleteTranscriptsByIds, getTranscriptById, getTranscriptsByUserId } from '@/lib/db/transcripts';
import { getConfig } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { parseJsonBody } from '@/lib/http/body';
import { route } from '@/lib/http/route';
import { requestCancel } from '@/lib/transcription/job';
import { getOwnedTranscript } from '@/lib/owned-transcript';
import { eventStreamOf, SSE_HEADERS, transcriptEventStream } from '@/lib/transcription/responses';
import { resumePausedTranscription } from '@/lib/transcription/paused-upload';
import { UploadTakenError } from '@/lib/transcription/resumable-source';
import { startTranscription } from '@/lib/transcription/start';
import { toHistoryItem } from '@/lib/transcript-details';
import { bulkDeleteSchema, encodeCursor, listFilterSchema, listQuerySchema, toTranscriptFilter, uploadSourceSchema } from './schema';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
/** A streamed answer lasts as long as the transcription. */
export const maxDuration = 800;

/**
 * Transcribes an uploaded file, streaming the audio to the upstream while it arrives; or, as JSON,
 * a file that the browser uploaded to the Blob store itself (see startTranscription). `?source=`
 * says whether the audio is a file or a recording made in the app.
 */
export const POST = route({ auth: 'session', body: 'own' }, async ({ request, userId }) => {
  const query = uploadSourceSchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) throw new AppError('bad_request:api', query.error.issues[0]?.message);
  const started = await startTranscription({ request, userId, source: { kind: query.data.source }, acceptStoredUpload: true, longAudio: true }).catch(async (error: unknown) => {
    if (!(error instanceof UploadTakenError && error.wantsStream)) throw error;
    // Asked again for an upload this user's transcription already follows: its events, not a second transcription,
    // and it goes on first if it had paused because the upload stopped growing.
    const resumed = await resumePausedTranscription({ transcriptId: error.transcriptId, userId });
    if (resumed) {
      after(resumed.settled);
      return new Response(eventStreamOf(resumed.job), { headers: SSE_HEADERS });
    }
    const transcript = await getOwnedTranscript({ id: error.transcriptId, userId });
    return new Response(transcriptEventStream({ id: transcript.id, saved: transcript, load: () => getTranscriptById({ id: transcript.id, userId }) }), { headers: SSE_HEADERS });
  });
  if (started instanceof Response) return started;
  const { job, options } = started;

  if (options.stream) {
    return new Response(eventStreamOf(job), { headers: SSE_HEADERS });
  }
  const result = await job.finished;
  if (!result.ok) return result.error.toResponse({ id: job.id });
  return options.response_format === 'text'
    ? new Response(result.text, { headers: { 'Content-Type': 'text/plain; charset=utf-8' } })
    : Response.json({ id: job.id, text: result.text });
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
