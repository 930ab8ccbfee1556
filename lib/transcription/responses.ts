import 'server-only';

import { encodeEvent, isFinalEvent, type TranscriptEvent } from './events';
import type { TranscriptionJob } from './job';

export const SSE_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  // no-transform keeps compression from holding events back.
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
  Connection: 'keep-alive',
} as const;

/** Rewrites or drops (undefined) an event before it is sent, e.g. to keep ids from the public. */
export type EventFilter = (event: TranscriptEvent) => TranscriptEvent | undefined;

/**
 * The job's events as SSE, from `transcript.created` to the final event; without a running job,
 * `stored` (the text as saved) as the one final event.
 */
export function eventStreamOf(job: TranscriptionJob | undefined, { stored, filter = (event) => event }: { stored?: TranscriptEvent; filter?: EventFilter } = {}): ReadableStream<Uint8Array> {
  let unsubscribe: (() => void) | undefined;
  let closed = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (event: TranscriptEvent) => {
        if (closed) return;
        const sent = filter(event);
        if (sent) controller.enqueue(encodeEvent(sent));
        if (isFinalEvent(event)) {
          closed = true;
          controller.close();
        }
      };
      if (!job) {
        send(stored ?? { type: 'transcript.text.done', text: '' });
        return;
      }
      unsubscribe = job.subscribe(send);
      if (closed) unsubscribe();
    },
    // The client went away; the job itself goes on and stores its result.
    cancel() {
      unsubscribe?.();
    },
  });
}
