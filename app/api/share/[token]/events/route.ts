import { AppError } from '@/lib/errors';
import { route } from '@/lib/http/route';
import { eventForReaders, findSharedTranscript, whileShared } from '@/lib/share-token';
import { SSE_HEADERS, transcriptEventStream } from '@/lib/transcription/responses';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
/** The stream lasts as long as the transcription it follows. */
export const maxDuration = 800;

/** The shared transcript's text as it is transcribed, for a live link only, and only while it stays live. */
export const GET = route({ auth: 'public' }, async ({ params }) => {
  const token = typeof params.token === 'string' ? params.token : '';
  const shared = await findSharedTranscript({ token, recordView: false });
  if (!shared) throw new AppError('not_found:share');
  const events = transcriptEventStream({
    id: shared.transcript_id,
    saved: shared,
    load: () => findSharedTranscript({ token, recordView: false }),
    filter: eventForReaders,
  });
  return new Response(whileShared(events, token), { headers: { ...SSE_HEADERS, 'Referrer-Policy': 'no-referrer', 'X-Robots-Tag': 'noindex' } });
});
