import { AppError } from '@/lib/errors';
import { crossOriginError } from '@/lib/same-origin';
import { getRunningJob } from '@/lib/transcription/job';
import { loadOwnedTranscript } from '../owned';

/** Stops a running transcription: the upstream request is aborted and the transcript marked cancelled. */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const crossOrigin = crossOriginError(request);
  if (crossOrigin) return crossOrigin.toResponse();
  const owned = await loadOwnedTranscript(params);
  if (owned instanceof AppError) return owned.toResponse();
  const job = getRunningJob(owned.transcript.id);
  if (!job) return new AppError('conflict:transcript', 'This transcription has already ended.').toResponse();
  job.cancel();
  await job.finished;
  return new Response(null, { status: 204 });
}
