import { describe, expect, it } from 'vitest';
import { ByteSource } from './byte-source';

async function* pieces(...sizes: number[]) {
  let value = 0;
  for (const size of sizes) {
    yield Uint8Array.from({ length: size }, () => value++ % 256);
  }
}

async function* failing() {
  yield new Uint8Array(10);
  throw new Error('socket closed');
}

const bytesOf = async (stream: ReadableStream<Uint8Array>) => new Uint8Array(await new Response(stream).arrayBuffer());

describe('ByteSource', () => {
  it('splits a body into runs of at most the limit, across and within pieces', async () => {
    const source = new ByteSource(pieces(5, 12, 3, 30));
    const runs: number[][] = [];
    while (await source.hasMore()) runs.push([...(await bytesOf(source.take(16)))]);
    expect(runs.map((run) => run.length)).toEqual([16, 16, 16, 2]);
    expect(runs.flat()).toEqual(Array.from({ length: 50 }, (_, index) => index));
  });

  it('peeks without taking, also past piece boundaries', async () => {
    const source = new ByteSource(pieces(3, 3, 3));
    expect([...(await source.peek(5))]).toEqual([0, 1, 2, 3, 4]);
    expect([...(await source.peek(20))]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect([...(await bytesOf(source.take(100)))]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(await source.hasMore()).toBe(false);
  });

  it('errors the run when the body fails', async () => {
    const source = new ByteSource(failing());
    await expect(bytesOf(source.take(100))).rejects.toThrow('socket closed');
  });
});
