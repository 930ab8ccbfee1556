import { createReadStream, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { isInSilence, speechLikeMp3, speechLikeWav } from '@/e2e/support/long-audio';
import { FRAME_BYTES, FRAME_SECONDS, splitAudio, type PlannedPart } from './split';

const work = await mkdtemp(path.join(tmpdir(), 'split-test-'));
afterAll(() => rm(work, { recursive: true, force: true }));

const streamOf = (file: string) => Readable.toWeb(createReadStream(file, { highWaterMark: 64 * 1024 })) as ReadableStream<Uint8Array>;

async function collect(splitter: ReturnType<typeof splitAudio>) {
  const parts: PlannedPart[] = [];
  for await (const part of splitter.parts) parts.push(part);
  return parts;
}

describe('splitAudio', { timeout: 120_000 }, () => {
  const seconds = 200;
  const wav = speechLikeWav(seconds);

  it('cuts WAV into MP3 parts of at most the maximum duration, in silences, covering the whole audio', async () => {
    const splitter = splitAudio({ input: streamOf(wav), container: 'wav', partMaxSeconds: 60, workFile: path.join(work, 'a'), signal: new AbortController().signal });
    const parts = await collect(splitter);
    const duration = await splitter.duration;
    expect(duration).toBeCloseTo(seconds, 0);
    expect(splitter.count()).toBe(parts.length);
    expect(parts.length).toBeGreaterThanOrEqual(4);
    let expectedStart = 0;
    for (const [index, part] of parts.entries()) {
      expect(part.index).toBe(index);
      expect(part.startSeconds).toBeCloseTo(expectedStart, 6);
      expect(part.durationSeconds).toBeLessThanOrEqual(60);
      expect(part.endByte - part.startByte).toBe(Math.round(part.durationSeconds / FRAME_SECONDS) * FRAME_BYTES);
      const bytes = await splitter.read(part);
      // Every part begins with an MPEG-2 Layer III frame header.
      expect([bytes[0], (bytes[1] ?? 0) & 0xfe]).toEqual([0xff, 0xf2]);
      expectedStart += part.durationSeconds;
      if (index < parts.length - 1) expect(isInSilence(expectedStart), `cut at ${expectedStart}`).toBe(true);
    }
    expect(expectedStart).toBeCloseTo(duration, 6);
    await splitter.dispose();
  });

  it('plans the first part while the input is still arriving', async () => {
    const size = statSync(wav).size;
    let sent = 0;
    const reader = streamOf(wav).getReader();
    let sentWhenFirstPart = -1;
    const input = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) return controller.close();
        sent += value.byteLength;
        controller.enqueue(value);
      },
    });
    const splitter = splitAudio({ input, container: 'wav', partMaxSeconds: 30, workFile: path.join(work, 'b'), signal: new AbortController().signal });
    for await (const part of splitter.parts) if (part.index === 0) sentWhenFirstPart = sent;
    expect(sentWhenFirstPart).toBeGreaterThan(0);
    expect(sentWhenFirstPart).toBeLessThan(size / 2);
    await splitter.dispose();
  });

  it('resumes after the finished parts, with the same cuts', async () => {
    const first = splitAudio({ input: streamOf(wav), container: 'wav', partMaxSeconds: 60, workFile: path.join(work, 'c'), signal: new AbortController().signal });
    const all = await collect(first);
    await first.dispose();
    const from = all[1];
    if (!from) throw new Error('expected at least two parts');
    const resumed = splitAudio({ input: streamOf(wav), container: 'wav', partMaxSeconds: 60, workFile: path.join(work, 'd'), signal: new AbortController().signal, fromSeconds: from.startSeconds, firstIndex: 1 });
    const rest = await collect(resumed);
    expect(rest.map(({ index, startSeconds }) => ({ index, startSeconds }))).toEqual(all.slice(1).map(({ index, startSeconds }) => ({ index, startSeconds })));
    await resumed.dispose();
  });

  it('reads MP3 (any bitrate, with its ID3 tag) the same way', async () => {
    const splitter = splitAudio({ input: streamOf(speechLikeMp3(200)), container: 'mp3', partMaxSeconds: 60, workFile: path.join(work, 'f'), signal: new AbortController().signal });
    const parts = await collect(splitter);
    expect(await splitter.duration).toBeCloseTo(seconds, 0);
    expect(parts.length).toBeGreaterThanOrEqual(4);
    for (const part of parts.slice(1)) expect(isInSilence(part.startSeconds), `cut at ${part.startSeconds}`).toBe(true);
    await splitter.dispose();
  });

  it('fails on input that does not decode', async () => {
    const splitter = splitAudio({ input: new Blob([new Uint8Array(4096).fill(7)]).stream(), container: 'mp3', partMaxSeconds: 60, workFile: path.join(work, 'e'), signal: new AbortController().signal });
    await expect(collect(splitter)).rejects.toThrow(/could not decode/);
    await splitter.dispose();
  });
});
