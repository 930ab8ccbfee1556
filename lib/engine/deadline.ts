/** A job may run for a minute plus twice its audio's length (recognition is faster than real time). */
const BASE_SECONDS = 60;
const SECONDS_PER_AUDIO_SECOND = 2;

/**
 * How long one job (decode and recognition) may run before its processes are killed: in
 * proportion to its audio, never more than `capSeconds` (ENGINE_JOB_TIMEOUT_SECONDS). Nothing a
 * client sends postpones it.
 */
export function jobDeadlineSeconds(audioSeconds: number, capSeconds: number): number {
  return Math.min(capSeconds, BASE_SECONDS + SECONDS_PER_AUDIO_SECOND * Math.ceil(audioSeconds));
}
