import { AppError } from '@/lib/errors';
import { findSharedTranscript } from '@/lib/share-token';
import { getRunningJob } from '@/lib/transcription/job';
import { eventStreamOf, SSE_HEADERS } from '@/lib/transcription/responses';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * The shared transcript's text as it is transcribed, for a live link only. Readers get the text,
 * nothing else: no ids, no usage.
 */
export async function GET(_request: Request, { params }: { params: Promise<{ token: string }> }) {
  const shared = await findSharedTranscript({ token: (await params).token, recordView: false });
  if (!shared) return new AppError('not_found:share').toResponse();
  const stream = eventStreamOf(getRunningJob(shared.transcript_id), {
    stored: { type: 'transcript.text.done', text: shared.text },
    filter: (event) => {
      if (event.type === 'transcript.created') return undefined;
      if (event.type === 'transcript.text.done') return { type: event.type, text: event.text };
      return event;
    },
  });
  return new Response(stream, { headers: { ...SSE_HEADERS, 'Referrer-Policy': 'no-referrer', 'X-Robots-Tag': 'noindex' } });
}
