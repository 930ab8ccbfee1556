import { AppError } from '@/lib/errors';
import { route } from '@/lib/http/route';
import { getOwnedTranscript } from '@/lib/owned-transcript';
import { cancelTranscription } from '@/lib/transcription/job';

/** Stops a running transcription on whichever instance runs it: the upstream request is aborted and the transcript marked cancelled. */
export const POST = route({ auth: 'session' }, async ({ params, userId }) => {
  const transcript = await getOwnedTranscript({ id: params.id, userId });
  if (!(await cancelTranscription({ id: transcript.id, userId }))) throw new AppError('conflict:transcript', 'This transcription has already ended.');
  return new Response(null, { status: 204 });
});
