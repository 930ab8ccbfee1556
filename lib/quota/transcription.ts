import 'server-only';

import { randomUUID } from 'node:crypto';
import { endTranscriptionUsage, reserveTranscriptionUsage } from '@/lib/db/usage';
import { getConfig } from '@/lib/env';
import { AppError } from '@/lib/errors';

/** `id` names the usage row: an upload's transcript takes the same id, so that its audio bytes are counted once the upload completes. */
export type TranscriptionSlot = { id: string; release: () => Promise<void> };

const REFUSALS = {
  in_flight: () =>
    new AppError('rate_limit:concurrency', 'You already have transcriptions running. Wait for one to finish, then try again.', { retryAfterSeconds: 5 }),
  hourly: () =>
    new AppError('rate_limit:hourly', `You have started ${getConfig().limits.transcriptionsPerHour} transcriptions in the last hour, the most allowed. Try again later.`, {
      retryAfterSeconds: 15 * 60,
    }),
  daily_audio: () =>
    new AppError('rate_limit:daily_audio', `This would pass your daily audio allowance of ${getConfig().limits.audioBytesPerDay / 1_000_000} MB. Try again tomorrow.`, {
      retryAfterSeconds: 60 * 60,
    }),
  daily_duration: () => dailyDurationRefusal(),
};

/** A file longer than the rest of today's audio allowance (whole files count, however they are split). */
export const dailyDurationRefusal = () =>
  new AppError(
    'rate_limit:daily_duration',
    `This audio is longer than what is left of your daily allowance of ${getConfig().limits.audioSecondsPerDay / 60} minutes of audio. Try a shorter file, or again tomorrow.`,
    { retryAfterSeconds: 60 * 60 },
  );

/**
 * Takes one of the user's in-flight transcriptions if the hourly count and the daily audio allow
 * it, counted in the database (shared by every instance) and checked atomically. The caller
 * releases the slot when the transcription ends; a slot never released stops counting after
 * IN_FLIGHT_AT_MOST_MS.
 */
export async function reserveTranscription({ userId, declaredBytes, declaredSeconds }: { userId: string; declaredBytes?: number; declaredSeconds?: number }): Promise<TranscriptionSlot> {
  const { transcriptionsInFlight, transcriptionsPerHour, audioBytesPerDay, audioSecondsPerDay } = getConfig().limits;
  const id = randomUUID();
  const reservation = await reserveTranscriptionUsage({
    id,
    userId,
    declaredBytes,
    declaredSeconds,
    limits: { inFlight: transcriptionsInFlight, perHour: transcriptionsPerHour, audioBytesPerDay, audioSecondsPerDay },
  });
  if (!reservation.ok) throw REFUSALS[reservation.exceeded]();
  let released: Promise<void> | undefined;
  return {
    id,
    // A failure is logged by the data layer; the row then stops counting after IN_FLIGHT_AT_MOST_MS.
    release: () => (released ??= endTranscriptionUsage({ id }).catch(() => undefined)),
  };
}
