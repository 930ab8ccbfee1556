import { MAX_AUDIO_BYTES } from '@/lib/audio/format';

/** A warning shows from here on. */
export const RECORDING_WARN_BYTES = Math.floor(MAX_AUDIO_BYTES * 0.9);

/**
 * Where a recording stands against the upload limit after a chunk: "full" while the last chunk
 * (written after Stop, up to a timeslice long) still fits, with room for a louder passage.
 */
export function recordingSizeState(totalBytes: number, largestChunkBytes: number): 'ok' | 'near' | 'full' {
  if (totalBytes + 3 * largestChunkBytes >= MAX_AUDIO_BYTES) return 'full';
  return totalBytes >= RECORDING_WARN_BYTES ? 'near' : 'ok';
}
