import { getAudioStore } from '@/lib/audio-store';
import { deleteTranscriptById } from '@/lib/db/queries';
import { AppError } from '@/lib/errors';
import { crossOriginError } from '@/lib/same-origin';
import { getRunningJob } from '@/lib/transcription/job';
import { toTranscriptDetails } from '@/lib/transcript-details';
import { loadOwnedTranscript } from './owned';

type Context = { params: Promise<{ id: string }> };

export async function GET(_request: Request, { params }: Context) {
  const owned = await loadOwnedTranscript(params);
  if (owned instanceof AppError) return owned.toResponse();
  return Response.json(toTranscriptDetails(owned.transcript, getRunningJob(owned.transcript.id)?.currentText()), {
    headers: { 'Cache-Control': 'no-store' },
  });
}

/** Deletes the transcript, its share links and its audio. */
export async function DELETE(request: Request, { params }: Context) {
  const crossOrigin = crossOriginError(request);
  if (crossOrigin) return crossOrigin.toResponse();
  const owned = await loadOwnedTranscript(params);
  if (owned instanceof AppError) return owned.toResponse();
  getRunningJob(owned.transcript.id)?.cancel();
  const deleted = await deleteTranscriptById({ id: owned.transcript.id, userId: owned.userId });
  if (deleted?.audio_key) await getAudioStore().delete(deleted.audio_key);
  return new Response(null, { status: 204 });
}
