import 'server-only';

import { spawn, type ChildProcess } from 'node:child_process';
import { rm, stat } from 'node:fs/promises';
import { setPriority } from 'node:os';
import path from 'node:path';
import { engineErrors } from './errors';
import { cleanHypothesis, createLineSplitter } from './output';
import { modelPaths } from './status';

const SAMPLE_RATE = 16_000;
const BYTES_PER_SECOND = SAMPLE_RATE * 2;
/** Recognition is the heavy part: it yields the CPU to the web server. */
const RECOGNIZER_NICENESS = 10;

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

const decoderArgs = (file: string, extra: string[]) => ['-nostdin', '-hide_banner', '-loglevel', 'error', '-i', file, '-vn', ...extra];

/** Whether ffmpeg can decode the start of the file to audio: a damaged or video-only file fails fast. */
export async function canDecode(file: string, signal: AbortSignal): Promise<boolean> {
  const probe = spawn('ffmpeg', decoderArgs(file, ['-t', '1', '-f', 'null', '-']), { stdio: 'ignore', env: childEnv() });
  const stopKilling = killOnAbort(signal, [probe]);
  const exit = await exitOf(probe);
  stopKilling();
  if (signal.aborted) throw signal.reason;
  return exit.code === 0;
}

/**
 * Decodes the file to 16 kHz mono 16-bit PCM beside it, then runs PocketSphinx on that, which
 * prints one hypothesis per utterance as it goes; each is handed to `onUtterance` at once.
 * (PocketSphinx opens its input by name, and a Node child's stdin is a socket it cannot open,
 * so the PCM goes through a file, not a pipe.) Both processes are killed when `signal` aborts.
 */
export async function recognize({
  file,
  signal,
  onUtterance,
}: {
  file: string;
  signal: AbortSignal;
  onUtterance: (utterance: string) => void;
}): Promise<{ seconds: number }> {
  const pcmFile = path.join(path.dirname(file), `${path.basename(file)}.raw`);
  try {
    const seconds = await decodeToPcm(file, pcmFile, signal);
    await recognizePcm(pcmFile, signal, onUtterance);
    return { seconds };
  } finally {
    await rm(pcmFile, { force: true });
  }
}

async function decodeToPcm(file: string, pcmFile: string, signal: AbortSignal): Promise<number> {
  const decoder = spawn('ffmpeg', ['-y', ...decoderArgs(file, ['-ac', '1', '-ar', String(SAMPLE_RATE), '-f', 's16le', '-acodec', 'pcm_s16le', pcmFile])], {
    stdio: 'ignore',
    env: childEnv(),
  });
  const stopKilling = killOnAbort(signal, [decoder]);
  const exit = await exitOf(decoder);
  stopKilling();
  if (signal.aborted) throw signal.reason;
  if (exit.code !== 0) throw engineErrors.undecodable();
  return (await stat(pcmFile)).size / BYTES_PER_SECOND;
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
