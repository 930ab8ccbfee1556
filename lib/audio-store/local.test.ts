import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLocalAudioStore } from './local';

const directories: string[] = [];
const storeInTemp = () => {
  const directory = mkdtempSync(path.join(tmpdir(), 'verbatim-audio-'));
  directories.push(directory);
  return { directory, store: createLocalAudioStore(directory) };
};
afterEach(() => directories.splice(0).forEach((directory) => rmSync(directory, { recursive: true, force: true })));

/** A stream of `count` chunks that waits for its reader, the way an upload does. */
function chunks(count: number, size: number, failAt?: number) {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      await new Promise((resolve) => setImmediate(resolve));
      if (sent === failAt) return controller.error(new Error('connection lost'));
      if (sent === count) return controller.close();
      controller.enqueue(new Uint8Array(size).fill(sent++ % 256));
    },
  });
}

async function bytesOf(stream: ReadableStream<Uint8Array>) {
  return Buffer.from(await new Response(stream).arrayBuffer());
}

describe('local audio store', () => {
  it('stores every byte, in order, and counts them', async () => {
    const { store } = storeInTemp();
    expect(await store.put('key-0001', chunks(40, 64 * 1024))).toEqual({ bytes: 40 * 64 * 1024 });
    const stored = await bytesOf((await store.get('key-0001'))!.body);
    expect(stored.length).toBe(40 * 64 * 1024);
    expect([stored[0], stored[64 * 1024], stored[39 * 64 * 1024]]).toEqual([0, 1, 39]);
  });

  it('keeps nothing, not even a partial file, when the stream fails', async () => {
    const { directory, store } = storeInTemp();
    await expect(store.put('key-0002', chunks(40, 64 * 1024, 20))).rejects.toThrow('connection lost');
    expect(readdirSync(directory)).toEqual([]);
    expect(await store.get('key-0002')).toBeUndefined();
  });

  it('reads a byte range', async () => {
    const { store } = storeInTemp();
    await store.put('key-0003', chunks(3, 10));
    const range = await store.get('key-0003', { start: 9, end: 10 });
    expect([...(await bytesOf(range!.body))]).toEqual([0, 1]);
  });
});
