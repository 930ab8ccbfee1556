import { describe, expect, it } from 'vitest';
import { MAX_AUDIO_BYTES } from '@/lib/audio/format';
import { RECORDING_WARN_BYTES, recordingSizeState } from './recorder-limit';

// 48 kbit/s with a 1 s timeslice: about 6 KB a chunk.
const CHUNK = 6_000;

describe('recordingSizeState', () => {
  it('is fine for an hour of speech', () => {
    expect(recordingSizeState(3_600 * CHUNK, CHUNK)).toBe('ok');
  });

  it('warns from 90 % of the upload limit', () => {
    expect(recordingSizeState(RECORDING_WARN_BYTES - 1, CHUNK)).toBe('ok');
    expect(recordingSizeState(RECORDING_WARN_BYTES, CHUNK)).toBe('near');
  });

  it('stops while the final chunk still fits under the limit', () => {
    expect(recordingSizeState(MAX_AUDIO_BYTES - 3 * CHUNK - 1, CHUNK)).toBe('near');
    expect(recordingSizeState(MAX_AUDIO_BYTES - 3 * CHUNK, CHUNK)).toBe('full');
  });

  it('stops earlier when chunks are large', () => {
    expect(recordingSizeState(MAX_AUDIO_BYTES - 1_000_000, 400_000)).toBe('full');
  });
});
