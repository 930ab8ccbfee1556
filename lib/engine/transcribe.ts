import 'server-only';

import { log } from '@/lib/log';
import { deltaFor } from './output';
import { getEngineQueue } from './queue-instance';
import { recognize } from './recognizer';

export type EngineResult = { text: string; usage: { type: 'duration'; seconds: number } };

/**
 * Waits for a free slot in the engine's queue, then recognises the file, handing each
 * utterance to `onDelta` as it is recognised (with its leading space, as upstreams do).
 */
export async function transcribeFile({
  requestId,
  file,
  signal,
  onPosition,
  onDelta,
}: {
  requestId: string;
  file: string;
  signal: AbortSignal;
  onPosition?: (position: number) => void;
  onDelta?: (delta: string) => void;
}): Promise<EngineResult> {
  const queuedAt = Date.now();
  const release = await getEngineQueue().acquire(requestId, { signal, onPosition });
  const startedAt = Date.now();
  let text = '';
  let utterances = 0;
  try {
    const { seconds } = await recognize({
      file,
      signal,
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
    release();
  }
}
