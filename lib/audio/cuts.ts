export type Silence = { start: number; end: number };

/**
 * Where a part that starts at `from` ends: in the middle of the latest silence (or of its
 * stretch inside the window) that lies in the `windowSeconds` before the longest allowed end, so
 * that no word is cut in two when anyone paused there; at the longest allowed end when nobody did.
 */
export function chooseCut({ silences, from, maxSeconds, windowSeconds }: { silences: readonly Silence[]; from: number; maxSeconds: number; windowSeconds: number }): number {
  const target = from + maxSeconds;
  const earliest = Math.max(from, target - windowSeconds);
  let best: number | undefined;
  for (const silence of silences) {
    const start = Math.max(silence.start, earliest);
    const end = Math.min(silence.end, target);
    if (end <= start) continue;
    const middle = (start + end) / 2;
    if (best === undefined || middle > best) best = middle;
  }
  return best ?? target;
}
