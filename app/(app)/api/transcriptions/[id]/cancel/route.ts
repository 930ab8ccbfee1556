import { AppError } from '@/lib/errors';
import { route } from '@/lib/http/route';
import { getOwnedTranscript } from '@/lib/owned-transcript';
import { getRunningJob } from '@/lib/transcription/job';

/** Stops a running transcription: the upstream request is aborted and the transcript marked cancelled. */
export const POST = route({ auth: 'session' }, async ({ params, userId }) => {
  const transcript = await getOwnedTranscript({ id: params.id, userId });
  const job = getRunningJob(transcript.id);
  if (!job) throw new AppError('conflict:transcript', 'This transcription has already ended.');
  job.cancel();
  await job.finished;
  return new Response(null, { status: 204 });
});
