const READ_AHEAD_BYTES = 128 * 1024;

/**
 * A readable stream fed by `write`, which resolves only once the reader wants more: the
 * consumer's pace propagates back to the producer. `abandon` turns further writes into no-ops,
 * for a consumer that went away without cancelling (e.g. a request that failed to connect).
 */
export function createPushStream() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let wake: (() => void) | undefined;
  let open = true;
  const release = () => {
    wake?.();
    wake = undefined;
  };
  const stream = new ReadableStream<Uint8Array>(
    {
      start(streamController) {
        controller = streamController;
      },
      pull: release,
      cancel() {
        open = false;
        release();
      },
    },
    // A little read-ahead lets the client's socket, the disk and the upstream work at the same
    // time; beyond it the producer waits, so memory stays bounded per upload.
    new ByteLengthQueuingStrategy({ highWaterMark: READ_AHEAD_BYTES }),
  );
  return {
    stream,
    async write(chunk: Uint8Array) {
      if (!open) return;
      controller.enqueue(chunk);
      if ((controller.desiredSize ?? 0) <= 0) await new Promise<void>((resolve) => (wake = resolve));
    },
    close() {
      if (open) controller.close();
      open = false;
    },
    error(reason: unknown) {
      if (open) controller.error(reason);
      open = false;
      release();
    },
    abandon() {
      open = false;
      release();
    },
  };
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
