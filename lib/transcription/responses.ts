import 'server-only';

import { encodeEvent, isFinalEvent } from './events';
import type { TranscriptionJob } from './job';

export const SSE_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  // no-transform keeps compression from holding events back.
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
  Connection: 'keep-alive',
} as const;

/** The job's events as SSE, from `transcript.created` to the final event. */
export function eventStreamOf(job: TranscriptionJob): ReadableStream<Uint8Array> {
  let unsubscribe: (() => void) | undefined;
  let closed = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      unsubscribe = job.subscribe((event) => {
        if (closed) return;
        controller.enqueue(encodeEvent(event));
        if (isFinalEvent(event)) {
          closed = true;
          controller.close();
        }
      });
      if (closed) unsubscribe();
    },
    // The client went away; the job itself goes on and stores its result.
    cancel() {
      unsubscribe?.();
    },
  });
}
