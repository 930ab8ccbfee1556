export type EngineQueueState = { running: number; waiting: number; limit: number };

type Waiter = {
  id: string;
  start: () => void;
  onPosition?: (position: number) => void;
  announced?: number;
};

export type EngineQueue = ReturnType<typeof createEngineQueue>;

/**
 * First come, first served, with at most `limit` jobs running. `acquire` resolves with the
 * function that frees the slot; a request that is aborted while waiting leaves the line.
 */
export function createEngineQueue(limit: number) {
  if (!Number.isInteger(limit) || limit < 1) throw new Error('The engine queue needs a limit of at least 1');
  const running: string[] = [];
  const waiting: Waiter[] = [];

  const announcePositions = () =>
    waiting.forEach((waiter, index) => {
      if (waiter.announced === index + 1) return;
      waiter.announced = index + 1;
      waiter.onPosition?.(index + 1);
    });

  function startNext() {
    while (running.length < limit) {
      const next = waiting.shift();
      if (!next) break;
      next.start();
    }
    announcePositions();
  }

  function occupy(id: string) {
    running.push(id);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      running.splice(running.indexOf(id), 1);
      startNext();
    };
  }

  return {
    acquire(id: string, { signal, onPosition }: { signal?: AbortSignal; onPosition?: (position: number) => void } = {}): Promise<() => void> {
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (running.length < limit && waiting.length === 0) return Promise.resolve(occupy(id));
      return new Promise((resolve, reject) => {
        const onAbort = () => {
          const index = waiting.indexOf(waiter);
          if (index !== -1) waiting.splice(index, 1);
          announcePositions();
          reject(signal?.reason);
        };
        const waiter: Waiter = {
          id,
          onPosition,
          start: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve(occupy(id));
          },
        };
        waiting.push(waiter);
        signal?.addEventListener('abort', onAbort, { once: true });
        announcePositions();
      });
    },

    state(): EngineQueueState {
      return { running: running.length, waiting: waiting.length, limit };
    },

    /** 0 while running, n when n-th in line, undefined when unknown (finished or never queued). */
    positionOf(id: string): number | undefined {
      if (running.includes(id)) return 0;
      const index = waiting.findIndex((waiter) => waiter.id === id);
      return index === -1 ? undefined : index + 1;
    },
  };
}
