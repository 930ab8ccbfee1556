import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type FakeBlob, startFakeBlob } from '@/e2e/support/fake-blob';
import { createBlobAudioStore } from './blob';
import { createLocalAudioStore } from './local';
import type { AudioStore } from './types';

v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

/**
 * A stream of `count` chunks that waits for its reader, the way an upload does. `held()` counts
 * the chunks sent so far that something still holds (after a full garbage collection).
 */
function chunks(count: number, size: number, { onPull, failAt }: { onPull?: (sentBytes: number) => void; failAt?: number } = {}) {
  let sent = 0;
  const sentChunks: WeakRef<Uint8Array>[] = [];
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      await new Promise((resolve) => setImmediate(resolve));
      onPull?.(sent * size);
      if (sent === failAt) return controller.error(new Error('connection lost'));
      if (sent === count) return controller.close();
      const chunk = new Uint8Array(size).fill(sent++ % 256);
      sentChunks.push(new WeakRef(chunk));
      controller.enqueue(chunk);
    },
  });
  const held = () => {
    collectGarbage();
    return sentChunks.filter((ref) => ref.deref() !== undefined).length;
  };
  return Object.assign(stream, { held });
}

async function bytesOf(stream: ReadableStream<Uint8Array>) {
  return Buffer.from(await new Response(stream).arrayBuffer());
}

let fake: FakeBlob;
const directories: string[] = [];
beforeAll(async () => {
  fake = await startFakeBlob();
  // The SDK's head, copy and delete read the API address from the environment.
  vi.stubEnv('VERCEL_BLOB_API_URL', fake.apiUrl);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await fake.close();
  directories.forEach((directory) => rmSync(directory, { recursive: true, force: true }));
});

const stores: [string, () => AudioStore][] = [
  [
    'local folder',
    () => {
      const directory = mkdtempSync(path.join(tmpdir(), 'verbatim-audio-'));
      directories.push(directory);
      return createLocalAudioStore(directory);
    },
  ],
  ['Vercel Blob (fake server)', () => createBlobAudioStore({ token: fake.token, apiUrl: fake.apiUrl, readBaseUrl: fake.readBaseUrl })],
];

describe.each(stores)('audio store contract: %s', (_name, createStore) => {
  it('stores every byte, in order, counts them and tells the size', async () => {
    const store = createStore();
    expect(await store.put('key-0001', chunks(40, 64 * 1024))).toEqual({ bytes: 40 * 64 * 1024 });
    expect(await store.size('key-0001')).toBe(40 * 64 * 1024);
    const stored = await store.get('key-0001');
    expect(stored?.size).toBe(40 * 64 * 1024);
    const bytes = await bytesOf(stored!.body);
    expect(bytes.length).toBe(40 * 64 * 1024);
    expect([bytes[0], bytes[64 * 1024], bytes[39 * 64 * 1024]]).toEqual([0, 1, 39]);
  });

  it('reads an inclusive byte range and still tells the whole size', async () => {
    const store = createStore();
    await store.put('key-0002', chunks(3, 10));
    const range = await store.get('key-0002', { start: 9, end: 10 });
    expect(range?.size).toBe(30);
    expect([...(await bytesOf(range!.body))]).toEqual([0, 1]);
  });

  it('knows nothing of a key that was never stored, or was deleted', async () => {
    const store = createStore();
    expect(await store.get('key-never-stored')).toBeUndefined();
    expect(await store.size('key-never-stored')).toBeUndefined();
    await store.put('key-0003', chunks(2, 10));
    await store.delete('key-0003');
    expect(await store.get('key-0003')).toBeUndefined();
    expect(await store.size('key-0003')).toBeUndefined();
    await expect(store.delete('key-0003')).resolves.toBeUndefined();
  });

  it('keeps nothing when the stream fails', async () => {
    const store = createStore();
    await expect(store.put('key-0005', chunks(40, 64 * 1024, { failAt: 20 }))).rejects.toThrow();
    expect(await store.get('key-0005')).toBeUndefined();
  });

  it('refuses keys that could name another place', async () => {
    const store = createStore();
    await expect(store.put('../etc/passwd', chunks(1, 1))).rejects.toThrow('Invalid audio key');
    await expect(store.put('a/../../b-key', chunks(1, 1))).rejects.toThrow('Invalid audio key');
  });

  it('streams a 20 MB body without holding it in memory', async () => {
    const store = createStore();
    const chunkBytes = 64 * 1024;
    let heldWhenMostWasSent: number | undefined;
    const body = chunks(320, chunkBytes, {
      onPull: (sent) => {
        if (sent === 256 * chunkBytes) heldWhenMostWasSent = body.held();
      },
    });
    expect(await store.put('key-0004', body)).toEqual({ bytes: 320 * chunkBytes });
    // Stream queues, a socket's buffers: a few chunks, never the 16 MB sent so far.
    expect(heldWhenMostWasSent).toBeLessThan(32);
    expect(await store.size('key-0004')).toBe(320 * chunkBytes);
  });
});
