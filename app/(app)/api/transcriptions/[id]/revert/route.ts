import { getTranscriptById, revertTranscriptText } from '@/lib/db/transcripts';
import { crossOriginError } from '@/lib/same-origin';
import { AppError } from '@/lib/errors';
import { getOwnedTranscriptDetails, loadOwnedTranscript } from '../owned';

/** Puts back the text the transcription service produced, undoing the user's edits. */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const crossOrigin = crossOriginError(request);
  if (crossOrigin) return crossOrigin.toResponse();
  const owned = await loadOwnedTranscript(params);
  if (owned instanceof AppError) return owned.toResponse();
  const { userId } = owned;
  if (!(await revertTranscriptText({ id: owned.transcript.id, userId }))) {
    return new AppError('conflict:transcript', 'This text has not been edited.').toResponse();
  }
  const transcript = await getTranscriptById({ id: owned.transcript.id, userId });
  if (!transcript) return new AppError('not_found:transcript').toResponse();
  return Response.json(await getOwnedTranscriptDetails({ transcript, userId }), { headers: { 'Cache-Control': 'no-store' } });
}
