import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
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
      const counted = body.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            bytes += chunk.byteLength;
            controller.enqueue(chunk);
          },
        }),
      );
      try {
        await counted.pipeTo(Writable.toWeb(createWriteStream(partialPath, { mode: 0o600 })));
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
