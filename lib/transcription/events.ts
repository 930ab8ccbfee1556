import { z } from 'zod';

/**
 * The events of our own stream. Deltas and done keep the upstream's shape, so that an
 * OpenAI-compatible client can read our stream too; `transcript.created` and `error` are ours.
 */
export type TranscriptEvent =
  | { type: 'transcript.created'; id: string }
  /** Ours: the upstream queues this request behind `position` others. */
  | { type: 'transcript.waiting'; position: number }
  /** Ours: long audio is transcribed in parts; sent when part `index` (1-based) starts. `count` is null until the total is known. */
  | { type: 'transcript.part'; index: number; count: number | null; startSeconds: number }
  | { type: 'transcript.text.delta'; delta: string }
  | { type: 'transcript.text.done'; text: string; usage?: unknown }
  | { type: 'error'; error: { code: string; message: string } };

export const transcriptEventSchema: z.ZodType<TranscriptEvent> = z.discriminatedUnion('type', [
  z.object({ type: z.literal('transcript.created'), id: z.string() }),
  z.object({ type: z.literal('transcript.waiting'), position: z.number().int().nonnegative() }),
  z.object({
    type: z.literal('transcript.part'),
    index: z.number().int().positive(),
    count: z.number().int().positive().nullable(),
    startSeconds: z.number().nonnegative(),
  }),
  z.object({ type: z.literal('transcript.text.delta'), delta: z.string() }),
  z.object({ type: z.literal('transcript.text.done'), text: z.string(), usage: z.unknown().optional() }),
  z.object({ type: z.literal('error'), error: z.object({ code: z.string(), message: z.string() }) }),
]);

const encoder = new TextEncoder();

export function encodeEvent(event: TranscriptEvent): Uint8Array {
  return encoder.encode(`data: ${JSON.stringify(event)}\n\n`);
}

export function isFinalEvent(event: TranscriptEvent) {
  return event.type === 'transcript.text.done' || event.type === 'error';
}

/** Room for any piece in a PostgreSQL NOTIFY payload: JSON escapes a character as at most 6 bytes. */
export const MAX_DELTA_PIECE_LENGTH = 1000;

/**
 * A delta cut into pieces of at most `maxLength` UTF-16 units, each with the offset of its first
 * character from `at`; a surrogate pair is never cut in two.
 */
export function deltaPieces(at: number, delta: string, maxLength = MAX_DELTA_PIECE_LENGTH): { at: number; delta: string }[] {
  const pieces: { at: number; delta: string }[] = [];
  for (let start = 0; start < delta.length; ) {
    let end = Math.min(start + maxLength, delta.length);
    const last = delta.charCodeAt(end - 1);
    if (end < delta.length && end - start > 1 && last >= 0xd800 && last <= 0xdbff) end -= 1;
    pieces.push({ at: at + start, delta: delta.slice(start, end) });
    start = end;
  }
  return pieces;
}
