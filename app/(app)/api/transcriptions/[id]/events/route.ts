import { route } from '@/lib/http/route';
import { getOwnedTranscript } from '@/lib/owned-transcript';
import { getRunningJob } from '@/lib/transcription/job';
import { eventStreamOf, SSE_HEADERS } from '@/lib/transcription/responses';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
/** The stream lasts as long as the transcription it follows. */
export const maxDuration = 800;

/**
 * The running transcription's events, replayed from the start, so that a page opened (or
 * reopened) mid-transcription shows the live text; once it has ended, the stored text.
 */
export const GET = route({ auth: 'session' }, async ({ params, userId }) => {
  const transcript = await getOwnedTranscript({ id: params.id, userId });
  return new Response(eventStreamOf(getRunningJob(transcript.id), { stored: { type: 'transcript.text.done', text: transcript.text } }), { headers: SSE_HEADERS });
});
