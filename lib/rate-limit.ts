import 'server-only';

/**
 * Counts events per key over a sliding window, in this process's memory. Enough for one
 * server; several instances would each keep their own counts.
 */
export class SlidingWindowCounter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly windowMs: number,
    private readonly maxKeys = 100_000,
  ) {}

  private recent(key: string, now: number) {
    const fresh = (this.hits.get(key) ?? []).filter((time) => time > now - this.windowMs);
    if (fresh.length > 0) this.hits.set(key, fresh);
    else this.hits.delete(key);
    return fresh;
  }

  count(key: string, now = Date.now()) {
    return this.recent(key, now).length;
  }

  add(key: string, now = Date.now()) {
    if (!this.hits.has(key) && this.hits.size >= this.maxKeys) {
      const oldestKey = this.hits.keys().next().value;
      if (oldestKey !== undefined) this.hits.delete(oldestKey);
    }
    this.hits.set(key, [...this.recent(key, now), now]);
  }

  clear(key: string) {
    this.hits.delete(key);
  }
}
