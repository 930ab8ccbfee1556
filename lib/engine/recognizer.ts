import 'server-only';

import { spawn, type ChildProcess } from 'node:child_process';
import { rm, stat } from 'node:fs/promises';
import { setPriority } from 'node:os';
import path from 'node:path';
import type { AudioFormat } from '@/lib/audio/format';
import { engineErrors } from './errors';
import { cleanHypothesis, createLineSplitter } from './output';
import { modelPaths } from './status';

const SAMPLE_RATE = 16_000;
const BYTES_PER_SECOND = SAMPLE_RATE * 2;
/** Recognition is the heavy part: it yields the CPU to the web server. */
const RECOGNIZER_NICENESS = 10;
/** Reading a file's packets is fast (a 25 MB MP3 in well under a second): more than this is hostile. */
const PROBE_TIMEOUT_MS = 15_000;

/** Children get no secrets from the app's environment. */
const childEnv = (): NodeJS.ProcessEnv => ({ NODE_ENV: process.env.NODE_ENV, PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' });

type Exit = { code: number | null; signal: NodeJS.Signals | null; spawnError?: Error };

function exitOf(child: ChildProcess): Promise<Exit> {
  return new Promise((resolve) => {
    child.once('error', (spawnError) => resolve({ code: null, signal: null, spawnError }));
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
}

function killOnAbort(signal: AbortSignal, children: ChildProcess[]) {
  const kill = () => children.forEach((child) => child.kill('SIGKILL'));
  if (signal.aborted) kill();
  signal.addEventListener('abort', kill, { once: true });
  return () => signal.removeEventListener('abort', kill);
}

/**
 * ffmpeg's demuxer for each container the sniff accepts. Naming it stops ffmpeg from guessing
 * from the content, which a file that starts like MP3 and goes on as an HLS playlist would turn
 * into reading whatever files or URLs the playlist names.
 */
const DEMUXERS: Record<AudioFormat['container'], string> = { mp3: 'mp3', mp4: 'mov', m4a: 'mov', wav: 'wav', webm: 'matroska', ogg: 'ogg' };

export type EngineInput = { file: string; container: AudioFormat['container'] };

/** Input options shared by ffmpeg and ffprobe: the sniffed demuxer, and no protocol but the file itself. */
const inputArgs = ({ file, container }: EngineInput) => ['-protocol_whitelist', 'file,pipe', '-f', DEMUXERS[container], '-i', `file:${file}`];

const decoderArgs = (input: EngineInput, extra: string[]) => ['-nostdin', '-hide_banner', '-loglevel', 'error', ...inputArgs(input), '-vn', ...extra];

/** Runs a program to its end, killed when `signal` aborts or after `timeoutMs`. */
async function runBounded(command: string, args: string[], signal: AbortSignal, timeoutMs: number, onStdout?: (chunk: Buffer) => void): Promise<Exit & { timedOut: boolean }> {
  const child = spawn(command, args, { stdio: ['ignore', onStdout ? 'pipe' : 'ignore', 'ignore'], env: childEnv() });
  if (onStdout) child.stdout?.on('data', onStdout);
  const timeout = AbortSignal.timeout(timeoutMs);
  const stopKilling = killOnAbort(AbortSignal.any([signal, timeout]), [child]);
  const exit = await exitOf(child);
  stopKilling();
  if (signal.aborted) throw signal.reason;
  return { ...exit, timedOut: timeout.aborted };
}

/** Whether ffmpeg can decode the start of the file to audio: a damaged or video-only file fails fast. */
export async function canDecode(input: EngineInput, signal: AbortSignal): Promise<boolean> {
  const exit = await runBounded('ffmpeg', decoderArgs(input, ['-t', '1', '-f', 'null', '-']), signal, PROBE_TIMEOUT_MS);
  return exit.code === 0;
}

/**
 * How long the audio lasts, from the timestamps of its packets read up to just past `maxSeconds`
 * (no decoding). The duration in the header is not enough: an MP3 without one is estimated from
 * its first frame's bitrate, so a fast first frame makes hours of 8 kbit/s speech look short.
 * Undefined when the file has no readable audio packets.
 */
export async function probeDuration(input: EngineInput, maxSeconds: number, signal: AbortSignal): Promise<number | undefined> {
  let end: number | undefined;
  const lines = createLineSplitter();
  const read = (line: string) => {
    const pts = Number(/\bpts_time=([\d.]+)/.exec(line)?.[1]);
    const duration = Number(/\bduration_time=([\d.]+)/.exec(line)?.[1] ?? 0);
    if (Number.isFinite(pts)) end = Math.max(end ?? 0, pts + (Number.isFinite(duration) ? duration : 0));
  };
  const args = ['-v', 'error', ...inputArgs(input), '-select_streams', 'a:0', '-read_intervals', `%+${Math.ceil(maxSeconds) + 1}`];
  const exit = await runBounded('ffprobe', [...args, '-show_entries', 'packet=pts_time,duration_time', '-of', 'compact'], signal, PROBE_TIMEOUT_MS, (chunk) =>
    lines.push(chunk).forEach(read),
  );
  lines.end().forEach(read);
  if (exit.timedOut) throw engineErrors.undecodable();
  return exit.code === 0 ? end : undefined;
}

/**
 * Decodes the file to 16 kHz mono 16-bit PCM beside it, then runs PocketSphinx on that, which
 * prints one hypothesis per utterance as it goes; each is handed to `onUtterance` at once.
 * (PocketSphinx opens its input by name, and a Node child's stdin is a socket it cannot open,
 * so the PCM goes through a file, not a pipe.) Both processes are killed when `signal` aborts.
 */
export async function recognize({
  input,
  maxSeconds,
  signal,
  onUtterance,
}: {
  input: EngineInput;
  /** The decode stops here whatever the file's timestamps claimed; longer audio is refused. */
  maxSeconds: number;
  signal: AbortSignal;
  onUtterance: (utterance: string) => void;
}): Promise<{ seconds: number }> {
  const pcmFile = path.join(path.dirname(input.file), `${path.basename(input.file)}.raw`);
  try {
    const seconds = await decodeToPcm(input, pcmFile, maxSeconds, signal);
    await recognizePcm(pcmFile, signal, onUtterance);
    return { seconds };
  } finally {
    await rm(pcmFile, { force: true });
  }
}

async function decodeToPcm(input: EngineInput, pcmFile: string, maxSeconds: number, signal: AbortSignal): Promise<number> {
  const maxBytes = Math.ceil(maxSeconds + 1) * BYTES_PER_SECOND;
  const output = ['-ac', '1', '-ar', String(SAMPLE_RATE), '-f', 's16le', '-acodec', 'pcm_s16le', '-fs', String(maxBytes), `file:${pcmFile}`];
  const decoder = spawn('ffmpeg', ['-y', ...decoderArgs(input, output)], { stdio: 'ignore', env: childEnv() });
  const stopKilling = killOnAbort(signal, [decoder]);
  const exit = await exitOf(decoder);
  stopKilling();
  if (signal.aborted) throw signal.reason;
  if (exit.code !== 0) throw engineErrors.undecodable();
  const seconds = (await stat(pcmFile)).size / BYTES_PER_SECOND;
  if (seconds > maxSeconds) throw engineErrors.tooLong(maxSeconds);
  return seconds;
}

async function recognizePcm(pcmFile: string, signal: AbortSignal, onUtterance: (utterance: string) => void) {
  const recognizer = spawn(
    'pocketsphinx_continuous',
    ['-infile', pcmFile, '-hmm', modelPaths.hmm, '-lm', modelPaths.lm, '-dict', modelPaths.dict, '-samprate', String(SAMPLE_RATE), '-logfn', '/dev/null'],
    // Its log (stderr, here /dev/null) repeats the recognised words: it must never reach our logs.
    { stdio: ['ignore', 'pipe', 'ignore'], env: childEnv() },
  );
  const exited = exitOf(recognizer);
  const stopKilling = killOnAbort(signal, [recognizer]);
  if (recognizer.pid !== undefined) {
    try {
      setPriority(recognizer.pid, RECOGNIZER_NICENESS);
    } catch {
      // Not allowed on this system: it runs at normal priority.
    }
  }
  const lines = createLineSplitter();
  const emit = (line: string) => {
    const utterance = cleanHypothesis(line);
    if (utterance && !signal.aborted) onUtterance(utterance);
  };
  recognizer.stdout.on('data', (chunk: Buffer) => lines.push(chunk).forEach(emit));
  const exit = await exited;
  stopKilling();
  if (signal.aborted) throw signal.reason;
  lines.end().forEach(emit);
  if (exit.code !== 0) throw engineErrors.recognizerFailed();
}
