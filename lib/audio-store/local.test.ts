import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLocalAudioStore } from './local';

const directories: string[] = [];
afterEach(() => directories.splice(0).forEach((directory) => rmSync(directory, { recursive: true, force: true })));

describe('local audio store', () => {
  it('leaves not even a partial file when the stream fails', async () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'verbatim-audio-'));
    directories.push(directory);
    const store = createLocalAudioStore(directory);
    let sent = 0;
    const failing = new ReadableStream<Uint8Array>({
      pull: (controller) => (sent++ === 20 ? controller.error(new Error('connection lost')) : controller.enqueue(new Uint8Array(64 * 1024))),
    });
    await expect(store.put('key-0002', failing)).rejects.toThrow('connection lost');
    expect(readdirSync(directory)).toEqual([]);
  });
});
