import { MAX_AUDIO_BYTES } from '@/lib/audio/format';

/** The share of the limit from which a warning shows. */
const WARN_SHARE = 0.9;

/**
 * Where a recording stands against its limit after a chunk: "full" while the last chunk
 * (written after Stop, up to a timeslice long) still fits, with room for a louder passage.
 * The limit is the upstream's 25 MB unless the recording goes up resumably (MAX_UPLOAD_MB).
 */
export function recordingSizeState(totalBytes: number, largestChunkBytes: number, maxBytes = MAX_AUDIO_BYTES): 'ok' | 'near' | 'full' {
  if (totalBytes + 3 * largestChunkBytes >= maxBytes) return 'full';
  return totalBytes >= Math.floor(maxBytes * WARN_SHARE) ? 'near' : 'ok';
}
