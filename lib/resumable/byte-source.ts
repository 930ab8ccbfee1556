/**
 * A request body read in runs: `peek` looks at the next bytes without taking them (to sniff the
 * container), `take` streams at most `limit` bytes (one chunk object) with backpressure, and
 * `hasMore` tells whether anything follows. Bytes are held only between a peek and the take that
 * consumes them.
 */
export class ByteSource {
  private readonly iterator: AsyncIterator<Uint8Array>;
  private readonly held: Uint8Array[] = [];
  private ended = false;

  constructor(body: AsyncIterable<Uint8Array>) {
    this.iterator = body[Symbol.asyncIterator]();
  }

  /** Reads one more piece into the held bytes; false at the end of the body. */
  private async fill() {
    if (this.ended) return false;
    const { done, value } = await this.iterator.next();
    if (done) {
      this.ended = true;
      return false;
    }
    if (value.byteLength > 0) this.held.push(value);
    return true;
  }

  private heldBytes() {
    return this.held.reduce((total, piece) => total + piece.byteLength, 0);
  }

  /** Up to `count` next bytes, fewer only at the end of the body; they stay to be taken. */
  async peek(count: number): Promise<Uint8Array> {
    while (this.heldBytes() < count && (await this.fill()));
    const joined = new Uint8Array(Math.min(count, this.heldBytes()));
    let at = 0;
    for (const piece of this.held) {
      if (at >= joined.byteLength) break;
      const part = piece.subarray(0, joined.byteLength - at);
      joined.set(part, at);
      at += part.byteLength;
    }
    return joined;
  }

  async hasMore() {
    while (this.held.length === 0 && (await this.fill()));
    return this.held.length > 0;
  }

  /** The next piece, at most `max` bytes long; undefined at the end of the body. */
  private async next(max: number): Promise<Uint8Array | undefined> {
    if (!(await this.hasMore())) return undefined;
    const piece = this.held.shift() as Uint8Array;
    if (piece.byteLength <= max) return piece;
    this.held.unshift(piece.subarray(max));
    return piece.subarray(0, max);
  }

  /** A stream of the next `limit` bytes (fewer at the end of the body); an error of the body errors it. */
  take(limit: number): ReadableStream<Uint8Array> {
    let remaining = limit;
    return new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          const piece = remaining > 0 ? await this.next(remaining) : undefined;
          if (!piece) {
            controller.close();
            return;
          }
          remaining -= piece.byteLength;
          controller.enqueue(piece);
        },
      },
      { highWaterMark: 0 },
    );
  }
}
