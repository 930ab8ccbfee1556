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
};

/**
 * Takes one of the user's in-flight transcriptions if the hourly count and the daily audio allow
 * it, counted in the database (shared by every instance) and checked atomically. The caller
 * releases the slot when the transcription ends; a slot never released stops counting after
 * IN_FLIGHT_AT_MOST_MS.
 */
export async function reserveTranscription({ userId, declaredBytes }: { userId: string; declaredBytes?: number }): Promise<TranscriptionSlot> {
  const { transcriptionsInFlight, transcriptionsPerHour, audioBytesPerDay } = getConfig().limits;
  const id = randomUUID();
  const reservation = await reserveTranscriptionUsage({
    id,
    userId,
    declaredBytes,
    limits: { inFlight: transcriptionsInFlight, perHour: transcriptionsPerHour, audioBytesPerDay },
  });
  if (!reservation.ok) throw REFUSALS[reservation.exceeded]();
  let released: Promise<void> | undefined;
  return {
    id,
    // A failure is logged by the data layer; the row then stops counting after IN_FLIGHT_AT_MOST_MS.
    release: () => (released ??= endTranscriptionUsage({ id }).catch(() => undefined)),
  };
}
