import { createParser } from 'eventsource-parser';
import { transcriptEventSchema, type TranscriptEvent } from '@/lib/transcription/events';

/**
 * Reads server-sent events from text that only grows, such as XMLHttpRequest's `responseText`
 * during a download: each call feeds the parser just the part it has not seen before.
 */
export function createSseTextReader(onData: (data: string) => void) {
  let consumed = 0;
  const parser = createParser({ onEvent: (message) => onData(message.data) });
  return {
    read(textSoFar: string) {
      if (textSoFar.length <= consumed) return;
      const slice = textSoFar.slice(consumed);
      consumed = textSoFar.length;
      parser.feed(slice);
    },
  };
}

/** One event of our stream, or undefined for anything else (`[DONE]`, unknown or broken events). */
export function parseTranscriptEvent(data: string): TranscriptEvent | undefined {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return undefined;
  }
  const parsed = transcriptEventSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
