import { EventSourceParserStream } from 'eventsource-parser/stream';
import { z } from 'zod';
import { AppError } from '@/lib/errors';

export type UpstreamEvent = { type: 'delta'; delta: string } | { type: 'done'; text: string; usage: unknown };

const knownEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('transcript.text.delta'), delta: z.string() }),
  z.object({ type: z.literal('transcript.text.done'), text: z.string(), usage: z.unknown().optional() }),
]);
const knownTypes = new Set(['transcript.text.delta', 'transcript.text.done']);

export const streamError = (message: string) => new AppError('upstream:stream', message);

/**
 * The upstream's SSE body as validated events. Accepts `data: [DONE]` and errors sent as
 * `event: error` or as a payload with an `error` field; ignores event types it does not know.
 * Ends after the done event; a body that ends before it is an error. Comments (keep-alives,
 * queue notes) are not events, but `onComment` hears them as signs of life.
 */
export async function* readUpstreamEvents(body: ReadableStream<Uint8Array>, onComment?: (comment: string) => void): AsyncGenerator<UpstreamEvent> {
  const events = body
    .pipeThrough(new TextDecoderStream() as TransformStream<Uint8Array, string>)
    .pipeThrough(new EventSourceParserStream({ onComment }));
  for await (const message of events) {
    if (message.data === '[DONE]') continue;
    if (message.event === 'error') throw streamError('The transcription service reported an error while transcribing.');
    let payload: unknown;
    try {
      payload = JSON.parse(message.data);
    } catch {
      throw streamError('The transcription service sent a malformed event.');
    }
    if (typeof payload !== 'object' || payload === null) throw streamError('The transcription service sent a malformed event.');
    if ('error' in payload) throw streamError('The transcription service reported an error while transcribing.');
    if (!('type' in payload) || typeof payload.type !== 'string' || !knownTypes.has(payload.type)) continue;
    const parsed = knownEventSchema.safeParse(payload);
    if (!parsed.success) throw streamError('The transcription service sent a malformed event.');
    if (parsed.data.type === 'transcript.text.delta') yield { type: 'delta', delta: parsed.data.delta };
    else {
      yield { type: 'done', text: parsed.data.text, usage: parsed.data.usage ?? null };
      return;
    }
  }
  throw streamError('The transcription service stopped before the transcript was complete.');
}

/** A queueing upstream (such as the built-in engine) sends `: waiting N` while N requests are ahead. */
export function queuePositionOf(comment: string): number | undefined {
  const match = /^\s*waiting (\d{1,6})\s*$/.exec(comment);
  return match ? Number(match[1]) : undefined;
}
