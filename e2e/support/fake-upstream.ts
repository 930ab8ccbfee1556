import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import busboy from 'busboy';

export const FAKE_TRANSCRIPT =
  'Hello from the fake upstream. The quick brown fox jumps over the lazy dog.';

export const MAX_UPSTREAM_BODY_BYTES = 26_214_400;
export const SUPPORTED_FILE_EXTENSIONS = [
  'mp3',
  'mp4',
  'mpeg',
  'mpga',
  'm4a',
  'wav',
  'webm',
  'ogg',
] as const;

const MAX_RECORDS = 500;
const DEFAULT_DELTA_DELAY_MS = 60;
const TRANSCRIPTION_PATH = '/v1/audio/transcriptions';
const SIMULATED_STATUSES = [400, 401, 429, 500, 503] as const;
type SimulatedStatus = (typeof SIMULATED_STATUSES)[number];

export interface FakeUpstreamOptions {
  port: number;
  apiKey: string;
  host?: string;
}

export interface FakeUpstream {
  url: string;
  close(): Promise<void>;
}

export interface FakeScenario {
  status: SimulatedStatus | null;
  cut: boolean;
  stall: boolean;
  errorEvent: boolean;
  doneMarker: boolean;
  delayMs: number;
  firstDelayMs: number;
  text: string;
  failTimes: number | null;
  /** Fail only the nth request (1-based) that carries this scenario's key: one part of long audio. */
  failNth: number | null;
  /** Answer with a text made from the file's hash: each part of long audio gets its own text. */
  echo: boolean;
  key: string | null;
}

export interface RecordedFile {
  fieldName: string;
  filename: string;
  contentType: string;
  bytes: number;
  sha256: string;
  /** An MP3 file's duration from its frame headers; null for other containers or unreadable frames. */
  durationSeconds: number | null;
}

export type RequestOutcome =
  | 'receiving'
  | 'responding'
  | 'ok'
  | `status-${number}`
  | 'cut'
  | 'stall'
  | 'error-event'
  | 'client-aborted';

export interface RecordedRequest {
  id: string;
  /** Order of arrival, from 1. */
  sequence: number;
  method: string;
  path: string;
  /** Request headers minus `authorization`, so tests can tell chunked uploads from buffered ones. */
  headers: Record<string, string>;
  receivedAt: number;
  firstByteAt: number | null;
  /** When each text delta was written (performance.timeOrigin + performance.now(), sub-millisecond). */
  eventSentAt: number[];
  lastByteAt: number | null;
  bodyBytes: number;
  authorized: boolean;
  fields: Record<string, string>;
  fieldNames: string[];
  file: RecordedFile | null;
  scenario: FakeScenario | null;
  outcome: RequestOutcome;
  clientAbortedAt: number | null;
}

interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

function openAiError(
  message: string,
  type: string,
  code: string | null,
  param: string | null = null,
): OpenAiErrorBody {
  return { error: { message, type, param, code } };
}

const INVALID_API_KEY_ERROR = openAiError(
  'Incorrect API key provided.',
  'invalid_request_error',
  'invalid_api_key',
);

function simulatedStatusError(status: SimulatedStatus): OpenAiErrorBody {
  switch (status) {
    case 400:
      return openAiError(
        'Fake upstream: simulated bad request.',
        'invalid_request_error',
        'invalid_value',
      );
    case 401:
      return INVALID_API_KEY_ERROR;
    case 429:
      return openAiError(
        'Rate limit reached for requests. Please try again in 1s.',
        'requests',
        'rate_limit_exceeded',
      );
    case 500:
      return openAiError(
        'The server had an error while processing your request. Sorry about that!',
        'server_error',
        'server_error',
      );
    case 503:
      return openAiError(
        'The engine is currently overloaded, please try again later.',
        'server_error',
        'service_unavailable',
      );
  }
}

function isSimulatedStatus(value: number): value is SimulatedStatus {
  return (SIMULATED_STATUSES as readonly number[]).includes(value);
}

function parseNonNegativeInteger(value: string | undefined): number | null {
  if (value === undefined || !/^\d+$/.test(value)) return null;
  return Number(value);
}

export function parseScenario(prompt: string | undefined): FakeScenario {
  const scenario: FakeScenario = {
    status: null,
    cut: false,
    stall: false,
    errorEvent: false,
    doneMarker: false,
    delayMs: DEFAULT_DELTA_DELAY_MS,
    firstDelayMs: 0,
    text: FAKE_TRANSCRIPT,
    failTimes: null,
    failNth: null,
    echo: false,
    key: null,
  };
  for (const word of (prompt ?? '').split(/\s+/)) {
    const directive = /^fake:([a-z-]+)(?:=(\S*))?$/.exec(word);
    if (!directive) continue;
    const [, name, value] = directive;
    switch (name) {
      case 'status': {
        const status = parseNonNegativeInteger(value);
        if (status !== null && isSimulatedStatus(status)) scenario.status = status;
        break;
      }
      case 'cut':
        scenario.cut = true;
        break;
      case 'stall':
        scenario.stall = true;
        break;
      case 'error-event':
        scenario.errorEvent = true;
        break;
      case 'done-marker':
        scenario.doneMarker = true;
        break;
      case 'delay':
        scenario.delayMs = parseNonNegativeInteger(value) ?? scenario.delayMs;
        break;
      case 'first-delay':
        scenario.firstDelayMs = parseNonNegativeInteger(value) ?? scenario.firstDelayMs;
        break;
      case 'text':
        scenario.text = (value ?? '').replaceAll('_', ' ');
        break;
      case 'fail-times':
        scenario.failTimes = parseNonNegativeInteger(value);
        break;
      case 'fail-nth':
        scenario.failNth = parseNonNegativeInteger(value);
        break;
      case 'echo':
        scenario.echo = true;
        break;
      case 'key':
        scenario.key = value ?? '';
        break;
    }
  }
  return scenario;
}

function hasFailureDirective(scenario: FakeScenario): boolean {
  return scenario.status !== null || scenario.cut || scenario.stall || scenario.errorEvent;
}

function withoutFailures(scenario: FakeScenario): FakeScenario {
  return { ...scenario, status: null, cut: false, stall: false, errorEvent: false };
}

/** Words with their leading whitespace, so concatenating the deltas rebuilds the text exactly. */
function splitIntoDeltas(text: string): string[] {
  return text.match(/\s*\S+/g) ?? [];
}

function tokenUsage(fileBytes: number, outputTokens: number) {
  const inputTokens = Math.max(1, Math.ceil(fileBytes / 1024));
  return {
    type: 'tokens',
    input_tokens: inputTokens,
    input_token_details: { text_tokens: 0, audio_tokens: inputTokens },
    output_tokens: outputTokens,
    total_tokens: inputTokens + outputTokens,
  };
}

/** The text that `fake:echo` answers for a file. */
export function echoText(sha256: string): string {
  return `Part ${sha256.slice(0, 8)} says ${sha256.slice(8, 14)} then ${sha256.slice(14, 20)}.`;
}

const MPEG_BITRATES_KBPS: Record<'1' | '2', readonly number[]> = {
  '1': [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  '2': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const MPEG_SAMPLE_RATES: Record<number, readonly number[]> = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000] };

/** Counts the Layer III frames of an MP3 as it streams past; the duration, or null when a frame is not one. */
function mp3DurationCounter() {
  let pending = Buffer.alloc(0);
  let skip = 0;
  let seconds = 0;
  let broken = false;
  let first = true;
  return {
    push(chunk: Buffer) {
      if (broken) return;
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        if (skip > 0) {
          const skipped = Math.min(skip, pending.length);
          pending = pending.subarray(skipped);
          skip -= skipped;
          if (skip > 0) return;
        }
        if (first && pending.length >= 10 && pending.subarray(0, 3).toString('latin1') === 'ID3') {
          skip = 10 + (((pending[6] ?? 0) << 21) | ((pending[7] ?? 0) << 14) | ((pending[8] ?? 0) << 7) | (pending[9] ?? 0));
          first = false;
          continue;
        }
        if (pending.length < 4) return;
        first = false;
        const [b0 = 0, b1 = 0, b2 = 0] = pending;
        const version = (b1 >> 3) & 3;
        const rates = MPEG_SAMPLE_RATES[version];
        const bitrate = MPEG_BITRATES_KBPS[version === 3 ? '1' : '2'][b2 >> 4];
        const sampleRate = rates?.[(b2 >> 2) & 3];
        if (b0 !== 0xff || (b1 & 0xe0) !== 0xe0 || ((b1 >> 1) & 3) !== 1 || !bitrate || !sampleRate) {
          broken = true;
          return;
        }
        const samples = version === 3 ? 1152 : 576;
        skip = Math.floor(((samples / 8) * bitrate * 1000) / sampleRate) + ((b2 >> 1) & 1);
        seconds += samples / sampleRate;
      }
    },
    result: () => (broken ? null : seconds),
  };
}

function sseEvent(payload: unknown): string {
  return `data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`;
}

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

function fileExtension(filename: string): string {
  const dot = filename.lastIndexOf('.');
  return dot === -1 ? '' : filename.slice(dot + 1).toLowerCase();
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  extraHeaders: Record<string, string> = {},
): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(json),
    ...extraHeaders,
  });
  res.end(json);
}

export async function startFakeUpstream(options: FakeUpstreamOptions): Promise<FakeUpstream> {
  const host = options.host ?? '127.0.0.1';
  const records: RecordedRequest[] = [];
  const failuresByKey = new Map<string, number>();
  const requestsByKey = new Map<string, number>();
  let sequence = 0;
  const pendingTimers = new Set<NodeJS.Timeout>();

  function remember(record: RecordedRequest): void {
    records.push(record);
    if (records.length > MAX_RECORDS) records.splice(0, records.length - MAX_RECORDS);
  }

  /** Resolves false (instead of waiting) once the client has gone away. */
  function wait(ms: number, res: ServerResponse): Promise<boolean> {
    if (res.destroyed) return Promise.resolve(false);
    if (ms <= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const onClose = () => {
        clearTimeout(timer);
        pendingTimers.delete(timer);
        resolve(false);
      };
      const timer = setTimeout(() => {
        pendingTimers.delete(timer);
        res.off('close', onClose);
        resolve(!res.destroyed);
      }, ms);
      pendingTimers.add(timer);
      res.once('close', onClose);
    });
  }

  function handleControl(req: IncomingMessage, res: ServerResponse, url: URL): void {
    if (!isLoopback(req.socket.remoteAddress)) {
      sendJson(res, 403, openAiError('Control API is loopback only.', 'invalid_request_error', null));
      return;
    }
    if (url.pathname === '/__fake/health' && req.method === 'GET') {
      sendJson(res, 200, { ok: true });
      return;
    }
    if (url.pathname === '/__fake/requests' && req.method === 'GET') {
      const promptFilter = url.searchParams.get('prompt_contains');
      const selected =
        promptFilter === null
          ? records
          : records.filter((record) => record.fields.prompt?.includes(promptFilter) ?? false);
      sendJson(res, 200, selected);
      return;
    }
    if (url.pathname === '/__fake/requests' && req.method === 'DELETE') {
      // fail-times counters survive: tests running in parallel may still be counting.
      records.length = 0;
      res.writeHead(204).end();
      return;
    }
    const unknownRoute = `Unknown control route ${req.method ?? ''} ${url.pathname}`;
    sendJson(res, 404, openAiError(unknownRoute, 'invalid_request_error', null));
  }

  function handleTranscription(req: IncomingMessage, res: ServerResponse): void {
    const { authorization, ...headersWithoutAuth } = req.headers;
    const record: RecordedRequest = {
      id: `req_${randomUUID().replaceAll('-', '')}`,
      sequence: ++sequence,
      method: req.method ?? '',
      path: TRANSCRIPTION_PATH,
      headers: Object.fromEntries(
        Object.entries(headersWithoutAuth).map(([name, value]) => [
          name,
          Array.isArray(value) ? value.join(', ') : (value ?? ''),
        ]),
      ),
      receivedAt: Date.now(),
      firstByteAt: null,
      eventSentAt: [],
      lastByteAt: null,
      bodyBytes: 0,
      authorized: authorization === `Bearer ${options.apiKey}`,
      fields: {},
      fieldNames: [],
      file: null,
      scenario: null,
      outcome: 'receiving',
      clientAbortedAt: null,
    };
    remember(record);
    res.setHeader('x-request-id', record.id);

    res.on('close', () => {
      if (res.writableFinished || record.outcome === 'cut') return;
      record.clientAbortedAt = Date.now();
      if (record.outcome !== 'stall') record.outcome = 'client-aborted';
    });

    let parser: busboy.Busboy | undefined;
    let bodyTooLarge = false;
    let multipartError: string | null = null;
    req.on('data', (chunk: Buffer) => {
      const now = Date.now();
      record.firstByteAt ??= now;
      record.lastByteAt = now;
      record.bodyBytes += chunk.length;
      if (!bodyTooLarge && record.bodyBytes > MAX_UPSTREAM_BODY_BYTES) {
        // Stop parsing but keep draining, so the client reads the 413 instead of a reset.
        bodyTooLarge = true;
        if (parser) req.unpipe(parser);
        req.resume();
      }
    });

    try {
      parser = busboy({ headers: req.headers });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      req.resume();
      req.on('end', () =>
        record.authorized
          ? respondInvalid(
              400,
              openAiError(`Could not parse multipart form: ${reason}`, 'invalid_request_error', null),
            )
          : respondInvalid(401, INVALID_API_KEY_ERROR),
      );
      return;
    }

    const fileDone: Promise<void>[] = [];
    parser.on('field', (name, value) => {
      record.fields[name] = value;
      record.fieldNames.push(name);
    });
    parser.on('file', (fieldName, stream, info) => {
      if (record.file !== null) {
        stream.resume();
        return;
      }
      const recordedFile: RecordedFile = {
        fieldName,
        filename: info.filename ?? '',
        contentType: info.mimeType,
        bytes: 0,
        sha256: '',
        durationSeconds: null,
      };
      record.file = recordedFile;
      const hash = createHash('sha256');
      const duration = fileExtension(recordedFile.filename) === 'mp3' ? mp3DurationCounter() : undefined;
      stream.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        duration?.push(chunk);
        recordedFile.bytes += chunk.length;
      });
      fileDone.push(
        new Promise((resolve) => {
          stream.on('end', () => {
            recordedFile.sha256 = hash.digest('hex');
            recordedFile.durationSeconds = duration?.result() ?? null;
            resolve();
          });
          stream.on('error', () => resolve());
        }),
      );
    });
    const parserDone = new Promise<void>((resolve) => {
      parser.on('close', resolve);
      parser.on('error', (error: unknown) => {
        multipartError = error instanceof Error ? error.message : String(error);
        req.unpipe(parser);
        req.resume();
        resolve();
      });
    });
    req.pipe(parser);

    req.on('end', () => {
      void (async () => {
        if (bodyTooLarge) {
          respondInvalid(
            413,
            openAiError(
              `Maximum content size limit (${MAX_UPSTREAM_BODY_BYTES}) exceeded ` +
                `(${record.bodyBytes} bytes read)`,
              'invalid_request_error',
              'request_too_large',
            ),
          );
          return;
        }
        await parserDone;
        if (multipartError === null) await Promise.all(fileDone);
        await respond();
      })();
    });

    function respondInvalid(status: number, body: OpenAiErrorBody): void {
      if (res.destroyed) return;
      record.outcome = `status-${status}`;
      sendJson(res, status, body);
    }

    async function respond(): Promise<void> {
      if (res.destroyed) return;
      if (!record.authorized) return respondInvalid(401, INVALID_API_KEY_ERROR);
      if (multipartError !== null) {
        return respondInvalid(
          400,
          openAiError(
            `Could not parse multipart form: ${multipartError}`,
            'invalid_request_error',
            null,
          ),
        );
      }
      const file = record.file;
      if (file === null || file.fieldName !== 'file') {
        return respondInvalid(
          400,
          openAiError(
            "Missing required parameter: 'file'.",
            'invalid_request_error',
            'missing_required_parameter',
            'file',
          ),
        );
      }
      if (!(SUPPORTED_FILE_EXTENSIONS as readonly string[]).includes(fileExtension(file.filename))) {
        return respondInvalid(
          400,
          openAiError(
            `Invalid file format. Supported formats: ${JSON.stringify(SUPPORTED_FILE_EXTENSIONS)}`,
            'invalid_request_error',
            'invalid_file_format',
            'file',
          ),
        );
      }
      if (!record.fields.model) {
        return respondInvalid(
          400,
          openAiError('you must provide a model parameter', 'invalid_request_error', null),
        );
      }

      let scenario = parseScenario(record.fields.prompt);
      if (scenario.echo) scenario = { ...scenario, text: echoText(file.sha256) };
      if (scenario.failNth !== null && hasFailureDirective(scenario)) {
        const key = scenario.key ?? '';
        const seen = (requestsByKey.get(key) ?? 0) + 1;
        requestsByKey.set(key, seen);
        if (seen !== scenario.failNth) scenario = withoutFailures(scenario);
      } else if (scenario.failTimes !== null && hasFailureDirective(scenario)) {
        const key = scenario.key ?? '';
        const failuresSoFar = failuresByKey.get(key) ?? 0;
        if (failuresSoFar >= scenario.failTimes) scenario = withoutFailures(scenario);
        else failuresByKey.set(key, failuresSoFar + 1);
      }
      record.scenario = scenario;
      record.outcome = 'responding';

      if (!(await wait(scenario.firstDelayMs, res))) return;

      if (scenario.status !== null) {
        record.outcome = `status-${scenario.status}`;
        sendJson(
          res,
          scenario.status,
          simulatedStatusError(scenario.status),
          scenario.status === 429 ? { 'Retry-After': '1' } : {},
        );
        return;
      }

      res.socket?.setNoDelay(true);
      if (record.fields.stream === 'true') await streamTranscript(scenario, file.bytes);
      else await sendWholeTranscript(scenario, file.bytes);
    }

    async function streamTranscript(scenario: FakeScenario, fileBytes: number): Promise<void> {
      res.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache',
        Connection: 'keep-alive',
      });
      const deltas = splitIntoDeltas(scenario.text);
      const deltaLimit = scenario.stall ? 1 : scenario.cut || scenario.errorEvent ? 2 : deltas.length;
      for (const [index, delta] of deltas.slice(0, deltaLimit).entries()) {
        if (index > 0 && !(await wait(scenario.delayMs, res))) return;
        res.write(sseEvent({ type: 'transcript.text.delta', delta }));
        record.eventSentAt.push(performance.timeOrigin + performance.now());
      }
      if (scenario.stall) {
        record.outcome = 'stall';
        return;
      }
      if (!(await wait(scenario.delayMs, res))) return;
      if (scenario.cut) {
        record.outcome = 'cut';
        res.socket?.destroy();
        return;
      }
      if (scenario.errorEvent) {
        record.outcome = 'error-event';
        const errorBody = openAiError('boom', 'server_error', 'server_error');
        res.end(`event: error\ndata: ${JSON.stringify(errorBody)}\n\n`);
        return;
      }
      res.write(
        sseEvent({
          type: 'transcript.text.done',
          text: scenario.text,
          usage: tokenUsage(fileBytes, deltas.length),
        }),
      );
      if (scenario.doneMarker) res.write(sseEvent('[DONE]'));
      record.outcome = 'ok';
      res.end();
    }

    async function sendWholeTranscript(scenario: FakeScenario, fileBytes: number): Promise<void> {
      const asText = record.fields.response_format === 'text';
      const body = asText
        ? scenario.text
        : JSON.stringify({
            text: scenario.text,
            usage: tokenUsage(fileBytes, splitIntoDeltas(scenario.text).length),
          });
      const bodyBytes = Buffer.from(body);
      res.writeHead(200, {
        'Content-Type': asText ? 'text/plain; charset=utf-8' : 'application/json',
        'Content-Length': bodyBytes.length,
      });
      if (scenario.stall) {
        record.outcome = 'stall';
        return;
      }
      if (scenario.cut) {
        record.outcome = 'cut';
        res.write(bodyBytes.subarray(0, Math.floor(bodyBytes.length / 2)));
        if (await wait(scenario.delayMs, res)) res.socket?.destroy();
        return;
      }
      record.outcome = 'ok';
      res.end(bodyBytes);
    }
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake-upstream.invalid');
    if (url.pathname.startsWith('/__fake/')) {
      handleControl(req, res, url);
      return;
    }
    if (url.pathname === TRANSCRIPTION_PATH && req.method === 'POST') {
      handleTranscription(req, res);
      return;
    }
    req.resume();
    sendJson(
      res,
      404,
      openAiError(`Invalid URL (${req.method ?? ''} ${url.pathname})`, 'invalid_request_error', null),
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    close: async () => {
      for (const timer of pendingTimers) clearTimeout(timer);
      pendingTimers.clear();
      const closed = new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
      // Stalled streams never end on their own.
      server.closeAllConnections();
      await closed;
    },
  };
}
