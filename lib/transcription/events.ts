import { z } from 'zod';

/**
 * The events of our own stream. Deltas and done keep the upstream's shape, so that an
 * OpenAI-compatible client can read our stream too; `transcript.created` and `error` are ours.
 */
export type TranscriptEvent =
  | { type: 'transcript.created'; id: string }
  /** Ours: the upstream queues this request behind `position` others. */
  | { type: 'transcript.waiting'; position: number }
  | { type: 'transcript.text.delta'; delta: string }
  | { type: 'transcript.text.done'; text: string; usage?: unknown }
  | { type: 'error'; error: { code: string; message: string } };

export const transcriptEventSchema: z.ZodType<TranscriptEvent> = z.discriminatedUnion('type', [
  z.object({ type: z.literal('transcript.created'), id: z.string() }),
  z.object({ type: z.literal('transcript.waiting'), position: z.number().int().nonnegative() }),
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
