import 'server-only';

import { log } from '@/lib/log';
import { OpenAIError } from '@/lib/http/openai-error';
import { asEngineError } from './errors';
import type { EngineResult } from './transcribe';

/** While queued or recognising a long silence, a comment line keeps idle connections open. */
const KEEPALIVE_INTERVAL_MS = 10_000;

export const ENGINE_SSE_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
} as const;

const encoder = new TextEncoder();

export type EngineEvents = {
  /** `data: {json}` — the wire format of OpenAI-compatible transcription streams. */
  send: (payload: object) => void;
  /** `: text` — an SSE comment, ignored by clients. */
  comment: (text: string) => void;
};

/**
 * An SSE body produced by `run`. Cancelling the body (the client went away) or aborting
 * `requestSignal` aborts the signal given to `run`; an error thrown by `run` ends the stream
 * with `data: {"type":"error","error":{…}}`, which OpenAI's clients raise as an API error.
 */
export function engineEventStream({
  requestId,
  requestSignal,
  run,
  cleanup,
}: {
  requestId: string;
  requestSignal: AbortSignal;
  run: (events: EngineEvents, signal: AbortSignal) => Promise<void>;
  cleanup: () => Promise<void>;
}): ReadableStream<Uint8Array> {
  const cancelled = new AbortController();
  const signal = AbortSignal.any([requestSignal, cancelled.signal]);
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const write = (text: string) => {
        if (!signal.aborted) controller.enqueue(encoder.encode(text));
      };
      const events: EngineEvents = {
        send: (payload) => write(`data: ${JSON.stringify(payload)}\n\n`),
        comment: (text) => write(`: ${text.replace(/[\r\n]/g, ' ')}\n\n`),
      };
      const keepalive = setInterval(() => events.comment('keepalive'), KEEPALIVE_INTERVAL_MS);
      void run(events, signal)
        .catch((error: unknown) => {
          if (signal.aborted) return log.info('engine.aborted', { requestId });
          logFailure(requestId, error);
          events.send({ type: 'error', ...asEngineError(error).toBody() });
        })
        .finally(async () => {
          clearInterval(keepalive);
          await cleanup().catch(() => undefined);
          try {
            controller.close();
          } catch {
            // Already cancelled by the client.
          }
        });
    },
    cancel(reason) {
      cancelled.abort(reason);
    },
  });
}

export function logFailure(requestId: string, error: unknown) {
  if (error instanceof OpenAIError) {
    log.warn('engine.rejected', { requestId, status: error.status, code: error.details.code });
  } else {
    log.error('engine.failed', { requestId, cause: error instanceof Error ? error.message : String(error) });
  }
}

export function engineResultResponse(result: EngineResult, format: 'json' | 'text', headers: Record<string, string>) {
  return format === 'text'
    ? new Response(`${result.text}\n`, { headers: { 'Content-Type': 'text/plain; charset=utf-8', ...headers } })
    : Response.json(result, { headers });
}
