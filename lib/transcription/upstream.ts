import 'server-only';

import { Agent as HttpAgent, type ClientRequest, type IncomingMessage, request as httpRequest, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { pipeline } from 'node:stream/promises';
import type { AudioFormat } from '@/lib/audio/format';
import { ENGINE_USER_HEADER } from '@/lib/engine/fairness';
import { getTranscriptionTarget } from '@/lib/engine/target';
import { getConfig } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { hashForLog, log } from '@/lib/log';
import { composeMultipartBody, createBoundary, type MultipartField } from './multipart';
import { readUpstreamEvents, type UpstreamEvent } from './upstream-events';

export type UpstreamOptions = { language?: string; prompt?: string };

const MAX_RETRY_AFTER_SECONDS = 30;

/** As `fetch` (undici) had it: no byte either way for this long ends the request. */
const IDLE_SOCKET_MS = 300_000;
/** An idle kept-alive connection is closed before a server's usual 5 s keep-alive timeout can race a new request on it. */
const FREE_SOCKET_MS = 4_000;

// One connection pool per protocol for the process: a kept-alive connection saves the TCP (and TLS)
// handshake of every transcription after the first.
const clients = {
  'http:': { request: httpRequest, agent: new HttpAgent({ keepAlive: true, timeout: FREE_SOCKET_MS }) },
  'https:': { request: httpsRequest, agent: new HttpsAgent({ keepAlive: true, timeout: FREE_SOCKET_MS }) },
};

let misconfigurationReported = false;

const unreachable = () => new AppError('upstream:unreachable', 'The transcription service cannot be reached right now. Try again in a few minutes.');

function optionFields(options: UpstreamOptions): MultipartField[] {
  const fields: MultipartField[] = [];
  if (options.language) fields.push(['language', options.language]);
  if (options.prompt) fields.push(['prompt', options.prompt]);
  return fields;
}

function retryAfterSeconds(header: string | undefined): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

async function readText(response: IncomingMessage): Promise<string> {
  response.setEncoding('utf8');
  let text = '';
  for await (const chunk of response) text += chunk as string;
  return text;
}

async function readErrorCode(response: IncomingMessage): Promise<string | undefined> {
  try {
    const body = JSON.parse(await readText(response)) as { error?: { code?: unknown; type?: unknown } };
    const code = body.error?.code ?? body.error?.type;
    return typeof code === 'string' ? code.slice(0, 64) : undefined;
  } catch {
    return undefined;
  }
}

function errorForStatus(status: number, upstreamCode: string | undefined, retryAfter: number | undefined): AppError {
  // The API never redirects: a redirect is never followed, and fails as an unreachable service, as it did with fetch.
  if (status >= 300 && status < 400) return unreachable();
  if (status === 401 || status === 403) {
    return new AppError('upstream:auth', 'The transcription service refused this server’s credentials. The operator needs to check TRANSCRIBE_API_KEY.');
  }
  if (status === 413) return new AppError('payload_too_large:upstream', 'The transcription service refused this file as too large.');
  if (status === 429) {
    return new AppError('rate_limit:upstream', 'The transcription service is busy right now. Try again in a minute.', { retryAfterSeconds: retryAfter ?? 60 });
  }
  if (upstreamCode === 'audio_too_long') {
    const { engine, transcription } = getConfig();
    return new AppError(
      'payload_too_large:duration',
      transcription.engine === 'builtin'
        ? `This audio is longer than ${engine.maxAudioSeconds / 60} minutes, the most the offline engine takes. Split the recording into shorter parts.`
        : 'This audio is longer than the transcription service accepts. Split the recording into shorter parts.',
    );
  }
  if (upstreamCode === 'unsupported_language') {
    return new AppError('bad_request:language', 'This transcription service does not support the chosen language. Choose another language or Auto-detect.');
  }
  if (status >= 500) return new AppError('upstream:unavailable', 'The transcription service is having trouble right now. Try again in a few minutes.');
  return new AppError('upstream:rejected', 'The transcription service could not process this audio. Check that it is a valid recording.');
}

/** Failures worth another attempt, and how long to wait first (undefined: do not retry). */
export function retryDelayMs(error: unknown): number | undefined {
  if (!(error instanceof AppError)) return undefined;
  if (error.code === 'rate_limit:upstream') {
    const seconds = error.retryAfterSeconds ?? 1;
    return seconds <= MAX_RETRY_AFTER_SECONDS ? seconds * 1000 : undefined;
  }
  if (error.code === 'upstream:unavailable' || error.code === 'upstream:unreachable') return 1000;
  return undefined;
}

/**
 * Sends the audio to the upstream as it arrives and resolves once the upstream has answered,
 * with its transcript events. Always asks for a stream: partial text survives a failure, and
 * the route decides which shape its own client gets.
 */
export async function openTranscription({
  audio,
  format,
  options,
  lateOptions,
  signal,
  requestId,
  userId,
  onComment,
}: {
  audio: ReadableStream<Uint8Array>;
  format: AudioFormat;
  options: UpstreamOptions;
  lateOptions?: () => Promise<UpstreamOptions>;
  signal: AbortSignal;
  requestId: string;
  userId: string;
  /** Hears upstream SSE comments: keep-alives and queue notes. */
  onComment?: (comment: string) => void;
}): Promise<{ upstreamRequestId: string | undefined; events: AsyncGenerator<UpstreamEvent> }> {
  const { baseUrl, apiKey, model } = getTranscriptionTarget();
  if (!apiKey) throw new AppError('unavailable:transcription');
  const url = new URL(`${baseUrl}/audio/transcriptions`);
  const client = clients[url.protocol as keyof typeof clients];
  if (!client) throw new AppError('unavailable:transcription');
  const boundary = createBoundary();
  const body = composeMultipartBody({
    boundary,
    fields: [['model', model], ['response_format', 'json'], ['stream', 'true'], ...optionFields(options)],
    file: { fileName: `audio.${format.extension}`, contentType: format.mimeType, body: audio },
    trailingFields: lateOptions ? async () => optionFields(await lateOptions()) : undefined,
  });

  const requestOptions: RequestOptions = {
    method: 'POST',
    agent: client.agent,
    signal,
    timeout: IDLE_SOCKET_MS,
    headers: {
      Authorization: `Bearer ${apiKey}`,
      'Content-Type': `multipart/form-data; boundary=${boundary}`,
      Accept: 'text/event-stream',
      'X-Client-Request-Id': requestId,
      // Our own engine shares its line fairly between users; a third party gets no pseudonym.
      ...(getConfig().transcription.engine === 'builtin' && { [ENGINE_USER_HEADER]: hashForLog(userId) }),
    },
  };
  const request = client.request(url, requestOptions);
  request.on('timeout', () => request.destroy(new Error('The transcription service sent nothing for too long')));
  // An error once the answer has begun surfaces through the answer (or the body's pipeline); this
  // keeps it from also becoming an uncaught exception.
  request.on('error', () => undefined);
  // The body is written as the audio arrives, at the socket's pace; a failed request destroys it,
  // which stops reading the audio.
  pipeline(body, request).catch(() => undefined);

  let response: IncomingMessage;
  try {
    response = await answerOf(request);
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    log.warn('upstream.unreachable', { requestId, cause: (error as Error).message });
    throw unreachable();
  }

  const status = response.statusCode ?? 0;
  const upstreamRequestId = headerOf(response, 'x-request-id');
  if (status < 200 || status >= 300) {
    const upstreamCode = await readErrorCode(response);
    // A connection whose request was cut short cannot carry another one.
    if (!request.writableFinished) request.destroy();
    const error = errorForStatus(status, upstreamCode, retryAfterSeconds(headerOf(response, 'retry-after')));
    log.warn('upstream.error', { requestId, upstreamRequestId, status, upstreamCode });
    if (error.code === 'upstream:auth' && !misconfigurationReported) {
      // Once per process: every request fails the same way until the operator fixes the key.
      misconfigurationReported = true;
      log.error('upstream.misconfigured', { hint: 'TRANSCRIBE_API_KEY was refused by the upstream; fix it and restart' });
    }
    throw error;
  }
  log.info('upstream.response', { requestId, upstreamRequestId, status });
  return { upstreamRequestId, events: eventsOf(request, response, onComment) };
}

function answerOf(request: ClientRequest) {
  return new Promise<IncomingMessage>((resolve, reject) => {
    request.once('response', resolve);
    request.once('error', reject);
  });
}

function headerOf(response: IncomingMessage, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function* eventsOf(request: ClientRequest, response: IncomingMessage, onComment?: (comment: string) => void): AsyncGenerator<UpstreamEvent> {
  let done = false;
  try {
    for await (const event of answerEvents(response, onComment)) {
      done = event.type === 'done';
      yield event;
    }
  } finally {
    // The connection goes back to the pool only with its request sent and its answer read to the
    // end (the rest drained here); otherwise it is closed, which also stops sending the audio.
    if (done && request.writableFinished) response.resume();
    else request.destroy();
  }
}

async function* answerEvents(response: IncomingMessage, onComment?: (comment: string) => void): AsyncGenerator<UpstreamEvent> {
  const contentType = headerOf(response, 'content-type') ?? '';
  if (contentType.includes('text/event-stream')) {
    try {
      // Not destroyed when the reading stops at the done event: eventsOf drains the rest.
      yield* readUpstreamEvents(response.iterator({ destroyOnReturn: false }), onComment);
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError('upstream:interrupted', 'The connection to the transcription service broke before the transcript was complete. Your audio is kept; try again.', { cause: error });
    }
    return;
  }
  // Compatible servers that cannot stream answer with the whole transcript at once.
  const text = await readText(response);
  if (contentType.includes('application/json')) {
    const parsed = (() => {
      try {
        return JSON.parse(text) as { text?: unknown; usage?: unknown };
      } catch {
        return {};
      }
    })();
    if (typeof parsed.text !== 'string') throw new AppError('upstream:stream', 'The transcription service sent a malformed answer.');
    yield { type: 'done', text: parsed.text, usage: parsed.usage ?? null };
    return;
  }
  yield { type: 'done', text: text.trim(), usage: null };
}
