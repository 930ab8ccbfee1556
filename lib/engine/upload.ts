import 'server-only';

import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { SNIFF_BYTES } from '@/lib/audio/format';
import { OpenAIError } from '@/lib/http/openai-error';
import { engineErrors } from './errors';

/** The upstream's limit for a whole request; the engine applies it to the file. */
export const MAX_ENGINE_FILE_BYTES = 26_214_400;

export type SpooledFile = { path: string; bytes: number; head: Uint8Array };

export type EngineUpload = {
  fields: Record<string, string>;
  file: SpooledFile | undefined;
  /** Deletes the spooled file; safe to call more than once. */
  dispose: () => Promise<void>;
};

/**
 * Reads the multipart request as a stream and spools its `file` part to a private temporary
 * directory: containers such as MP4 keep their index at the end, so the decoder needs a file
 * it can seek, and the client's upload is not held up by the engine's queue. `requestId` must be
 * safe in a file name.
 */
export async function receiveEngineUpload(request: Request, requestId: string, signal: AbortSignal): Promise<EngineUpload> {
  const contentType = request.headers.get('content-type') ?? '';
  if (!/^multipart\/form-data/i.test(contentType) || !request.body) throw engineErrors.notMultipart();
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { 'content-type': contentType },
      limits: { files: 2, fields: 32, parts: 40, fieldSize: 16 * 1024, fieldNameSize: 100, headerPairs: 20, fileSize: MAX_ENGINE_FILE_BYTES },
    });
  } catch {
    throw engineErrors.malformed();
  }

  // Named after the request, so that an operator can tell whose files and processes these are.
  const directory = await mkdtemp(path.join(tmpdir(), `verbatim-engine-${requestId}-`));
  const dispose = () => rm(directory, { recursive: true, force: true });
  const stop = new AbortController();
  const onAbort = () => stop.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });

  const fields: Record<string, string> = {};
  let failure: OpenAIError | undefined;
  let spooled: Promise<SpooledFile> | undefined;
  parser.on('field', (name, value, info) => {
    if (info.valueTruncated) failure ??= engineErrors.invalidField(name, `The ${name} field is too long.`);
    else fields[name] = value;
  });
  parser.on('file', (name, stream) => {
    if (name !== 'file' || spooled) {
      stream.resume();
      return;
    }
    spooled = spool(stream, path.join(directory, 'audio'));
    // A file that cannot be written stops the parse instead of stalling it; a file over the limit
    // is not (the rest of the body is drained, so the client reads the 413).
    spooled.catch((error: unknown) => {
      if (!(error instanceof OpenAIError)) stop.abort(error);
    });
  });

  try {
    const body = Readable.fromWeb(request.body as import('node:stream/web').ReadableStream<Uint8Array>);
    await pipeline(body, parser, { signal: stop.signal }).catch((error: unknown) => {
      if (stop.signal.aborted) throw stop.signal.reason;
      throw error instanceof OpenAIError ? error : engineErrors.malformed();
    });
    const file = await spooled;
    if (failure) throw failure;
    return { fields, file, dispose };
  } catch (error) {
    await dispose();
    throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

async function spool(stream: Readable, filePath: string): Promise<SpooledFile> {
  let bytes = 0;
  let truncated = false;
  const head: Buffer[] = [];
  let headLength = 0;
  stream.on('limit', () => {
    truncated = true;
  });
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (headLength < SNIFF_BYTES) {
        head.push(chunk);
        headLength += chunk.length;
      }
      callback(null, chunk);
    },
  });
  await pipeline(stream, counter, createWriteStream(filePath, { mode: 0o600 }));
  if (truncated) throw engineErrors.tooLarge(MAX_ENGINE_FILE_BYTES);
  return { path: filePath, bytes, head: new Uint8Array(Buffer.concat(head).subarray(0, SNIFF_BYTES)) };
}
