import 'server-only';

import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { AudioFormat } from './format';
import { AppError } from '@/lib/errors';
import { chooseCut, type Silence } from './cuts';
import { ffmpegBinary } from './ffmpeg';

/**
 * Parts are MP3, mono, 16 kHz, 48 kbit/s constant bitrate, without bit reservoir or headers:
 * every frame is then exactly FRAME_BYTES long and decodes on its own, so a part is a byte range
 * of one encoding, cut at a frame boundary, and its size follows from its duration (60 minutes,
 * the largest PART_MAX_MINUTES, is 21.6 MB: under the upstream's 25 MB). MP3 is the container
 * every OpenAI-compatible server and the offline engine accept; 16 kHz is what speech models
 * hear anyway, and 48 kbit/s keeps speech clear at that rate.
 */
export const PART_FORMAT: AudioFormat = { container: 'mp3', extension: 'mp3', mimeType: 'audio/mpeg' };
const SAMPLE_RATE = 16_000;
const BITRATE = 48_000;
/** MPEG-2 Layer III: 576 samples per frame; 72 × bitrate / rate bytes, exact at these rates. */
export const FRAME_SECONDS = 576 / SAMPLE_RATE;
export const FRAME_BYTES = (72 * BITRATE) / SAMPLE_RATE;

/** Quieter than this for this long counts as a silence to cut in. */
const SILENCE_NOISE = '-35dB';
const SILENCE_MIN_SECONDS = 0.3;
/** Silences are reported late (after SILENCE_MIN_SECONDS): a cut waits until the encoding is this far past its target. */
const DECISION_MARGIN_SECONDS = 2;

/** ffmpeg's demuxer for each sniffed container, named so that it never guesses (see lib/engine/recognizer.ts). */
const DEMUXERS: Record<AudioFormat['container'], string> = { mp3: 'mp3', mp4: 'mov', m4a: 'mov', wav: 'wav', webm: 'matroska', ogg: 'ogg' };

/** Containers whose index may sit at the end: ffmpeg needs the whole file to read them. */
const needsWholeFile = (container: AudioFormat['container']) => container === 'mp4' || container === 'm4a';

export type PlannedPart = {
  /** 0-based. */
  index: number;
  startSeconds: number;
  durationSeconds: number;
  startByte: number;
  endByte: number;
};

export type Splitter = {
  /** The parts in order, each as soon as its cut is known; ends once the audio has ended. */
  parts: AsyncIterable<PlannedPart>;
  read(part: PlannedPart): Promise<Uint8Array<ArrayBuffer>>;
  /** The whole audio's duration, once the input has ended. */
  duration: Promise<number>;
  /** How many parts there are in all, once the input has ended; null before. */
  count(): number | null;
  dispose(): Promise<void>;
};

const silenceStart = /silence_start: (-?[\d.]+)/;
const silenceEnd = /silence_end: (-?[\d.]+)/;

/**
 * Re-encodes audio as it arrives and cuts it into parts of at most `partMaxSeconds`, in
 * silences where there are any (see chooseCut). Front-to-back containers are encoded while they
 * are still arriving, so the first part is ready long before the upload ends; MP4/M4A are
 * written to `workFile` first. Parts before `fromSeconds` (already transcribed) are skipped,
 * and numbering starts at `firstIndex`.
 */
export function splitAudio({
  input,
  container,
  partMaxSeconds,
  workFile,
  signal,
  fromSeconds = 0,
  firstIndex = 0,
  onProgress,
}: {
  input: ReadableStream<Uint8Array>;
  container: AudioFormat['container'];
  partMaxSeconds: number;
  workFile: string;
  signal: AbortSignal;
  fromSeconds?: number;
  firstIndex?: number;
  /** Hears each piece of encoded audio: a sign of life while no part is ready yet. */
  onProgress?: () => void;
}): Splitter {
  const encodedFile = `${workFile}.mp3`;
  const wholeFile = `${workFile}.in`;
  const silences: Silence[] = [];
  const ready: PlannedPart[] = [];
  let wake: (() => void) | undefined;
  let failure: unknown;
  let ended = false;
  let encodedBytes = 0;
  let fromFrame = Math.round(fromSeconds / FRAME_SECONDS);
  let index = firstIndex;
  const windowSeconds = Math.min(120, partMaxSeconds / 4);
  const maxFrames = Math.floor(partMaxSeconds / FRAME_SECONDS);

  const notify = () => {
    wake?.();
    wake = undefined;
  };

  const plan = (endFrame: number) => {
    ready.push({
      index: index++,
      startSeconds: fromFrame * FRAME_SECONDS,
      durationSeconds: (endFrame - fromFrame) * FRAME_SECONDS,
      startByte: fromFrame * FRAME_BYTES,
      endByte: endFrame * FRAME_BYTES,
    });
    fromFrame = endFrame;
    notify();
  };

  /** Plans every part whose cut the encoding so far decides. */
  const advance = () => {
    const encodedFrames = Math.floor(encodedBytes / FRAME_BYTES);
    // ffmpeg reports a silence's end late (stderr lags the encoded audio): until then only its first SILENCE_MIN_SECONDS are sure.
    const known = silences.map((silence) => ({ start: silence.start, end: Number.isFinite(silence.end) ? silence.end : silence.start + SILENCE_MIN_SECONDS }));
    for (;;) {
      const left = encodedFrames - fromFrame;
      if (left <= 0) return;
      if (ended && left <= maxFrames) return plan(encodedFrames);
      if (!ended && (left - maxFrames) * FRAME_SECONDS < DECISION_MARGIN_SECONDS) return;
      const cut = chooseCut({ silences: known, from: fromFrame * FRAME_SECONDS, maxSeconds: partMaxSeconds, windowSeconds });
      plan(Math.max(fromFrame + 1, Math.min(fromFrame + maxFrames, Math.floor(cut / FRAME_SECONDS))));
    }
  };

  const encode = async () => {
    await mkdir(path.dirname(workFile), { recursive: true });
    const whole = needsWholeFile(container);
    if (whole) await writeAll(input, wholeFile, signal);
    const binary = ffmpegBinary();
    if (!binary) throw new AppError('unavailable:transcription', 'Long audio is off on this server: it needs ffmpeg. Send files up to 25 MB.');
    const child = spawn(
      binary,
      [
        '-nostdin', '-hide_banner', '-nostats', '-loglevel', 'info',
        '-protocol_whitelist', 'file,pipe', '-f', DEMUXERS[container], '-i', whole ? `file:${wholeFile}` : 'pipe:0',
        '-vn', '-af', `silencedetect=noise=${SILENCE_NOISE}:d=${SILENCE_MIN_SECONDS}`,
        '-ac', '1', '-ar', String(SAMPLE_RATE), '-c:a', 'libmp3lame', '-b:a', String(BITRATE), '-reservoir', '0',
        '-write_xing', '0', '-id3v2_version', '0', '-f', 'mp3', 'pipe:1',
      ],
      { stdio: [whole ? 'ignore' : 'pipe', 'pipe', 'pipe'] },
    ) as ChildProcessByStdio<Writable | null, Readable, Readable>;
    const kill = () => child.kill('SIGKILL');
    signal.addEventListener('abort', kill, { once: true });
    const exited = once(child, 'close') as Promise<[number | null]>;
    let stderrTail = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      const lines = (stderrTail + chunk).split(/\r?\n/);
      stderrTail = lines.pop() ?? '';
      for (const line of lines) {
        const start = silenceStart.exec(line);
        if (start) silences.push({ start: Math.max(0, Number(start[1])), end: Number.POSITIVE_INFINITY });
        const end = silenceEnd.exec(line);
        const open = silences.at(-1);
        if (end && open) open.end = Number(end[1]);
      }
    });
    const feeding = whole || !child.stdin ? Promise.resolve() : feed(input, child.stdin, signal);
    feeding.catch(kill);
    try {
      const output = await open(encodedFile, 'w', 0o600);
      try {
        for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
          await output.write(chunk);
          encodedBytes += chunk.byteLength;
          onProgress?.();
          advance();
        }
      } finally {
        await output.close();
      }
      await feeding;
      const [code] = await exited;
      if (signal.aborted) throw signal.reason;
      if (code !== 0 || encodedBytes === 0) throw new SplitError();
      ended = true;
      advance();
      return Math.floor(encodedBytes / FRAME_BYTES) * FRAME_SECONDS;
    } finally {
      signal.removeEventListener('abort', kill);
      kill();
    }
  };

  const duration = encode();
  duration.then(
    () => notify(),
    (error: unknown) => {
      failure = error;
      notify();
    },
  );

  return {
    parts: {
      async *[Symbol.asyncIterator]() {
        for (;;) {
          const next = ready.shift();
          if (next) {
            yield next;
            continue;
          }
          if (failure) throw failure;
          if (ended) return;
          await new Promise<void>((resolve) => (wake = resolve));
        }
      },
    },
    async read(part) {
      const file = await open(encodedFile, 'r');
      try {
        const bytes = new Uint8Array(new ArrayBuffer(part.endByte - part.startByte));
        await file.read(bytes, 0, bytes.byteLength, part.startByte);
        return bytes;
      } finally {
        await file.close();
      }
    },
    duration,
    count: () => (ended ? index : null),
    async dispose() {
      await duration.catch(() => undefined);
      await rm(encodedFile, { force: true });
      await rm(wholeFile, { force: true });
    },
  };
}

export class SplitError extends Error {
  constructor() {
    super('ffmpeg could not decode the audio');
  }
}

async function feed(input: ReadableStream<Uint8Array>, stdin: NodeJS.WritableStream, signal: AbortSignal) {
  const reader = input.getReader();
  // ffmpeg stops reading once it has what it needs (or fails): that ends the feed, not the job.
  const closed = new Promise<void>((resolve) => stdin.once('error', () => resolve()));
  try {
    for (;;) {
      if (signal.aborted) throw signal.reason;
      const { done, value } = await reader.read();
      if (done) break;
      if (!stdin.write(value)) await Promise.race([once(stdin, 'drain'), closed]);
    }
  } finally {
    stdin.end();
    reader.releaseLock();
  }
}

async function writeAll(input: ReadableStream<Uint8Array>, file: string, signal: AbortSignal) {
  const output = createWriteStream(file, { mode: 0o600 });
  const written = finished(output);
  written.catch(() => undefined);
  for await (const chunk of input) {
    if (signal.aborted) throw signal.reason;
    if (!output.write(chunk)) await Promise.race([once(output, 'drain'), written]);
  }
  output.end();
  await written;
}
