import 'server-only';

import { readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { log } from '@/lib/log';

// Long audio's scratch files (the encoded parts; a whole MP4 before ffmpeg reads it) live in
// the machine's temporary folder: the only writable place in a Vercel function, and not in
// DATA_DIR, which several instances may share. A job removes its own when it ends; a crash
// leaves them, and the sweep below removes those.

/** Files untouched this long belong to no running job: a job writes its own as audio arrives, and waits for a still-growing upload far less. */
const STALE_AFTER_MS = 6 * 60 * 60 * 1000;

const workDir = () => path.join(tmpdir(), 'verbatim-work');

/** Where the transcript's scratch files go (split.ts adds their extensions). */
export const workFileFor = (transcriptId: string) => path.join(workDir(), transcriptId);

/** Deletes scratch files that no job has touched for hours; how many. */
export async function sweepStaleWorkFiles(now = Date.now()) {
  const names = await readdir(workDir()).catch(() => []);
  let removed = 0;
  for (const name of names) {
    const file = path.join(workDir(), name);
    const stats = await stat(file).catch(() => undefined);
    if (!stats || now - stats.mtimeMs < STALE_AFTER_MS) continue;
    await rm(file, { force: true, recursive: true });
    removed += 1;
  }
  if (removed > 0) log.info('long_audio.work_files_swept', { removed });
  return removed;
}
