import type { JobListener, JobMessage } from './types';

/** The listeners of this process, by job id: one bus connection serves them all. */
export function createListenerRegistry() {
  const byJob = new Map<string, Set<JobListener>>();
  return {
    add(jobId: string, listener: JobListener) {
      const listeners = byJob.get(jobId) ?? new Set<JobListener>();
      listeners.add(listener);
      byJob.set(jobId, listeners);
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && byJob.get(jobId) === listeners) byJob.delete(jobId);
      };
    },
    deliver(jobId: string, message: JobMessage) {
      // A copy: a listener may unsubscribe (or subscribe another) while it is called.
      for (const listener of [...(byJob.get(jobId) ?? [])]) listener(message);
    },
  };
}
