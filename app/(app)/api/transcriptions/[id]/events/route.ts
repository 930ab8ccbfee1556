import { AppError } from '@/lib/errors';
import { getRunningJob } from '@/lib/transcription/job';
import { eventStreamOf, SSE_HEADERS } from '@/lib/transcription/responses';
import { loadOwnedTranscript } from '../owned';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/**
 * The running transcription's events, replayed from the start, so that a page opened (or
 * reopened) mid-transcription shows the live text; once it has ended, the stored text.
 */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const owned = await loadOwnedTranscript(params);
  if (owned instanceof AppError) return owned.toResponse();
  const { transcript } = owned;
  return new Response(eventStreamOf(getRunningJob(transcript.id), { stored: { type: 'transcript.text.done', text: transcript.text } }), { headers: SSE_HEADERS });
}
