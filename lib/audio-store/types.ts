import type { Readable } from 'node:stream';

export type ByteRange = { start: number; end: number };

/** Where audio bytes live. Keys are server-generated; never a client's file name. */
export interface AudioStore {
  /**
   * Stores the stream under key; resolves with the byte count once every byte is durable. A Node
   * stream is read as it is (uploads arrive as one), a web stream through an adapter.
   */
  put(key: string, body: Readable | ReadableStream<Uint8Array>): Promise<{ bytes: number }>;
  /** The stored bytes (or an inclusive range of them), or undefined when nothing is stored under key. */
  get(key: string, range?: ByteRange): Promise<{ body: ReadableStream<Uint8Array>; size: number } | undefined>;
  size(key: string): Promise<number | undefined>;
  delete(key: string): Promise<void>;
}

/**
 * Files that browsers upload straight into the store (Vercel Blob client uploads), addressed by
 * the pathname the upload token allowed, until one becomes a transcript's audio.
 */
export interface DirectUploads {
  /** Its size, or undefined when nothing was uploaded there. */
  size(pathname: string): Promise<number | undefined>;
  /** An inclusive byte range of it, or undefined when nothing was uploaded there. */
  read(pathname: string, range: ByteRange): Promise<ReadableStream<Uint8Array> | undefined>;
  /** Makes the upload the audio stored under key (the store copies it; no bytes pass here) and removes the upload. */
  adopt(pathname: string, key: string): Promise<void>;
  delete(pathname: string): Promise<void>;
}
