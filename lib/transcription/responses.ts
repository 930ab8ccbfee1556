import 'server-only';

import { encodeEvent, isFinalEvent, type TranscriptEvent } from './events';
import { finalEventOf, followTranscript, type SavedTranscript } from './follow';
import { getRunningJob, type TranscriptionJob } from './job';

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

/**
 * The events of a transcript's transcription wherever it runs: replayed from the start when it
 * runs in this process, from the saved text on when it runs on another instance, and once it has
 * ended one final event: its saved text, or the error it failed with (a failed transcript's
 * partial text must not read as done).
 */
export function transcriptEventStream({
  id,
  saved,
  load,
  filter = (event) => event,
}: {
  id: string;
  saved: SavedTranscript;
  load: () => Promise<SavedTranscript | undefined>;
  filter?: EventFilter;
}): ReadableStream<Uint8Array> {
  const job = getRunningJob(id);
  if (job || saved.status !== 'transcribing') return eventStreamOf(job, { stored: finalEventOf(saved), filter });
  const reader = new AbortController();
  return new ReadableStream<Uint8Array>({
    start(controller) {
      void followTranscript({
        id,
        load,
        signal: reader.signal,
        send: (event) => {
          const sent = filter(event);
          if (sent) controller.enqueue(encodeEvent(sent));
          if (isFinalEvent(event)) controller.close();
        },
      });
    },
    cancel() {
      reader.abort();
    },
  });
}
