import { describe, expect, it } from 'vitest';
import { MAX_AUDIO_BYTES } from '@/lib/audio/format';
import { recordingSizeState } from './recorder-limit';

// 48 kbit/s with a 1 s timeslice: about 6 KB a chunk.
const CHUNK = 6_000;
const WARN_BYTES = Math.floor(MAX_AUDIO_BYTES * 0.9);

describe('recordingSizeState', () => {
  it('is fine for an hour of speech', () => {
    expect(recordingSizeState(3_600 * CHUNK, CHUNK)).toBe('ok');
  });

  it('warns from 90 % of the upload limit', () => {
    expect(recordingSizeState(WARN_BYTES - 1, CHUNK)).toBe('ok');
    expect(recordingSizeState(WARN_BYTES, CHUNK)).toBe('near');
  });

  it('stops while the final chunk still fits under the limit', () => {
    expect(recordingSizeState(MAX_AUDIO_BYTES - 3 * CHUNK - 1, CHUNK)).toBe('near');
    expect(recordingSizeState(MAX_AUDIO_BYTES - 3 * CHUNK, CHUNK)).toBe('full');
  });

  it('stops earlier when chunks are large', () => {
    expect(recordingSizeState(MAX_AUDIO_BYTES - 1_000_000, 400_000)).toBe('full');
  });

  it('goes past 25 MB up to a larger limit (a recording that uploads while it records), warning relative to it', () => {
    const maxBytes = 500 * 1024 * 1024;
    expect(recordingSizeState(MAX_AUDIO_BYTES, CHUNK, maxBytes)).toBe('ok');
    expect(recordingSizeState(Math.floor(maxBytes * 0.9) - 1, CHUNK, maxBytes)).toBe('ok');
    expect(recordingSizeState(Math.floor(maxBytes * 0.9), CHUNK, maxBytes)).toBe('near');
    expect(recordingSizeState(maxBytes - 3 * CHUNK, CHUNK, maxBytes)).toBe('full');
  });
});
