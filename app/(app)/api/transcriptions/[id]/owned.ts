import 'server-only';

import { getSignedInUserId } from '@/app/(auth)/auth';
import type { Transcript } from '@/lib/db/schema';
import { getTranscriptById, getTranscriptVersionsByTranscriptId } from '@/lib/db/transcripts';
import { AppError } from '@/lib/errors';
import { getRunningJob } from '@/lib/transcription/job';
import { toTranscriptDetails } from '@/lib/transcript-details';
import { transcriptIdSchema } from '../schema';

/**
 * Auth, then the id, then ownership: the signed-in user's transcript, or the error to return.
 * A transcript of someone else's is reported exactly like a missing one.
 */
export async function loadOwnedTranscript(params: Promise<{ id: string }>): Promise<{ userId: string; transcript: Transcript } | AppError> {
  const userId = await getSignedInUserId();
  if (!userId) return new AppError('unauthorized:auth');
  const id = transcriptIdSchema.safeParse((await params).id);
  if (!id.success) return new AppError('not_found:transcript');
  const transcript = await getTranscriptById({ id: id.data, userId });
  if (!transcript) return new AppError('not_found:transcript');
  return { userId, transcript };
}

/** Everything the owner sees of a transcript: the live text while it runs, and its earlier versions. */
export async function getOwnedTranscriptDetails({ transcript, userId }: { transcript: Transcript; userId: string }) {
  const versions = await getTranscriptVersionsByTranscriptId({ transcriptId: transcript.id, userId });
  return toTranscriptDetails({ transcript, liveText: getRunningJob(transcript.id)?.currentText(), versions });
}
