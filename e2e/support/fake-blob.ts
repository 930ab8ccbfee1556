import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * A stand-in for Vercel Blob, speaking the subset of its HTTP API that @vercel/blob 2.8 uses
 * against VERCEL_BLOB_API_URL (put, copy, head, delete; client tokens from handleUpload) plus
 * authenticated, ranged reads of private blobs, which the app makes against BLOB_READ_BASE_URL
 * (Vercel serves them at https://<store>.private.blob.vercel-storage.com/<pathname>).
 * Multipart uploads are refused: the SDK uses them only when asked (`multipart: true`), and
 * Verbatim never asks. Blobs live in a temporary folder, so that holding one costs no memory.
 */
export type FakeBlob = {
  /** For VERCEL_BLOB_API_URL. */
  apiUrl: string;
  /** For BLOB_READ_BASE_URL. */
  readBaseUrl: string;
  /** A read-write token for this store, for BLOB_READ_WRITE_TOKEN. */
  token: string;
  /** What was asked of the store, in order (no tokens, no bodies). */
  requests: { method: string; route: 'put' | 'copy' | 'head' | 'delete' | 'read' | 'options' | 'other'; pathname?: string; auth: 'read-write' | 'client' | 'none' }[];
  has: (pathname: string) => boolean;
  /** Stores a blob directly, as if it had been uploaded. */
  seed: (pathname: string, bytes: Uint8Array, contentType?: string) => Promise<void>;
  /** Called for each chunk a put receives; the upload waits while the returned promise is pending. */
  onPutChunk: ((receivedBytes: number) => void | Promise<void>) | undefined;
  close: () => Promise<void>;
};

type StoredBlob = { file: string; size: number; contentType: string; uploadedAt: Date; etag: string };
type ClientTokenPayload = { pathname?: string; allowedContentTypes?: string[]; maximumSizeInBytes?: number; validUntil?: number; allowOverwrite?: boolean };
type Auth = { kind: 'read-write' } | { kind: 'client'; payload: ClientTokenPayload } | { kind: 'none' };

class BlobApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const API_PREFIX = '/api/blob';
const READ_PREFIX = '/store/';

/** Listens on 127.0.0.1 and, when `localhost` is the host, on ::1 too (browsers try both). */
export async function startFakeBlob({ port = 0, host = '127.0.0.1', storeId = 'fakestore0001' }: { port?: number; host?: string; storeId?: string } = {}): Promise<FakeBlob> {
  const token = `vercel_blob_rw_${storeId}_${randomBytes(16).toString('hex')}`;
  const directory = mkdtempSync(path.join(tmpdir(), 'verbatim-fake-blob-'));
  const blobs = new Map<string, StoredBlob>();
  const requests: FakeBlob['requests'] = [];
  let origin = '';

  const fake: FakeBlob = {
    apiUrl: '',
    readBaseUrl: '',
    token,
    requests,
    has: (pathname) => blobs.has(pathname),
    seed: async (pathname, bytes, contentType = 'application/octet-stream') => {
      await store(pathname, contentType, async (file) => {
        await writeFile(file, bytes);
        return bytes.byteLength;
      });
    },
    onPutChunk: undefined,
    close: async () => {
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
      rmSync(directory, { recursive: true, force: true });
    },
  };

  const fileFor = (pathname: string) => path.join(directory, createHash('sha256').update(pathname).digest('hex'));

  async function store(pathname: string, contentType: string, write: (file: string) => Promise<number>) {
    const file = fileFor(pathname);
    const partial = `${file}.${randomBytes(4).toString('hex')}.part`;
    try {
      const size = await write(partial);
      await rename(partial, file);
      const blob = { file, size, contentType, uploadedAt: new Date(), etag: `"${randomBytes(8).toString('hex')}"` };
      blobs.set(pathname, blob);
      return blob;
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
  }

  function authOf(request: IncomingMessage): Auth {
    const bearer = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (!bearer) return { kind: 'none' };
    if (bearer === token) return { kind: 'read-write' };
    const [prefix1, prefix2, kind, tokenStoreId, encoded] = bearer.split('_');
    if (prefix1 !== 'vercel' || prefix2 !== 'blob' || kind !== 'client' || tokenStoreId !== storeId || !encoded) throw new BlobApiError(403, 'forbidden', 'Invalid token');
    const [signature = '', payloadBase64 = ''] = Buffer.from(encoded, 'base64').toString().split('.');
    const expected = createHmac('sha256', token).update(payloadBase64).digest('hex');
    if (signature.length !== expected.length || !timingSafeEqual(Buffer.from(signature), Buffer.from(expected))) {
      throw new BlobApiError(403, 'forbidden', 'Invalid token signature');
    }
    return { kind: 'client', payload: JSON.parse(Buffer.from(payloadBase64, 'base64').toString()) as ClientTokenPayload };
  }

  function describe(pathname: string, blob: StoredBlob) {
    const url = `${fake.readBaseUrl}/${pathname}`;
    return { url, downloadUrl: `${url}?download=1`, pathname, contentType: blob.contentType, contentDisposition: `attachment; filename="${path.posix.basename(pathname)}"`, etag: blob.etag };
  }

  const pathnameFrom = (value: string) => (/^https?:\/\//.test(value) ? decodeURIComponent(new URL(value).pathname.slice(1)) : value);

  async function put(request: IncomingMessage, auth: Auth, pathname: string) {
    if (request.headers['x-vercel-blob-access'] !== 'private') throw new BlobApiError(400, 'bad_request', 'This store is private: access must be "private".');
    const contentType = String(request.headers['x-content-type'] ?? 'application/octet-stream');
    let allowOverwrite = request.headers['x-allow-overwrite'] === '1';
    let maximum = Number.POSITIVE_INFINITY;
    if (auth.kind === 'client') {
      const { payload } = auth;
      if ((payload.validUntil ?? 0) < Date.now()) throw new BlobApiError(400, 'bad_request', 'Token expired');
      if (payload.pathname !== pathname) throw new BlobApiError(400, 'bad_request', 'The "pathname" does not match the token payload');
      const allowed = payload.allowedContentTypes;
      if (allowed && !allowed.some((type) => type === contentType || (type.endsWith('/*') && contentType.startsWith(type.slice(0, -1))))) {
        throw new BlobApiError(400, 'bad_request', `contentType "${contentType}" is not allowed`);
      }
      maximum = payload.maximumSizeInBytes ?? maximum;
      allowOverwrite = payload.allowOverwrite === true;
    }
    if (blobs.has(pathname) && !allowOverwrite) throw new BlobApiError(400, 'bad_request', 'This blob already exists, use `allowOverwrite: true` if you want to overwrite it.');

    const blob = await store(pathname, contentType, async (file) => {
      let received = 0;
      const counter = new Transform({
        async transform(chunk: Buffer, _encoding, callback) {
          received += chunk.byteLength;
          if (received > maximum) return callback(new BlobApiError(400, 'bad_request', `the file length cannot be greater than ${maximum} bytes`));
          try {
            await fake.onPutChunk?.(received);
            callback(null, chunk);
          } catch (error) {
            callback(error as Error);
          }
        },
      });
      await pipeline(request, counter, createWriteStream(file));
      return received;
    });
    return describe(pathname, blob);
  }

  async function copy(request: IncomingMessage, from: string, to: string) {
    const source = blobs.get(pathnameFrom(from));
    if (!source) throw new BlobApiError(404, 'not_found', 'The requested blob does not exist');
    if (blobs.has(to) && request.headers['x-allow-overwrite'] !== '1') throw new BlobApiError(400, 'bad_request', 'This blob already exists.');
    const contentType = String(request.headers['x-content-type'] ?? source.contentType);
    const blob = await store(to, contentType, async (file) => {
      await pipeline(createReadStream(source.file), createWriteStream(file));
      return source.size;
    });
    return describe(to, blob);
  }

  async function readBody(request: IncomingMessage) {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString();
  }

  function sendJson(response: ServerResponse, status: number, body: unknown) {
    response.writeHead(status, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify(body));
  }

  async function read(request: IncomingMessage, response: ServerResponse, pathname: string) {
    const blob = blobs.get(pathname);
    if (!blob) throw new BlobApiError(404, 'not_found', 'The requested blob does not exist');
    const headers = { 'Content-Type': blob.contentType, 'Accept-Ranges': 'bytes', ETag: blob.etag, 'Last-Modified': blob.uploadedAt.toUTCString() };
    const match = /^bytes=(\d*)-(\d*)$/.exec(request.headers.range ?? '');
    if (!match || (!match[1] && !match[2])) {
      response.writeHead(200, { ...headers, 'Content-Length': blob.size });
      return pipeline(createReadStream(blob.file), response);
    }
    const [, first = '', last = ''] = match;
    const start = first ? Number(first) : Math.max(0, blob.size - Number(last));
    const end = first && last ? Math.min(Number(last), blob.size - 1) : blob.size - 1;
    if (start >= blob.size || start > end) {
      response.writeHead(416, { ...headers, 'Content-Range': `bytes */${blob.size}` });
      return response.end();
    }
    response.writeHead(206, { ...headers, 'Content-Range': `bytes ${start}-${end}/${blob.size}`, 'Content-Length': end - start + 1 });
    return pipeline(createReadStream(blob.file, { start, end }), response);
  }

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? '/', origin);
    // Browsers upload from the app's origin with the SDK's headers: the real API allows that too.
    response.setHeader('Access-Control-Allow-Origin', '*');
    if (request.method === 'OPTIONS') {
      requests.push({ method: 'OPTIONS', route: 'options', auth: 'none' });
      response.writeHead(204, {
        'Access-Control-Allow-Methods': 'GET, PUT, POST, DELETE',
        'Access-Control-Allow-Headers': request.headers['access-control-request-headers'] ?? '*',
        'Access-Control-Max-Age': '600',
      });
      return response.end();
    }

    const auth = authOf(request);
    const record = (route: FakeBlob['requests'][number]['route'], pathname?: string) => requests.push({ method: request.method ?? '', route, pathname, auth: auth.kind });

    if (url.pathname.startsWith(READ_PREFIX)) {
      const pathname = decodeURIComponent(url.pathname.slice(READ_PREFIX.length));
      record('read', pathname);
      if (auth.kind !== 'read-write') throw new BlobApiError(403, 'forbidden', 'Private blobs need the store token.');
      return read(request, response, pathname);
    }
    if (url.pathname !== API_PREFIX && url.pathname !== `${API_PREFIX}/` && url.pathname !== `${API_PREFIX}/delete`) {
      record('other');
      throw new BlobApiError(404, 'not_found', 'Not a route of this fake');
    }
    if (auth.kind === 'none') throw new BlobApiError(403, 'forbidden', 'Missing token');
    const onlyReadWrite = () => {
      if (auth.kind !== 'read-write') throw new BlobApiError(400, 'client_token_not_allowed', 'This operation is not available with a client token.');
    };

    if (request.method === 'PUT') {
      const pathname = url.searchParams.get('pathname') ?? '';
      if (!pathname || pathname.includes('//')) throw new BlobApiError(400, 'bad_request', 'Invalid pathname');
      const from = url.searchParams.get('fromUrl');
      if (from) {
        record('copy', pathname);
        onlyReadWrite();
        return sendJson(response, 200, await copy(request, from, pathname));
      }
      record('put', pathname);
      return sendJson(response, 200, await put(request, auth, pathname));
    }
    if (request.method === 'GET') {
      const pathname = pathnameFrom(url.searchParams.get('url') ?? '');
      record('head', pathname);
      onlyReadWrite();
      const blob = blobs.get(pathname);
      if (!blob) throw new BlobApiError(404, 'not_found', 'The requested blob does not exist');
      return sendJson(response, 200, { ...describe(pathname, blob), size: blob.size, cacheControl: 'public, max-age=2592000', uploadedAt: blob.uploadedAt.toISOString() });
    }
    if (request.method === 'POST' && url.pathname.endsWith('/delete')) {
      record('delete');
      onlyReadWrite();
      const { urls } = JSON.parse(await readBody(request)) as { urls: string[] };
      for (const each of urls) {
        const pathname = pathnameFrom(each);
        requests.push({ method: 'POST', route: 'delete', pathname, auth: auth.kind });
        const blob = blobs.get(pathname);
        blobs.delete(pathname);
        if (blob) await rm(blob.file, { force: true });
      }
      return sendJson(response, 200, {});
    }
    record('other');
    throw new BlobApiError(400, 'bad_request', 'Not supported by this fake (multipart uploads, list, …)');
  }

  const onRequest = (request: IncomingMessage, response: ServerResponse) => {
    handle(request, response).catch((error: unknown) => {
      const apiError = error instanceof BlobApiError ? error : new BlobApiError(500, 'unknown_error', 'Fake Blob failure');
      if (response.headersSent) return response.destroy();
      // A refused upload is answered at once; the rest of its body is not read.
      response.setHeader('Connection', 'close');
      sendJson(response, apiError.status, { error: { code: apiError.code, message: apiError.message } });
    });
  };

  const servers: Server[] = [];
  const listen = (address: string, listenPort: number) =>
    new Promise<number>((resolve, reject) => {
      const server = createServer(onRequest);
      server.once('error', reject);
      server.listen(listenPort, address, () => {
        servers.push(server);
        resolve((server.address() as { port: number }).port);
      });
    });
  const boundPort = await listen('127.0.0.1', port);
  if (host === 'localhost') await listen('::1', boundPort).catch(() => undefined);
  origin = `http://${host}:${boundPort}`;
  fake.apiUrl = `${origin}${API_PREFIX}`;
  fake.readBaseUrl = `${origin}${READ_PREFIX.slice(0, -1)}`;
  return fake;
}

