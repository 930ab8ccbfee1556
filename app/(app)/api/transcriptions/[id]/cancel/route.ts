import { AppError } from '@/lib/errors';
import { crossOriginError } from '@/lib/same-origin';
import { cancelTranscription } from '@/lib/transcription/job';
import { loadOwnedTranscript } from '../owned';

/** Stops a running transcription on whichever instance runs it: the upstream request is aborted and the transcript marked cancelled. */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const crossOrigin = crossOriginError(request);
  if (crossOrigin) return crossOrigin.toResponse();
  const owned = await loadOwnedTranscript(params);
  if (owned instanceof AppError) return owned.toResponse();
  const cancelled = await cancelTranscription({ id: owned.transcript.id, userId: owned.userId }).catch((error: unknown) => error as AppError);
  if (cancelled instanceof AppError) return cancelled.toResponse();
  if (!cancelled) return new AppError('conflict:transcript', 'This transcription has already ended.').toResponse();
  return new Response(null, { status: 204 });
}
