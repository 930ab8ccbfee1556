import { z } from 'zod';

/**
 * What instances tell each other about one running transcription. Deltas carry the offset of
 * their first character in the transcript's text, so that a follower that has caught up from the
 * saved text can skip what it already has and notice what it missed. The final text is never
 * sent: `end` tells followers to read it from the database.
 */
export type JobMessage =
  | { type: 'delta'; at: number; delta: string }
  | { type: 'waiting'; position: number }
  | { type: 'part'; index: number; count: number | null; startSeconds: number }
  | { type: 'end' }
  | { type: 'cancel' };

export const jobMessageSchema: z.ZodType<JobMessage> = z.discriminatedUnion('type', [
  z.object({ type: z.literal('delta'), at: z.number().int().nonnegative(), delta: z.string() }),
  z.object({ type: z.literal('waiting'), position: z.number().int().nonnegative() }),
  z.object({ type: z.literal('part'), index: z.number().int().positive(), count: z.number().int().positive().nullable(), startSeconds: z.number().nonnegative() }),
  z.object({ type: z.literal('end') }),
  z.object({ type: z.literal('cancel') }),
]);

export type JobListener = (message: JobMessage) => void;

/** Messages about jobs, between every instance that serves the same database. */
export interface JobBus {
  /** Best effort: a message lost on the way is made up for by the saved text. */
  publish(jobId: string, message: JobMessage): Promise<void>;
  /** Resolves once messages published from then on reach `listener`; returns the unsubscribe function. */
  subscribe(jobId: string, listener: JobListener): Promise<() => void>;
  close(): Promise<void>;
}
