import { AppError } from '@/lib/errors';
import { findSharedTranscript } from '@/lib/share-token';
import { SSE_HEADERS, transcriptEventStream } from '@/lib/transcription/responses';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * The shared transcript's text as it is transcribed, for a live link only. Readers get the text,
 * nothing else: no ids, no usage.
 */
export async function GET(_request: Request, { params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const shared = await findSharedTranscript({ token, recordView: false });
  if (!shared) return new AppError('not_found:share').toResponse();
  const stream = transcriptEventStream({
    id: shared.transcript_id,
    saved: shared,
    // Read through the link each time, so that revoking it ends the stream.
    load: () => findSharedTranscript({ token, recordView: false }),
    filter: (event) => {
      if (event.type === 'transcript.created') return undefined;
      if (event.type === 'transcript.text.done') return { type: event.type, text: event.text };
      return event;
    },
  });
  return new Response(stream, { headers: { ...SSE_HEADERS, 'Referrer-Policy': 'no-referrer', 'X-Robots-Tag': 'noindex' } });
}
