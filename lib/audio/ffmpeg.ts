import 'server-only';

import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { getConfig } from '@/lib/env';
import { log } from '@/lib/log';
import { MAX_AUDIO_BYTES } from './format';

// Long audio is split by ffmpeg (lib/audio/split.ts). A server has it installed (the quick start
// and CI install Debian's), or it comes with the npm package @ffmpeg-installer/linux-x64, an
// optional dependency whose static binary works where nothing can be installed (Vercel's Linux
// x64 functions). Without any, long audio is off and the app says so: files up to the upstream's
// 25 MB.

/**
 * The static binary inside the optional package, as installed beside the app. Written as one
 * path.join from process.cwd() so that Next's file tracing copies it into every function whose
 * code imports this module (listed in the route.js.nft.json files under .next/server/app).
 */
const BUNDLED_FFMPEG = path.join(process.cwd(), 'node_modules', '@ffmpeg-installer', 'linux-x64', 'ffmpeg');

const isExecutable = (file: string) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

function onPath(command: string) {
  for (const folder of (process.env.PATH ?? '').split(path.delimiter)) {
    if (folder && isExecutable(path.join(folder, command))) return path.join(folder, command);
  }
  return undefined;
}

let found: { binary: string | undefined } | undefined;

/** The ffmpeg this server runs: FFMPEG_PATH, else the one on PATH, else the bundled one; undefined when there is none. */
export function ffmpegBinary() {
  found ??= { binary: findFfmpeg() };
  return found.binary;
}

function findFfmpeg() {
  const configured = getConfig().longAudio.ffmpegPath;
  if (configured === 'off') return undefined;
  if (configured) {
    if (isExecutable(configured)) return configured;
    log.warn('long_audio.ffmpeg_missing', { path: configured });
    return undefined;
  }
  return onPath('ffmpeg') ?? (isExecutable(BUNDLED_FFMPEG) ? BUNDLED_FFMPEG : undefined);
}

/** Whether files past the upstream's 25 MB can be split into parts here. */
export const longAudioAvailable = () => ffmpegBinary() !== undefined;

/** The largest upload this server takes: MAX_UPLOAD_MB where long audio can be split, else the upstream's 25 MB. */
export const maxUploadBytes = () => (longAudioAvailable() ? getConfig().maxUploadBytes : MAX_AUDIO_BYTES);
