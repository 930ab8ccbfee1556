export type ByteRange = { start: number; end: number };

/** Where audio bytes live. Keys are server-generated; never a client's file name. */
export interface AudioStore {
  /** Stores the stream under key; resolves with the byte count once every byte is durable. */
  put(key: string, body: ReadableStream<Uint8Array>): Promise<{ bytes: number }>;
  /** The stored bytes (or an inclusive range of them), or undefined when nothing is stored under key. */
  get(key: string, range?: ByteRange): Promise<{ body: ReadableStream<Uint8Array>; size: number } | undefined>;
  size(key: string): Promise<number | undefined>;
  delete(key: string): Promise<void>;
}
