import { PassThrough, type Readable } from 'node:stream';

const READ_AHEAD_BYTES = 128 * 1024;

/**
 * One branch of an upload that goes to two places (the audio store and the upstream): the source
 * is piped into it, and Node's pipe pauses the source while any branch holds its read-ahead, so
 * the slower consumer sets the pace and memory stays bounded per upload. `abandon` lets the source
 * go on without this branch, for a consumer that went away without reading to the end.
 */
export function createFeed(source: Readable) {
  // A little read-ahead lets the client's socket, the disk and the upstream work at the same time.
  const feed = new PassThrough({ highWaterMark: READ_AHEAD_BYTES });
  source.pipe(feed);
  return {
    stream: feed,
    abandon() {
      source.unpipe(feed);
    },
    error(reason: unknown) {
      source.unpipe(feed);
      feed.destroy(reason instanceof Error ? reason : new Error(String(reason)));
    },
  };
}

/**
 * A Node stream as a web stream, read at the web reader's pace. Unlike `Readable.toWeb`, which
 * copies every Buffer into a new Uint8Array, each chunk is passed on as a view of its Buffer.
 */
export function webStreamOf(source: Readable): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        source.pause();
        source.on('data', (chunk: Buffer) => {
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          source.pause();
        });
        source.once('end', () => controller.close());
        source.once('error', (error) => controller.error(error));
      },
      pull() {
        source.resume();
      },
      cancel(reason) {
        source.destroy(reason instanceof Error ? reason : undefined);
      },
    },
    { highWaterMark: 0 },
  );
}

/** The promise's outcome, or the signal's reason as soon as it aborts. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
