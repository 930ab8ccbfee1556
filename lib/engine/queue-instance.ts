import 'server-only';

import { getConfig } from '@/lib/env';
import { processSingleton } from '@/lib/process-singleton';
import { createEngineQueue, type EngineQueue } from './queue';

/** The process-wide engine queue: ENGINE_CONCURRENCY jobs at a time, up to ENGINE_QUEUE_MAX waiting. */
export function getEngineQueue(): EngineQueue {
  return processSingleton('engine-queue', () => {
    const { concurrency, queueMax } = getConfig().engine;
    return createEngineQueue({ concurrency, maxWaiting: queueMax });
  });
}
