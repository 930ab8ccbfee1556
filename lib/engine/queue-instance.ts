import 'server-only';

import { getConfig } from '@/lib/env';
import { createEngineQueue, type EngineQueue } from './queue';

const queueKey = Symbol.for('verbatim.engine-queue');

/**
 * The process-wide engine queue (ENGINE_CONCURRENCY jobs at a time, the rest wait in line).
 * `state()` → `{ running, waiting, limit }`; `positionOf(requestId)` → 0 running, n-th in line.
 */
export function getEngineQueue(): EngineQueue {
  const holder = globalThis as Record<symbol, EngineQueue | undefined>;
  holder[queueKey] ??= createEngineQueue(getConfig().transcription.engineConcurrency);
  return holder[queueKey];
}
