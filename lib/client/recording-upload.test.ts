import { describe, expect, it } from 'vitest';
import { durationUpToBytes } from './recording-upload';

const marks = [
  { bytes: 6_000, durationMs: 1_000 },
  { bytes: 12_500, durationMs: 2_000 },
  { bytes: 18_000, durationMs: 3_000 },
];

describe('durationUpToBytes', () => {
  it('is nothing before the first whole chunk is stored', () => {
    expect(durationUpToBytes(marks, 0)).toBe(0);
    expect(durationUpToBytes(marks, 5_999)).toBe(0);
    expect(durationUpToBytes([], 10_000)).toBe(0);
  });

  it('reaches the end of the last chunk the server holds entirely', () => {
    expect(durationUpToBytes(marks, 6_000)).toBe(1_000);
    expect(durationUpToBytes(marks, 12_499)).toBe(1_000);
    expect(durationUpToBytes(marks, 12_500)).toBe(2_000);
    expect(durationUpToBytes(marks, 18_000)).toBe(3_000);
    expect(durationUpToBytes(marks, 99_000)).toBe(3_000);
  });
});
