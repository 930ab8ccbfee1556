import { createParser, type EventSourceMessage } from 'eventsource-parser';
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
 * queue notes) are not events, but `onComment` hears them as signs of life. The body is any
 * byte iterable (a Node response or a web stream), read with no stream adapter in between.
 */
export async function* readUpstreamEvents(body: AsyncIterable<Uint8Array>, onComment?: (comment: string) => void): AsyncGenerator<UpstreamEvent> {
  const decoder = new TextDecoder();
  const messages: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (message) => messages.push(message), onComment });
  for await (const chunk of body) {
    parser.feed(decoder.decode(chunk, { stream: true }));
    // Each message is taken off the queue before it is handled: a consumer may stop at any yield.
    for (let message = messages.shift(); message; message = messages.shift()) {
      const event = eventOf(message);
      if (!event) continue;
      yield event;
      if (event.type === 'done') return;
    }
  }
  throw streamError('The transcription service stopped before the transcript was complete.');
}

function eventOf(message: EventSourceMessage): UpstreamEvent | undefined {
  if (message.data === '[DONE]') return undefined;
  if (message.event === 'error') throw streamError('The transcription service reported an error while transcribing.');
  let payload: unknown;
  try {
    payload = JSON.parse(message.data);
  } catch {
    throw streamError('The transcription service sent a malformed event.');
  }
  if (typeof payload !== 'object' || payload === null) throw streamError('The transcription service sent a malformed event.');
  if ('error' in payload) throw streamError('The transcription service reported an error while transcribing.');
  if (!('type' in payload) || typeof payload.type !== 'string' || !knownTypes.has(payload.type)) return undefined;
  const parsed = knownEventSchema.safeParse(payload);
  if (!parsed.success) throw streamError('The transcription service sent a malformed event.');
  return parsed.data.type === 'transcript.text.delta'
    ? { type: 'delta', delta: parsed.data.delta }
    : { type: 'done', text: parsed.data.text, usage: parsed.data.usage ?? null };
}

/** A queueing upstream (such as the built-in engine) sends `: waiting N` while N requests are ahead. */
export function queuePositionOf(comment: string): number | undefined {
  const match = /^\s*waiting (\d{1,6})\s*$/.exec(comment);
  return match ? Number(match[1]) : undefined;
}
