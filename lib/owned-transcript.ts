import 'server-only';

import { z } from 'zod';
import { getPartsByTranscriptId } from '@/lib/db/parts';
import type { Transcript } from '@/lib/db/schema';
import { getTranscriptById, getTranscriptVersionsByTranscriptId } from '@/lib/db/transcripts';
import { AppError } from '@/lib/errors';
import { getRunningJob } from '@/lib/transcription/job';
import { toTranscriptDetails } from '@/lib/transcript-details';

export const transcriptIdSchema = z.uuid();

/**
 * The user's transcript by an id from the request. Someone else's transcript is as missing as
 * one that never existed, and so is an id that is not one.
 */
export async function findOwnedTranscript({ id, userId }: { id: unknown; userId: string }): Promise<Transcript | undefined> {
  const parsed = transcriptIdSchema.safeParse(id);
  return parsed.success ? getTranscriptById({ id: parsed.data, userId }) : undefined;
}

/** As `findOwnedTranscript`, for route handlers: a missing transcript is a 404. */
export async function getOwnedTranscript({ id, userId }: { id: unknown; userId: string }): Promise<Transcript> {
  const transcript = await findOwnedTranscript({ id, userId });
  if (!transcript) throw new AppError('not_found:transcript');
  return transcript;
}

/** Everything the owner sees of a transcript: the live text while it runs, its parts (long audio) and its earlier versions. */
export async function getOwnedTranscriptDetails({ transcript, userId }: { transcript: Transcript; userId: string }) {
  const [versions, parts] = await Promise.all([
    getTranscriptVersionsByTranscriptId({ transcriptId: transcript.id, userId }),
    getPartsByTranscriptId({ transcriptId: transcript.id, userId }),
  ]);
  return toTranscriptDetails({ transcript, liveText: getRunningJob(transcript.id)?.currentText(), versions, parts });
}

/** The transcript as it is now (after a change), with everything the owner sees of it. */
export async function getCurrentTranscriptDetails({ id, userId }: { id: string; userId: string }) {
  return getOwnedTranscriptDetails({ transcript: await getOwnedTranscript({ id, userId }), userId });
}
