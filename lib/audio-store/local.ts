import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeWebReadableStream } from 'node:stream/web';
import type { AudioStore, ByteRange } from './types';

const safeKey = /^[A-Za-z0-9_-]{8,128}$/;

/** Audio files in a local directory, written to a temporary name and renamed when complete. */
export function createLocalAudioStore(directory: string): AudioStore {
  const fileFor = (key: string) => {
    if (!safeKey.test(key)) throw new Error('Invalid audio key');
    return path.join(directory, key);
  };

  async function size(key: string) {
    try {
      return (await stat(fileFor(key))).size;
    } catch {
      return undefined;
    }
  }

  return {
    async put(key, body) {
      await mkdir(directory, { recursive: true });
      const finalPath = fileFor(key);
      const partialPath = `${finalPath}.part`;
      let bytes = 0;
      try {
        // Node's pipeline, not pipeTo(Writable.toWeb(…)): that adapter counts its queue in chunks
        // (16,384 of them), so a slow disk would let a whole upload pile up in memory.
        await pipeline(
          Readable.fromWeb(body as NodeWebReadableStream<Uint8Array>),
          async function* count(chunks: AsyncIterable<Uint8Array>) {
            for await (const chunk of chunks) {
              bytes += chunk.byteLength;
              yield chunk;
            }
          },
          createWriteStream(partialPath, { mode: 0o600 }),
        );
        await rename(partialPath, finalPath);
      } catch (error) {
        await rm(partialPath, { force: true });
        throw error;
      }
      return { bytes };
    },

    async get(key, range?: ByteRange) {
      const total = await size(key);
      if (total === undefined) return undefined;
      const stream = createReadStream(fileFor(key), range ? { start: range.start, end: range.end } : {});
      return { body: Readable.toWeb(stream) as ReadableStream<Uint8Array>, size: total };
    },

    size,

    async delete(key) {
      await rm(fileFor(key), { force: true });
      await rm(`${fileFor(key)}.part`, { force: true });
    },
  };
}
