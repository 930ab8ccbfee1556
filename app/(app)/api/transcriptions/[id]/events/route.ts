import { AppError } from '@/lib/errors';
import { getTranscriptById } from '@/lib/db/transcripts';
import { SSE_HEADERS, transcriptEventStream } from '@/lib/transcription/responses';
import { loadOwnedTranscript } from '../owned';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * The running transcription's events (on whichever instance it runs), so that a page opened (or
 * reopened) mid-transcription shows the live text; once it has ended, the stored text.
 */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const owned = await loadOwnedTranscript(params);
  if (owned instanceof AppError) return owned.toResponse();
  const { transcript, userId } = owned;
  const load = () => getTranscriptById({ id: transcript.id, userId });
  return new Response(transcriptEventStream({ id: transcript.id, saved: transcript, load }), { headers: SSE_HEADERS });
}
