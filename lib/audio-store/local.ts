import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { AudioStore, ByteRange } from './types';

const safeKey = /^[A-Za-z0-9_-]{8,128}$/;
const WRITE_BUFFER_BYTES = 64 * 1024;

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
      // The next chunk may wait here while one is on its way to disk; beyond that the upload waits
      // for the disk, so memory per upload stays bounded. (Not pipeTo(Writable.toWeb(…)): that
      // adapter counts its queue in chunks, 16,384 of them, and would hold a whole upload.)
      const file = createWriteStream(partialPath, { mode: 0o600, highWaterMark: WRITE_BUFFER_BYTES });
      const written = finished(file);
      written.catch(() => undefined);
      let bytes = 0;
      try {
        for await (const chunk of body) {
          bytes += chunk.byteLength;
          if (!file.write(chunk)) await Promise.race([once(file, 'drain'), written]);
        }
        file.end();
        await written;
        await rename(partialPath, finalPath);
      } catch (error) {
        file.destroy();
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
