import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Generated long audio, made once per machine and kept between runs (.e2e-data is wiped by each run); ignored by git. */
const CACHE_DIR = fileURLToPath(new URL('../../.e2e-cache/long-audio', import.meta.url));

/**
 * Speech-like audio: a tone gliding between 140 and 220 Hz and pulsing at syllable rate (never quieter than
 * −20 dB within a burst) for BURST_SECONDS, then silence, every PERIOD_SECONDS.
 */
export const PERIOD_SECONDS = 6.3;
export const BURST_SECONDS = 5.1;
const EXPRESSION = `'0.5*sin(2*PI*180*t+133*sin(2*PI*0.3*t))*(0.6+0.4*sin(2*PI*4*t))*lt(mod(t,${PERIOD_SECONDS}),${BURST_SECONDS})'`;

/** Whether a time lies in one of the generated silences (with `slack` seconds of tolerance at their edges). */
export function isInSilence(seconds: number, slack = 0.15) {
  const phase = seconds % PERIOD_SECONDS;
  return phase >= BURST_SECONDS - slack || phase <= slack;
}

function cached(name: string, make: (file: string) => void) {
  mkdirSync(CACHE_DIR, { recursive: true });
  const file = path.join(CACHE_DIR, name);
  if (!existsSync(file)) {
    const partial = `${file}.part${path.extname(file)}`;
    make(partial);
    renameSync(partial, file);
  }
  return file;
}

const ffmpeg = (args: string[]) => execFileSync('ffmpeg', ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'inherit'] });

/** 16-bit mono PCM at 16 kHz (32,000 bytes a second): 40 minutes is 76.8 MB. */
export function speechLikeWav(seconds: number) {
  return cached(`speech-like-${seconds}s.wav`, (file) =>
    ffmpeg(['-f', 'lavfi', '-i', `aevalsrc=${EXPRESSION}:s=16000:d=${seconds}`, '-ac', '1', '-c:a', 'pcm_s16le', '-f', 'wav', file]),
  );
}

/** MP3 at 128 kbit/s (16,000 bytes a second; 16 kHz, cheap to make): 36.5 minutes is about 35 MB. */
export function speechLikeMp3(seconds: number) {
  return cached(`speech-like-${seconds}s.mp3`, (file) =>
    ffmpeg(['-f', 'lavfi', '-i', `aevalsrc=${EXPRESSION}:s=16000:d=${seconds}`, '-ac', '1', '-c:a', 'libmp3lame', '-b:a', '128k', '-f', 'mp3', file]),
  );
}

/** WebM/Opus at 32 kbit/s, as a browser records (4 kB a second): 30 minutes is about 7 MB. */
export function speechLikeWebm(seconds: number) {
  return cached(`speech-like-${seconds}s.webm`, (file) =>
    ffmpeg(['-f', 'lavfi', '-i', `aevalsrc=${EXPRESSION}:s=48000:d=${seconds}`, '-ac', '1', '-c:a', 'libopus', '-b:a', '32k', '-f', 'webm', file]),
  );
}
