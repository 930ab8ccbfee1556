import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

const temp = await mkdtemp(path.join(tmpdir(), 'work-files-test-'));
afterAll(() => rm(temp, { recursive: true, force: true }));
vi.stubEnv('TMPDIR', temp);
const { sweepStaleWorkFiles, workFileFor } = await import('./work-files');

describe('work files', () => {
  it('live in the temporary folder, and the sweep removes only those untouched for hours', async () => {
    expect(workFileFor('abc')).toBe(path.join(temp, 'verbatim-work', 'abc'));
    expect(await sweepStaleWorkFiles()).toBe(0);
    await mkdir(path.dirname(workFileFor('x')), { recursive: true });
    const now = Date.now();
    const touched = async (name: string, hoursAgo: number) => {
      await writeFile(workFileFor(name), 'mp3');
      const at = new Date(now - hoursAgo * 3600_000);
      await utimes(workFileFor(name), at, at);
    };
    await touched('running.mp3', 0);
    await touched('waiting-for-upload.mp3', 1);
    await touched('crashed.mp3', 7);
    await touched('crashed.in', 30);
    expect(await sweepStaleWorkFiles(now)).toBe(2);
    expect((await readdir(path.dirname(workFileFor('x')))).sort()).toEqual(['running.mp3', 'waiting-for-upload.mp3']);
  });
});
