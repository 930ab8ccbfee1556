import 'server-only';

import { ENGINE_MODEL_NAME } from '@/lib/engine/model';
import { getConfig } from '@/lib/env';
import { AppError, type ErrorCode } from '@/lib/errors';
import { toOpenAIError } from '@/lib/http/openai-error';
import type { TranscriptEvent } from '@/lib/transcription/events';
import type { FieldCheck } from '@/lib/transcription/incoming';
import type { TranscriptionJob } from '@/lib/transcription/job';

// The `/v1` API speaks OpenAI's transcription contract to people's own OpenAI clients; what it
// needs beyond the shared transcription path is here.

/** Every answer names the transcript it made, for a client that wants to find it in the history. */
export const TRANSCRIPT_ID_HEADER = 'x-verbatim-transcript-id';

/** Names OpenAI clients commonly send; each means the one model this server transcribes with. */
const MODEL_ALIASES = ['whisper-1', 'gpt-4o-transcribe', 'gpt-4o-mini-transcribe'] as const;

/** Formats with timestamps, which a gpt-4o-transcribe-style upstream cannot produce. */
const TIMED_FORMATS = new Set(['srt', 'vtt', 'verbose_json']);

/** The model every request is transcribed with: the configured one, or the offline engine's. */
export function servedModel() {
  const { transcription } = getConfig();
  return transcription.engine === 'external' ? transcription.model : ENGINE_MODEL_NAME;
}

export function offeredModels(): string[] {
  return [...new Set([servedModel(), ...MODEL_ALIASES])];
}

/** When this instance started: the `created` of its models, which have no date of their own. */
const STARTED_AT_SECONDS = Math.floor(Date.now() / 1000);

/** A model as OpenAI's `GET /v1/models` lists it. */
export function openAIModel(id: string) {
  return { id, object: 'model' as const, created: STARTED_AT_SECONDS, owned_by: 'verbatim' };
}

const quoted = (value: string) => value.slice(0, 100);

/**
 * `model` must be one of the offered names (OpenAI refuses others with 404 `model_not_found`),
 * and `response_format` one the upstream can produce (400 `unsupported_value`, as OpenAI answers
 * gpt-4o-transcribe). Other OpenAI fields (temperature, timestamp_granularities[], include[],
 * chunking_strategy) are dropped like any field the app does not read.
 */
export const openAIFieldCheck: FieldCheck = {
  names: ['model'],
  check(fields, final) {
    const model = fields.get('model');
    if (model === undefined) {
      if (final) throw new AppError('bad_request:model_missing', 'you must provide a model parameter');
    } else if (!offeredModels().includes(model)) {
      throw new AppError('not_found:model', `The model \`${quoted(model)}\` does not exist or you do not have access to it.`);
    }
    const format = fields.get('response_format');
    if (format !== undefined && TIMED_FORMATS.has(format)) {
      throw new AppError(
        'bad_request:response_format',
        `response_format '${quoted(format)}' is not compatible with model '${quoted(model ?? servedModel())}'. Use 'json' or 'text'.`,
      );
    }
  },
};

/** A job's final usage as OpenAI reports it, when the upstream reported one. */
const withUsage = (usage: unknown) => (usage && typeof usage === 'object' ? { usage } : {});

/** `response_format=json`: OpenAI's `{text, usage}`, plus the transcript's id. */
export function openAIJsonResult({ id, text, usage }: { id: string; text: string; usage: unknown }) {
  return { text, ...withUsage(usage), id };
}

const encoder = new TextEncoder();
/** While the upstream queues the request (or thinks), a comment keeps idle connections open. */
const KEEPALIVE_INTERVAL_MS = 10_000;

/**
 * The job's events as OpenAI streams them: `transcript.text.delta`, then `transcript.text.done`
 * (with usage), or an `error` event in OpenAI's shape, which the SDKs raise. Our own events
 * (created, waiting) never appear: waiting becomes an SSE comment, which clients ignore.
 */
export function openAIEventStream(job: TranscriptionJob): ReadableStream<Uint8Array> {
  let unsubscribe: (() => void) | undefined;
  let keepalive: NodeJS.Timeout | undefined;
  let closed = false;
  const stop = () => {
    closed = true;
    clearInterval(keepalive);
    unsubscribe?.();
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const write = (text: string) => {
        if (!closed) controller.enqueue(encoder.encode(text));
      };
      const data = (payload: object) => write(`data: ${JSON.stringify(payload)}\n\n`);
      keepalive = setInterval(() => write(': keepalive\n\n'), KEEPALIVE_INTERVAL_MS);
      const send = (event: TranscriptEvent) => {
        switch (event.type) {
          case 'transcript.waiting':
            return write(`: waiting ${event.position}\n\n`);
          case 'transcript.text.delta':
            return data({ type: event.type, delta: event.delta });
          case 'transcript.text.done':
            data({ type: event.type, text: event.text, ...withUsage(event.usage) });
            break;
          case 'error':
            data({ type: 'error', ...toOpenAIError(new AppError(event.error.code as ErrorCode, event.error.message)).toBody() });
            break;
          default:
            return;
        }
        stop();
        controller.close();
      };
      unsubscribe = job.subscribe(send);
      if (closed) unsubscribe();
    },
    // The client went away; the job goes on and stores its result.
    cancel() {
      stop();
    },
  });
}
