import { describe, expect, it } from 'vitest';
import { SlidingWindowCounter } from './rate-limit';

describe('SlidingWindowCounter', () => {
  it('counts events inside the window only', () => {
    const counter = new SlidingWindowCounter(1000);
    counter.add('a', 0);
    counter.add('a', 500);
    counter.add('b', 500);
    expect(counter.count('a', 900)).toBe(2);
    expect(counter.count('a', 1200)).toBe(1);
    expect(counter.count('a', 1600)).toBe(0);
    expect(counter.count('b', 900)).toBe(1);
  });

  it('forgets a key on clear', () => {
    const counter = new SlidingWindowCounter(1000);
    counter.add('a', 0);
    counter.clear('a');
    expect(counter.count('a', 1)).toBe(0);
  });

  it('keeps at most maxKeys keys, dropping the oldest', () => {
    const counter = new SlidingWindowCounter(1000, 2);
    counter.add('a', 0);
    counter.add('b', 1);
    counter.add('c', 2);
    expect([counter.count('a', 3), counter.count('b', 3), counter.count('c', 3)]).toEqual([0, 1, 1]);
  });
});
