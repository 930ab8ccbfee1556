import 'server-only';

import { getJobBus, type JobMessage } from '@/lib/bus';
import type { TranscriptStatus } from '@/lib/db/schema';
import { log } from '@/lib/log';
import type { TranscriptEvent } from './events';

/** A transcript as saved: the catch-up point of a follower and, once ended, its final state. */
export type SavedTranscript = {
  status: TranscriptStatus;
  text: string;
  error_code?: string | null;
  error_message?: string | null;
  usage_json?: string | null;
};

/** How often a follower that missed deltas reads the saved text (saved every half second). */
const GAP_CHECK_MS = 250;
/** How often a follower checks that the job still runs, in case its end message was lost. */
const LIVENESS_CHECK_MS = 3000;

/** How a transcript that has ended (or is gone) ends its event stream: the saved text when done, else its error. */
export function finalEventOf(saved: SavedTranscript | undefined): TranscriptEvent {
  if (!saved) return { type: 'error', error: { code: 'not_found:transcript', message: 'This transcript does not exist.' } };
  if (saved.status === 'done') {
    const usage = parseUsage(saved.usage_json);
    return { type: 'transcript.text.done', text: saved.text, ...(usage ? { usage } : {}) };
  }
  return {
    type: 'error',
    error: { code: saved.error_code ?? 'internal:transcription', message: saved.error_message ?? 'The transcription did not finish.' },
  };
}

function parseUsage(json: string | null | undefined): unknown {
  if (!json) return undefined;
  try {
    return JSON.parse(json) ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * The events of a transcription that runs on any instance, from its saved text on. It listens
 * on the bus before it reads the saved text, so nothing published in between is lost; deltas
 * carry their offset, so what the saved text already holds is skipped and a gap (deltas
 * published before it listened, not yet saved) is filled from the next save.
 */
export function followTranscript({
  id,
  load,
  send,
  signal,
}: {
  id: string;
  /** Reads the transcript as saved; undefined once it is gone (or no longer visible to this reader). */
  load: () => Promise<SavedTranscript | undefined>;
  /** Receives every event in order; the last one is final. */
  send: (event: TranscriptEvent) => void;
  /** Stops following (the reader went away). */
  signal: AbortSignal;
}): Promise<void> {
  let text = '';
  let caughtUp = false;
  let ended = false;
  const early: JobMessage[] = [];
  /** Deltas past the end of the known text, until the saved text reaches them. */
  const ahead: { at: number; delta: string }[] = [];
  let gapTimer: NodeJS.Timeout | undefined;
  let finished: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finished = resolve));
  let unsubscribe: () => void = () => undefined;

  const stop = () => {
    ended = true;
    clearTimeout(gapTimer);
    clearInterval(liveness);
    unsubscribe();
    signal.removeEventListener('abort', stop);
    finished();
  };
  const end = (saved: SavedTranscript | undefined) => {
    if (ended) return;
    send(finalEventOf(saved));
    stop();
  };

  const grow = (fresh: string) => {
    if (!fresh || ended) return;
    text += fresh;
    send({ type: 'transcript.text.delta', delta: fresh });
  };

  const apply = (at: number, delta: string) => {
    if (at + delta.length <= text.length) return;
    if (at > text.length) {
      ahead.push({ at, delta });
      gapTimer ??= setTimeout(() => void check(), GAP_CHECK_MS);
      return;
    }
    grow(delta.slice(text.length - at));
    ahead.sort((a, b) => a.at - b.at);
    while (ahead[0] && ahead[0].at <= text.length) {
      const next = ahead.shift();
      if (next) grow(next.delta.slice(Math.min(next.delta.length, text.length - next.at)));
    }
  };

  /** Reads the saved state: the end, or text that fills a gap. */
  async function check() {
    gapTimer = undefined;
    const saved = await load().catch(() => 'unknown' as const);
    if (ended || saved === 'unknown') return;
    if (saved?.status !== 'transcribing') return end(saved);
    if (saved.text.length > text.length && saved.text.startsWith(text)) apply(0, saved.text);
    if (ahead.length > 0) gapTimer ??= setTimeout(() => void check(), GAP_CHECK_MS);
  }

  const handle = (message: JobMessage) => {
    if (ended) return;
    if (message.type === 'delta') apply(message.at, message.delta);
    else if (message.type === 'waiting') send({ type: 'transcript.waiting', position: message.position });
    else if (message.type === 'part') send({ type: 'transcript.part', index: message.index, count: message.count, startSeconds: message.startSeconds });
    else if (message.type === 'end') void check();
  };

  const liveness = setInterval(() => void check(), LIVENESS_CHECK_MS);
  liveness.unref();
  signal.addEventListener('abort', stop, { once: true });

  void (async () => {
    try {
      unsubscribe = await getJobBus().subscribe(id, (message) => (caughtUp ? handle(message) : early.push(message)));
    } catch (error) {
      // The saved text still arrives, by the liveness checks.
      log.warn('bus.subscribe_failed', { transcriptId: id, cause: error instanceof Error ? error.message : String(error) });
    }
    if (ended) return unsubscribe();
    const saved = await load().catch(() => undefined);
    if (ended) return;
    if (saved?.status !== 'transcribing') return end(saved);
    send({ type: 'transcript.created', id });
    grow(saved.text);
    caughtUp = true;
    for (const message of early.splice(0)) handle(message);
  })();
  return done;
}
