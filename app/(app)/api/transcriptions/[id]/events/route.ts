import { getTranscriptById } from '@/lib/db/transcripts';
import { route } from '@/lib/http/route';
import { getOwnedTranscript } from '@/lib/owned-transcript';
import { SSE_HEADERS, transcriptEventStream } from '@/lib/transcription/responses';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
/** The stream lasts as long as the transcription it follows. */
export const maxDuration = 800;

/**
 * The running transcription's events (on whichever instance it runs), so that a page opened (or
 * reopened) mid-transcription shows the live text; once it has ended, the stored text.
 */
export const GET = route({ auth: 'session' }, async ({ params, userId }) => {
  const transcript = await getOwnedTranscript({ id: params.id, userId });
  const load = () => getTranscriptById({ id: transcript.id, userId });
  return new Response(transcriptEventStream({ id: transcript.id, saved: transcript, load }), { headers: SSE_HEADERS });
});
