import 'server-only';

import { Readable } from 'node:stream';
import busboy from 'busboy';
import { z } from 'zod';
import { maxUploadBytes } from '@/lib/audio/ffmpeg';
import { MAX_AUDIO_BYTES, SNIFF_BYTES, sniffAudioFormat, type AudioFormat } from '@/lib/audio/format';
import { AppError } from '@/lib/errors';
import { isAllowedField, transcriptionOptionsSchema, type TranscriptionOptions } from './options';

/** Room for the multipart envelope and the text fields around a file of the maximum size. */
const ENVELOPE_ALLOWANCE_BYTES = 64 * 1024;

export type IncomingUpload = {
  /** The client's file name: display only, never a path or an upstream name. */
  fileName: string;
  format: AudioFormat;
  /** Options from the fields that came before the file. */
  options: TranscriptionOptions;
  /**
   * The file's bytes as they arrive (busboy's own stream, read at the reader's pace); errors with
   * 413 past the size limit. Destroying it stops the upload.
   */
  audio: Readable;
  /** Once the whole request is read: the options from every field, including those after the file. */
  complete: Promise<{ options: TranscriptionOptions; lateFields: ReadonlySet<string> }>;
  /** Larger than the upstream takes in one request (by Content-Length): transcribed in parts. */
  long: boolean;
};

const badRequest = (message: string) => new AppError('bad_request:transcription', message);
const tooLarge = (limit: number) =>
  new AppError(
    'payload_too_large:transcription',
    limit === MAX_AUDIO_BYTES
      ? `The file is larger than ${MAX_AUDIO_BYTES / 1_000_000} MB, the most the transcription service accepts.`
      : `The file is larger than ${limit / 1_000_000} MB, the most this server accepts.`,
  );

/** The audio's duration in seconds as the client states it (optional), so that a file past the daily allowance is refused before it uploads. */
export const DECLARED_DURATION_HEADER = 'x-audio-duration-seconds';
const declaredDurationSchema = z.coerce.number().positive().max(7 * 24 * 3600).optional();

export function declaredAudioSeconds(headers: Headers): number | undefined {
  const parsed = declaredDurationSchema.safeParse(headers.get(DECLARED_DURATION_HEADER) ?? undefined);
  if (!parsed.success) throw badRequest(`The ${DECLARED_DURATION_HEADER} header must be the audio's duration in seconds.`);
  return parsed.data;
}

/**
 * Fields a caller reads beside the options (the OpenAI API's `model`), and its check of them:
 * run on the fields before the file (`final` false: some may still come) and on all of them once
 * the body is read. A refusal before the file is answered before any audio moves; one after it
 * fails the transcription, which then leaves nothing behind.
 */
export type FieldCheck = { names: readonly string[]; check: (fields: ReadonlyMap<string, string>, final: boolean) => void };

function parseOptions(fields: Map<string, string>, fieldCheck: FieldCheck | undefined, final: boolean): TranscriptionOptions {
  fieldCheck?.check(fields, final);
  const parsed = transcriptionOptionsSchema.safeParse(Object.fromEntries(fields));
  if (!parsed.success) throw badRequest(parsed.error.issues[0]?.message ?? 'Invalid fields.');
  return parsed.data;
}

/** `longAudio`: whether a file past the upstream's limit may come, to be split into parts (the `/v1` API keeps OpenAI's 25 MB). */
export type UploadLimits = { longAudio?: boolean };

/** What the headers alone can refuse: a wrong content type, a declared size over the limit. */
export function checkUploadHeaders(request: Request, { longAudio = true }: UploadLimits = {}) {
  const contentType = request.headers.get('content-type') ?? '';
  if (!contentType.toLowerCase().startsWith('multipart/form-data')) {
    throw new AppError('unsupported_media_type:transcription', 'Send the audio as multipart/form-data with a "file" field.');
  }
  const declaredLength = Number(request.headers.get('content-length') ?? Number.NaN);
  const limit = longAudio ? maxUploadBytes() : MAX_AUDIO_BYTES;
  if (declaredLength > limit + ENVELOPE_ALLOWANCE_BYTES) throw tooLarge(limit);
  // Without a Content-Length the upload streams to the upstream whole, within its limit.
  const long = declaredLength > MAX_AUDIO_BYTES + ENVELOPE_ALLOWANCE_BYTES;
  return { contentType, long, fileLimit: long ? limit : MAX_AUDIO_BYTES };
}

/**
 * Reads a multipart upload as a stream: resolves as soon as the file part has begun and its
 * first bytes prove an accepted audio container. Nothing is buffered beyond those bytes; the
 * caller's pace of reading `audio` is the pace at which the client's socket is read.
 */
export async function receiveUpload(request: Request, { fieldCheck, longAudio }: { fieldCheck?: FieldCheck } & UploadLimits = {}): Promise<IncomingUpload> {
  const { contentType, long, fileLimit } = checkUploadHeaders(request, { longAudio });
  if (!request.body) throw badRequest('The request has no body.');

  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { 'content-type': contentType },
      // Browsers send file names as raw UTF-8.
      defParamCharset: 'utf8',
      limits: { files: 1, fields: 20, parts: 24, fieldSize: 16 * 1024, fieldNameSize: 100, headerPairs: 20, fileSize: fileLimit },
    });
  } catch {
    throw badRequest('The multipart request is malformed (missing boundary).');
  }

  const leadingFields = new Map<string, string>();
  const lateFields = new Map<string, string>();
  let fileSeen = false;
  let failure: AppError | undefined;
  let fileStream: Readable | undefined;
  let rejectStarted: (error: AppError) => void = () => undefined;
  let rejectComplete: (error: AppError) => void = () => undefined;
  const body = Readable.fromWeb(request.body as import('node:stream/web').ReadableStream<Uint8Array>);
  // After a refusal the rest of the body is drained unparsed, so that the client reads our answer.
  const fail = (error: AppError) => {
    failure ??= error;
    fileStream?.destroy(failure);
    body.unpipe(parser);
    body.resume();
    rejectStarted(failure);
    rejectComplete(failure);
  };

  const started = new Promise<{ fileName: string; stream: Readable }>((resolve, reject) => {
    rejectStarted = reject;
    parser.on('field', (name, value, info) => {
      if (!isAllowedField(name) && !fieldCheck?.names.includes(name)) return;
      if (info.valueTruncated) return fail(badRequest(`The ${name} field is too long.`));
      (fileSeen ? lateFields : leadingFields).set(name, value);
    });
    parser.on('file', (name, stream, info) => {
      if (name !== 'file' || fileSeen) {
        stream.resume();
        return fail(badRequest(fileSeen ? 'Send exactly one file.' : `Unexpected file field "${name}"; use "file".`));
      }
      fileSeen = true;
      fileStream = stream;
      // Failures reach the reader through `failure`; this keeps a destroyed, unread stream quiet.
      stream.on('error', () => undefined);
      stream.on('limit', () => fail(tooLarge(fileLimit)));
      resolve({ fileName: info.filename ?? 'audio', stream });
    });
    parser.on('filesLimit', () => fail(badRequest('Send exactly one file.')));
    parser.on('fieldsLimit', () => fail(badRequest('Too many fields.')));
    parser.on('partsLimit', () => fail(badRequest('Too many parts.')));
    parser.on('error', () => fail(badRequest('The multipart request is malformed.')));
    parser.on('close', () => reject(failure ?? badRequest('Add an audio file in the "file" field.')));
  });

  const complete = new Promise<{ options: TranscriptionOptions; lateFields: ReadonlySet<string> }>((resolve, reject) => {
    rejectComplete = reject;
    parser.on('close', () => {
      if (failure) return reject(failure);
      try {
        resolve({ options: parseOptions(new Map([...leadingFields, ...lateFields]), fieldCheck, true), lateFields: new Set(lateFields.keys()) });
      } catch (error) {
        reject(error);
      }
    });
  });
  complete.catch(() => undefined);

  body.on('error', () => fail(new AppError('cancelled:upload', 'The upload was interrupted before the audio was complete.')));
  body.pipe(parser);

  const refuse = (error: unknown): never => {
    fail(error instanceof AppError ? error : badRequest('The multipart request is malformed.'));
    throw error;
  };
  const { fileName, stream } = await started.catch(refuse);
  let options: TranscriptionOptions;
  try {
    options = parseOptions(leadingFields, fieldCheck, false);
  } catch (error) {
    return refuse(error);
  }
  const { head, audio } = await readHead(stream).catch(refuse);
  if (head.byteLength === 0) refuse(badRequest('The file is empty.'));
  const format = sniffAudioFormat(head);
  if (!format) {
    stream.destroy();
    return refuse(new AppError('unsupported_media_type:transcription', 'This file is not audio we can transcribe. Use MP3, MP4, M4A, WAV, WebM or Ogg.'));
  }
  // A reader that stops early (a cancel, a failed job) stops the upload as a refusal would.
  audio.once('close', () => {
    if (!audio.readableEnded) fail(audio.errored instanceof AppError ? audio.errored : new AppError('cancelled:upload', 'The upload was stopped.'));
  });
  return { fileName, format, options, audio, complete, long };
}

/**
 * The file's first bytes, for sniffing, and the file as a stream from its first byte: the head is
 * put back at the front of busboy's stream (at once, before that stream can end), or, for a file
 * shorter than the head, is the whole file.
 */
function readHead(stream: Readable): Promise<{ head: Uint8Array; audio: Readable }> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let length = 0;
    const stop = () => {
      stream.pause();
      stream.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      return Buffer.concat(parts);
    };
    const onData = (chunk: Buffer) => {
      parts.push(chunk);
      length += chunk.byteLength;
      if (length < SNIFF_BYTES) return;
      const head = stop();
      stream.unshift(head);
      resolve({ head, audio: stream });
    };
    const onEnd = () => {
      const head = stop();
      resolve({ head, audio: Readable.from([head], { objectMode: false }) });
    };
    const onError = (error: unknown) => {
      stop();
      reject(error);
    };
    const onClose = () => onError(new AppError('cancelled:upload', 'The upload was interrupted before the audio was complete.'));
    stream.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}
