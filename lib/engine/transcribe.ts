import 'server-only';

import { getConfig } from '@/lib/env';
import { log } from '@/lib/log';
import { jobDeadlineSeconds } from './deadline';
import { engineErrors } from './errors';
import { deltaFor } from './output';
import type { QueueTicket } from './queue';
import { recognize, type EngineInput } from './recognizer';

export type EngineResult = { text: string; usage: { type: 'duration'; seconds: number } };

/** Resolves when the ticket's turn comes; rejects with the abort reason if the request goes first. */
function turnOf(ticket: QueueTicket, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    void ticket.started.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}

/**
 * Waits for the ticket's turn in the engine's line, then recognises the file, handing each
 * utterance to `onDelta` as it is recognised (with its leading space, as upstreams do). The job
 * is killed at its deadline, counted from its start; the ticket is released however it ends.
 */
export async function transcribeFile({
  requestId,
  input,
  audioSeconds,
  ticket,
  signal,
  onPosition,
  onDelta,
}: {
  requestId: string;
  input: EngineInput;
  /** The probed duration, which sets the deadline. */
  audioSeconds: number;
  ticket: QueueTicket;
  signal: AbortSignal;
  onPosition?: (position: number) => void;
  onDelta?: (delta: string) => void;
}): Promise<EngineResult> {
  const { maxAudioSeconds, jobTimeoutSeconds } = getConfig().engine;
  const queuedAt = Date.now();
  let deadlineTimer: NodeJS.Timeout | undefined;
  try {
    if (onPosition) ticket.watch(onPosition);
    await turnOf(ticket, signal);
    const startedAt = Date.now();
    const deadlineSeconds = jobDeadlineSeconds(audioSeconds, jobTimeoutSeconds);
    const deadline = new AbortController();
    deadlineTimer = setTimeout(() => deadline.abort(engineErrors.deadline(deadlineSeconds)), deadlineSeconds * 1000);
    let text = '';
    let utterances = 0;
    const { seconds } = await recognize({
      input,
      maxSeconds: maxAudioSeconds,
      signal: AbortSignal.any([signal, deadline.signal]),
      onUtterance: (utterance) => {
        const delta = deltaFor(text, utterance);
        text += delta;
        utterances += 1;
        onDelta?.(delta);
      },
    });
    log.info('engine.recognized', {
      requestId,
      waitedMs: startedAt - queuedAt,
      ms: Date.now() - startedAt,
      audioSeconds: Math.round(seconds * 10) / 10,
      utterances,
    });
    return { text, usage: { type: 'duration', seconds: Math.ceil(seconds) } };
  } finally {
    clearTimeout(deadlineTimer);
    ticket.release();
  }
}
