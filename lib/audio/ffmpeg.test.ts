import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { speechLikeWav } from '@/e2e/support/long-audio';

const work = await mkdtemp(path.join(tmpdir(), 'ffmpeg-test-'));
afterAll(() => rm(work, { recursive: true, force: true }));
// Made with the system's ffmpeg, before any test hides it.
const wav = speechLikeWav(150);
afterEach(() => vi.unstubAllEnvs());

/** The modules as a fresh server would load them under `env` (the binary is looked up once per process). */
async function withEnv(env: Record<string, string | undefined>) {
  vi.resetModules();
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  return { ...(await import('./ffmpeg')), ...(await import('./split')) };
}

describe('ffmpegBinary', () => {
  it('is off with FFMPEG_PATH=off, and with a FFMPEG_PATH that is not there', async () => {
    expect((await withEnv({ FFMPEG_PATH: 'off' })).longAudioAvailable()).toBe(false);
    expect((await withEnv({ FFMPEG_PATH: path.join(work, 'missing-ffmpeg') })).ffmpegBinary()).toBeUndefined();
  });

  it('prefers the ffmpeg on PATH', async () => {
    expect((await withEnv({ FFMPEG_PATH: undefined, PATH: '/usr/bin' })).ffmpegBinary()).toBe('/usr/bin/ffmpeg');
  });

  it('falls back to the static binary of @ffmpeg-installer/linux-x64, which splits long audio as the system one does', { timeout: 120_000 }, async () => {
    const { ffmpegBinary, splitAudio } = await withEnv({ FFMPEG_PATH: undefined, PATH: path.join(work, 'empty') });
    expect(ffmpegBinary()).toBe(path.join(process.cwd(), 'node_modules', '@ffmpeg-installer', 'linux-x64', 'ffmpeg'));
    const input = Readable.toWeb(createReadStream(wav)) as ReadableStream<Uint8Array>;
    const splitter = splitAudio({ input, container: 'wav', partMaxSeconds: 60, workFile: path.join(work, 'bundled'), signal: new AbortController().signal });
    const parts = [];
    for await (const part of splitter.parts) parts.push(part);
    expect(await splitter.duration).toBeCloseTo(150, 0);
    expect(parts.length).toBeGreaterThanOrEqual(3);
    await splitter.dispose();
  });
});
