import { createListenerRegistry } from './listeners';
import type { JobBus } from './types';

/** One process is the whole cluster (SQLite): messages go straight to this process's listeners. */
export function createMemoryBus(): JobBus {
  const listeners = createListenerRegistry();
  return {
    async publish(jobId, message) {
      // Delivered on a later tick, as over a network: a publisher never runs listeners inline.
      queueMicrotask(() => listeners.deliver(jobId, message));
    },
    async subscribe(jobId, listener) {
      return listeners.add(jobId, listener);
    },
    async close() {},
  };
}
