import { randomUUID } from 'node:crypto';
import { after } from 'next/server';
import { z } from 'zod';
import { SNIFF_BYTES, sniffAudioFormat } from '@/lib/audio/format';
import { getAudioStore } from '@/lib/audio-store';
import { getTranscriptById } from '@/lib/db/queries';
import { isTranscriptionConfigured } from '@/lib/env';
import { crossOriginError } from '@/lib/same-origin';
import { AppError } from '@/lib/errors';
import { getRunningJob, TranscriptionJob } from '@/lib/transcription/job';
import { transcriptionOptionsSchema } from '@/lib/transcription/options';
import { parseJsonBody } from '../../schema';
import { getOwnedTranscriptDetails, loadOwnedTranscript } from '../owned';

export const runtime = 'nodejs';

const retranscribeSchema = transcriptionOptionsSchema.pick({ language: true, prompt: true }).strict();

/** The container of the stored audio, read from its first bytes as on upload. */
async function storedAudioFormat(audioKey: string) {
  const head = await getAudioStore().get(audioKey, { start: 0, end: SNIFF_BYTES - 1 });
  if (!head) return undefined;
  const bytes = new Uint8Array(await new Response(head.body).arrayBuffer());
  return sniffAudioFormat(bytes);
}

/**
 * Transcribes the stored audio again (a retry, or other language/prompt). The current text is
 * kept as a version first. Answers at once; the text follows on the events route.
 */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const crossOrigin = crossOriginError(request);
  if (crossOrigin) return crossOrigin.toResponse();
  const owned = await loadOwnedTranscript(params);
  if (owned instanceof AppError) return owned.toResponse();
  const body = await parseJsonBody(request, retranscribeSchema);
  if ('error' in body) return body.error.toResponse();
  if (!isTranscriptionConfigured()) return new AppError('unavailable:transcription').toResponse();

  const { transcript, userId } = owned;
  if (transcript.status === 'transcribing' || getRunningJob(transcript.id)) {
    return new AppError('conflict:transcript', 'This transcript is already being transcribed.').toResponse();
  }
  const format = transcript.audio_key ? await storedAudioFormat(transcript.audio_key) : undefined;
  if (!format) return new AppError('not_found:audio', 'The audio for this transcript is not stored, so it cannot be transcribed again.').toResponse();

  const options: z.infer<typeof retranscribeSchema> = body.data;
  const job = await TranscriptionJob.fromStoredAudio({ id: transcript.id, userId, format, options, requestId: randomUUID() });
  after(job.finished);
  const restarted = await getTranscriptById({ id: transcript.id, userId });
  if (!restarted) return new AppError('not_found:transcript').toResponse();
  return Response.json(await getOwnedTranscriptDetails({ transcript: restarted, userId }), { status: 202, headers: { 'Cache-Control': 'no-store' } });
}
