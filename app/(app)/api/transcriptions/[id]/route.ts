import { getAudioStore } from '@/lib/audio-store';
import { deleteTranscriptById, editTranscriptText, getTranscriptById, renameTranscript } from '@/lib/db/transcripts';
import { AppError } from '@/lib/errors';
import { crossOriginError } from '@/lib/same-origin';
import { requestCancel } from '@/lib/transcription/job';
import { parseJsonBody, transcriptPatchSchema } from '../schema';
import { getOwnedTranscriptDetails, loadOwnedTranscript } from './owned';

type Context = { params: Promise<{ id: string }> };

const noStore = { 'Cache-Control': 'no-store' };

export async function GET(_request: Request, { params }: Context) {
  const owned = await loadOwnedTranscript(params);
  if (owned instanceof AppError) return owned.toResponse();
  return Response.json(await getOwnedTranscriptDetails(owned), { headers: noStore });
}

/** Renames the transcript (`{title}`) or replaces its text with the user's edit (`{text}`). */
export async function PATCH(request: Request, { params }: Context) {
  const crossOrigin = crossOriginError(request);
  if (crossOrigin) return crossOrigin.toResponse();
  const owned = await loadOwnedTranscript(params);
  if (owned instanceof AppError) return owned.toResponse();
  const body = await parseJsonBody(request, transcriptPatchSchema);
  if ('error' in body) return body.error.toResponse();

  const { id } = owned.transcript;
  const { userId } = owned;
  if ('title' in body.data) {
    await renameTranscript({ id, userId, title: body.data.title });
  } else if (!(await editTranscriptText({ id, userId, text: body.data.text }))) {
    return new AppError('conflict:transcript', 'The text can be edited once the transcription has ended.').toResponse();
  }
  const transcript = await getTranscriptById({ id, userId });
  if (!transcript) return new AppError('not_found:transcript').toResponse();
  return Response.json(await getOwnedTranscriptDetails({ transcript, userId }), { headers: noStore });
}

/** Deletes the transcript, its share links and its audio. */
export async function DELETE(request: Request, { params }: Context) {
  const crossOrigin = crossOriginError(request);
  if (crossOrigin) return crossOrigin.toResponse();
  const owned = await loadOwnedTranscript(params);
  if (owned instanceof AppError) return owned.toResponse();
  requestCancel(owned.transcript.id);
  const deleted = await deleteTranscriptById({ id: owned.transcript.id, userId: owned.userId });
  if (deleted?.audio_key) await getAudioStore().delete(deleted.audio_key);
  return new Response(null, { status: 204 });
}
