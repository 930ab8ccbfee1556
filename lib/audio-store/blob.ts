import { Readable } from 'node:stream';
import { BlobNotFoundError, copy, del, head } from '@vercel/blob';
import { z } from 'zod';
import type { AudioStore, ByteRange, DirectUploads } from './types';
import { isUploadPathname } from './uploads';

export type BlobStoreConfig = {
  /** BLOB_READ_WRITE_TOKEN: `vercel_blob_rw_<storeId>_<secret>`. */
  token: string;
  /**
   * The Blob API (VERCEL_BLOB_API_URL). The SDK reads that variable itself for head, copy and
   * delete; this store's own put must use the same one.
   */
  apiUrl: string;
  /** Where private blobs are read: Vercel's store host, or an emulator's (BLOB_READ_BASE_URL). */
  readBaseUrl: string;
};

const safeKey = /^[A-Za-z0-9_-]{8,128}$/;
/** The API version the SDK (2.8) speaks; put is sent in the same dialect. */
const API_VERSION = '12';

const putResultSchema = z.object({ pathname: z.string() });
const errorBodySchema = z.object({ error: z.object({ code: z.string().max(64) }) });

/** The store id is the fourth part of a read-write token; reads go to that store's private host. */
export function defaultReadBaseUrl(token: string) {
  const storeId = token.split('_')[3];
  if (!storeId) throw new Error('BLOB_READ_WRITE_TOKEN is not a Vercel Blob read-write token (vercel_blob_rw_<store>_<secret>).');
  return `https://${storeId}.private.blob.vercel-storage.com`;
}

async function failure(operation: string, response: Response) {
  const body = errorBodySchema.safeParse(await response.json().catch(() => undefined));
  // The code only: the message may echo a pathname, which holds a user id.
  return new Error(`Vercel Blob ${operation} failed: ${response.status}${body.success ? ` ${body.data.error.code}` : ''}`);
}

/**
 * Audio in a private Vercel Blob store, under `audio/<key>`, plus the browsers' direct uploads.
 * put streams the body in one request; reads are ranged GETs with the store token.
 */
export function createBlobAudioStore({ token, apiUrl, readBaseUrl }: BlobStoreConfig): AudioStore & { uploads: DirectUploads } {
  const pathnameOf = (key: string) => {
    if (!safeKey.test(key)) throw new Error('Invalid audio key');
    return `audio/${key}`;
  };
  const uploadPathname = (pathname: string) => {
    if (!isUploadPathname(pathname)) throw new Error('Invalid upload pathname');
    return pathname;
  };
  const options = { token };

  async function sizeAt(pathname: string) {
    try {
      return (await head(pathname, options)).size;
    } catch (error) {
      if (error instanceof BlobNotFoundError) return undefined;
      throw error;
    }
  }

  async function readAt(pathname: string, range?: ByteRange) {
    const response = await fetch(`${readBaseUrl}/${pathname}`, {
      headers: { Authorization: `Bearer ${token}`, ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) },
      cache: 'no-store',
    });
    if (response.status === 404) {
      await response.body?.cancel();
      return undefined;
    }
    if (response.status !== (range ? 206 : 200) || !response.body) {
      await response.body?.cancel();
      throw new Error(`Vercel Blob read failed: ${response.status}`);
    }
    const size = Number(range ? response.headers.get('content-range')?.split('/')[1] : response.headers.get('content-length'));
    if (!Number.isSafeInteger(size)) {
      await response.body.cancel();
      throw new Error('Vercel Blob read failed: no size');
    }
    return { body: response.body as ReadableStream<Uint8Array>, size };
  }

  const deleteAt = (pathname: string) => del(pathname, options);

  return {
    async put(key, body) {
      let bytes = 0;
      const counted = (body instanceof Readable ? (Readable.toWeb(body) as ReadableStream<Uint8Array>) : body).pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            bytes += chunk.byteLength;
            controller.enqueue(chunk);
          },
        }),
      );
      // Not the SDK's put: its fetch keeps a tee'd copy of a stream body for a possible redirect,
      // which holds the whole upload in memory (measured in the contract tests). With redirects
      // refused and no window, fetch sends the stream as it is read.
      const sent = fetch(`${apiUrl}/?${new URLSearchParams({ pathname: pathnameOf(key) })}`, {
        method: 'PUT',
        headers: {
          Authorization: `Bearer ${token}`,
          'x-api-version': API_VERSION,
          'x-vercel-blob-access': 'private',
          'x-content-type': 'application/octet-stream',
          'x-add-random-suffix': '0',
          'x-allow-overwrite': '1',
        },
        body: counted,
        duplex: 'half',
        redirect: 'error',
        window: null,
      } as RequestInit);
      const response = await sent.catch(async (error: unknown) => {
        // Unread (e.g. the store is unreachable): tell the producer, which would otherwise wait.
        if (!counted.locked) await counted.cancel(error);
        throw error;
      });
      if (!response.ok) throw await failure('put', response);
      putResultSchema.parse(await response.json());
      return { bytes };
    },

    get: async (key, range) => readAt(pathnameOf(key), range),
    size: async (key) => sizeAt(pathnameOf(key)),
    delete: async (key) => deleteAt(pathnameOf(key)),

    uploads: {
      size: async (pathname) => sizeAt(uploadPathname(pathname)),
      read: async (pathname, range) => (await readAt(uploadPathname(pathname), range))?.body,
      async adopt(pathname, key) {
        await copy(uploadPathname(pathname), pathnameOf(key), { ...options, access: 'private', addRandomSuffix: false, allowOverwrite: true });
        await deleteAt(pathname);
      },
      delete: async (pathname) => deleteAt(uploadPathname(pathname)),
    },
  };
}
