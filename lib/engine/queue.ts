export type EngineQueueState = { running: number; waiting: number };

/** A place in the engine's line, held from `enter` until `release`. */
export type QueueTicket = {
  /** Resolves when the job may run. */
  started: Promise<void>;
  /** Hears the place in line now (when waiting) and each time it changes; 1 is next. */
  watch: (onPosition: (position: number) => void) => void;
  /** Leaves the line, or frees the slot once running; the next in line starts. Safe to call twice. */
  release: () => void;
};

type Entry = {
  user: string;
  /** Start-time fair queueing: the line is ordered by tag, then by arrival. */
  tag: number;
  state: 'waiting' | 'running' | 'done';
  start: () => void;
  onPosition?: (position: number) => void;
  announced?: number;
};

export type EngineQueue = ReturnType<typeof createEngineQueue>;

/**
 * At most `concurrency` jobs run; up to `maxWaiting` more wait, and `enter` refuses the rest.
 * The line is fair between users: each job gets a tag one above the larger of the tag of the job
 * that started last and the user's own previous tag, and the lowest tag starts next. A user's
 * second waiting job therefore goes behind every other user's first, so no one holds more than
 * one place ahead of anyone else, and an idle user banks no credit.
 */
export function createEngineQueue({ concurrency, maxWaiting }: { concurrency: number; maxWaiting: number }) {
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error('The engine queue needs a concurrency of at least 1');
  if (!Number.isInteger(maxWaiting) || maxWaiting < 0) throw new Error('The engine queue needs a whole number of waiting places');
  const running: Entry[] = [];
  const waiting: Entry[] = [];
  const lastTagByUser = new Map<string, number>();
  let virtualTime = 0;

  const announcePositions = () =>
    waiting.forEach((entry, index) => {
      if (entry.announced === index + 1 || !entry.onPosition) return;
      entry.announced = index + 1;
      entry.onPosition(index + 1);
    });

  function begin(entry: Entry) {
    entry.state = 'running';
    running.push(entry);
    virtualTime = entry.tag;
    entry.start();
  }

  function startNext() {
    while (running.length < concurrency) {
      const next = waiting.shift();
      if (!next) break;
      begin(next);
    }
    announcePositions();
  }

  function leave(entry: Entry) {
    if (entry.state === 'done') return;
    const list = entry.state === 'running' ? running : waiting;
    list.splice(list.indexOf(entry), 1);
    entry.state = 'done';
    if (![...running, ...waiting].some((other) => other.user === entry.user)) lastTagByUser.delete(entry.user);
    startNext();
  }

  return {
    /** A place for `user`'s job, or undefined when every slot is busy and the line is full. */
    enter(user: string): QueueTicket | undefined {
      const mustWait = running.length >= concurrency;
      if (mustWait && waiting.length >= maxWaiting) return undefined;
      const tag = Math.max(virtualTime, lastTagByUser.get(user) ?? 0) + 1;
      lastTagByUser.set(user, tag);
      let start = () => {};
      const started = new Promise<void>((resolve) => (start = resolve));
      const entry: Entry = { user, tag, state: 'waiting', start };
      if (mustWait) {
        // Behind every equal tag: among equals, arrival order.
        const before = waiting.findIndex((other) => other.tag > tag);
        waiting.splice(before === -1 ? waiting.length : before, 0, entry);
        announcePositions();
      } else {
        begin(entry);
      }
      return {
        started,
        watch(onPosition) {
          entry.onPosition = onPosition;
          announcePositions();
        },
        release: () => leave(entry),
      };
    },

    state(): EngineQueueState {
      return { running: running.length, waiting: waiting.length };
    },

    /** Whether a job arriving now would be refused. */
    isFull(): boolean {
      return running.length >= concurrency && waiting.length >= maxWaiting;
    },
  };
}
