import { describe, expect, it } from 'vitest';
import { chooseCut } from './cuts';

describe('chooseCut', () => {
  const window = { maxSeconds: 600, windowSeconds: 120 };

  it('cuts in the middle of the latest silence inside the window before the longest end', () => {
    const silences = [
      { start: 100, end: 101 },
      { start: 500, end: 502 },
      { start: 560, end: 561 },
      { start: 640, end: 650 },
    ];
    expect(chooseCut({ silences, from: 0, ...window })).toBe(560.5);
  });

  it('uses only the part of a silence that lies inside the window', () => {
    expect(chooseCut({ silences: [{ start: 590, end: 700 }], from: 0, ...window })).toBe(595);
    expect(chooseCut({ silences: [{ start: 400, end: 470 }], from: 0, ...window })).toBe(600);
    expect(chooseCut({ silences: [{ start: 470, end: 490 }], from: 0, ...window })).toBe(485);
  });

  it('counts from the start of the part and never cuts before it', () => {
    expect(chooseCut({ silences: [{ start: 1150, end: 1151 }], from: 600, ...window })).toBe(1150.5);
    expect(chooseCut({ silences: [{ start: 590, end: 620 }], from: 600, maxSeconds: 60, windowSeconds: 120 })).toBe(610);
  });

  it('cuts at the longest allowed end when nobody paused in the window', () => {
    expect(chooseCut({ silences: [], from: 30, ...window })).toBe(630);
    expect(chooseCut({ silences: [{ start: 10, end: 20 }], from: 30, ...window })).toBe(630);
  });
});
