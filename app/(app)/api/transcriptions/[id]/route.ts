import { getAudioStore } from '@/lib/audio-store';
import { deleteTranscriptById, editTranscriptText, renameTranscript } from '@/lib/db/transcripts';
import { AppError } from '@/lib/errors';
import { MAX_TRANSCRIPT_EDIT_BYTES, parseJsonBody } from '@/lib/http/body';
import { route } from '@/lib/http/route';
import { getCurrentTranscriptDetails, getOwnedTranscript, getOwnedTranscriptDetails } from '@/lib/owned-transcript';
import { requestCancel } from '@/lib/transcription/job';
import { transcriptPatchSchema } from '../schema';

const noStore = { 'Cache-Control': 'no-store' };

export const GET = route({ auth: 'session' }, async ({ params, userId }) => {
  const transcript = await getOwnedTranscript({ id: params.id, userId });
  return Response.json(await getOwnedTranscriptDetails({ transcript, userId }), { headers: noStore });
});

/** Renames the transcript (`{title}`) or replaces its text with the user's edit (`{text}`). */
export const PATCH = route({ auth: 'session', body: MAX_TRANSCRIPT_EDIT_BYTES }, async ({ request, params, userId }) => {
  const body = await parseJsonBody(request, transcriptPatchSchema, { maxBytes: MAX_TRANSCRIPT_EDIT_BYTES });
  const { id } = await getOwnedTranscript({ id: params.id, userId });
  if ('title' in body) {
    await renameTranscript({ id, userId, title: body.title });
  } else if (!(await editTranscriptText({ id, userId, text: body.text }))) {
    throw new AppError('conflict:transcript', 'The text can be edited once the transcription has ended.');
  }
  return Response.json(await getCurrentTranscriptDetails({ id, userId }), { headers: noStore });
});

/** Deletes the transcript, its share links and its audio. */
export const DELETE = route({ auth: 'session' }, async ({ params, userId }) => {
  const { id } = await getOwnedTranscript({ id: params.id, userId });
  requestCancel(id);
  const deleted = await deleteTranscriptById({ id, userId });
  if (deleted?.audio_key) await getAudioStore().delete(deleted.audio_key);
  return new Response(null, { status: 204 });
});
