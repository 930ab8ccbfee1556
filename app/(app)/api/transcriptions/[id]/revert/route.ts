import { revertTranscriptText } from '@/lib/db/transcripts';
import { AppError } from '@/lib/errors';
import { route } from '@/lib/http/route';
import { getCurrentTranscriptDetails, getOwnedTranscript } from '@/lib/owned-transcript';

/** Puts back the text the transcription service produced, undoing the user's edits. */
export const POST = route({ auth: 'session' }, async ({ params, userId }) => {
  const { id } = await getOwnedTranscript({ id: params.id, userId });
  if (!(await revertTranscriptText({ id, userId }))) throw new AppError('conflict:transcript', 'This text has not been edited.');
  return Response.json(await getCurrentTranscriptDetails({ id, userId }), { headers: { 'Cache-Control': 'no-store' } });
});
