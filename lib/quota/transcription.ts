import 'server-only';

import { getTranscriptionUsageByUserId } from '@/lib/db/usage';
import { getConfig } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { processSingleton } from '@/lib/process-singleton';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

const inFlightByUser = processSingleton('transcriptions-in-flight', () => new Map<string, number>());

export type TranscriptionSlot = { release: () => void };

function takeInFlightSlot(userId: string): TranscriptionSlot | undefined {
  const running = inFlightByUser.get(userId) ?? 0;
  if (running >= getConfig().limits.transcriptionsInFlight) return undefined;
  inFlightByUser.set(userId, running + 1);
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      const left = (inFlightByUser.get(userId) ?? 1) - 1;
      if (left > 0) inFlightByUser.set(userId, left);
      else inFlightByUser.delete(userId);
    },
  };
}

/**
 * Reserves one of the user's concurrent transcriptions, then checks the hourly count and the
 * daily audio volume. The reservation is taken synchronously, before any await, so parallel
 * requests cannot all pass the check; the caller releases it when the transcription ends.
 */
export async function reserveTranscription({ userId, declaredBytes }: { userId: string; declaredBytes?: number }): Promise<TranscriptionSlot> {
  const slot = takeInFlightSlot(userId);
  if (!slot) {
    throw new AppError('rate_limit:concurrency', 'You already have transcriptions running. Wait for one to finish, then try again.', { retryAfterSeconds: 5 });
  }
  try {
    const { transcriptionsPerHour, audioBytesPerDay } = getConfig().limits;
    const now = Date.now();
    const usage = await getTranscriptionUsageByUserId({ userId, countSince: new Date(now - HOUR_MS), bytesSince: new Date(now - DAY_MS) });
    if (usage.count >= transcriptionsPerHour) {
      throw new AppError('rate_limit:hourly', `You have started ${transcriptionsPerHour} transcriptions in the last hour, the most allowed. Try again later.`, {
        retryAfterSeconds: 15 * 60,
      });
    }
    if (usage.bytes + (declaredBytes ?? 0) > audioBytesPerDay) {
      throw new AppError('rate_limit:daily_audio', `This would pass your daily audio allowance of ${audioBytesPerDay / 1_000_000} MB. Try again tomorrow.`, {
        retryAfterSeconds: 60 * 60,
      });
    }
    return slot;
  } catch (error) {
    slot.release();
    throw error;
  }
}
