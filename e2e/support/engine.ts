import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test as base, expect } from '@playwright/test';
import { E2E_ENGINE_DATA_DIR } from './constants';
import { registerAccount, type Account } from './test';

/** Debian's pocketsphinx-testdata: real recordings whose words the engine recognises exactly. */
const TESTDATA = '/usr/share/pocketsphinx/test/data';
export const GO_FORWARD = 'go forward ten meters';
/** go forward ten meters + go somewhere and do something + thirty three four or six ninety two */
export const THREE_UTTERANCES = ['go forward ten meters', 'go somewhere and do something', 'thirty three four or six ninety two'];

export const CONTAINERS = ['mp3', 'm4a', 'webm', 'wav'] as const;
type Container = (typeof CONTAINERS)[number];
export type EngineClips = Record<Container, string> & {
  threeUtterances: string;
  /** The three utterances eighteen times over: three minutes of speech, longer to recognise than a short deadline. */
  threeMinutes: string;
};

const encoderFor: Record<Container, string[]> = {
  mp3: ['-c:a', 'libmp3lame', '-b:a', '32k'],
  m4a: ['-c:a', 'aac', '-b:a', '32k'],
  webm: ['-c:a', 'libopus', '-b:a', '24k'],
  wav: ['-c:a', 'pcm_s16le'],
};

function encode(rawFile: string, container: Container, output: string) {
  const input = ['-f', 's16le', '-ar', '16000', '-ac', '1', '-i', rawFile];
  execFileSync('ffmpeg', ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', ...input, ...encoderFor[container], output]);
  return output;
}

/** The "go forward ten meters" clip in each container, and a three-utterance clip, made with ffmpeg. */
function makeEngineClips(directory: string): EngineClips {
  const goForward = path.join(TESTDATA, 'goforward.raw');
  const three = path.join(directory, 'three.raw');
  const threeRaw = Buffer.concat(['goforward.raw', 'something.raw', 'numbers.raw'].map((name) => readFileSync(path.join(TESTDATA, name))));
  writeFileSync(three, threeRaw);
  const threeMinutes = path.join(directory, 'three-minutes.raw');
  writeFileSync(threeMinutes, Buffer.concat(Array.from({ length: 18 }, () => threeRaw)));
  const clips = Object.fromEntries(CONTAINERS.map((container) => [container, encode(goForward, container, path.join(directory, `go-forward.${container}`))]));
  return {
    ...(clips as Record<Container, string>),
    threeUtterances: encode(three, 'webm', path.join(directory, 'three-utterances.webm')),
    threeMinutes: encode(threeMinutes, 'mp3', path.join(directory, 'three-minutes.mp3')),
  };
}

/**
 * `minutes` of 8 kHz mono MP3 at 8 kbit/s (60 KB a minute): speech, then silence. Without the
 * LAME header that states the length, and behind one 64 kbit/s frame, so that the duration
 * ffprobe estimates from the first frame's bitrate is an eighth of the real one.
 */
export function makeLongMp3(directory: string, minutes: number) {
  const quiet = ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y'];
  const body = path.join(directory, 'long-body.mp3');
  const head = path.join(directory, 'long-head.mp3');
  execFileSync('ffmpeg', [
    ...quiet,
    ...['-f', 's16le', '-ar', '16000', '-ac', '1', '-i', path.join(TESTDATA, 'goforward.raw'), '-f', 'lavfi', '-i', 'anullsrc=r=8000:cl=mono'],
    ...['-filter_complex', `[0:a]aresample=8000[speech];[speech][1:a]concat=n=2:v=0:a=1,atrim=duration=${minutes * 60}`],
    ...['-ac', '1', '-ar', '8000', '-c:a', 'libmp3lame', '-b:a', '8k', '-write_xing', '0', '-id3v2_version', '0', body],
  ]);
  execFileSync('ffmpeg', [...quiet, '-f', 'lavfi', '-i', 'sine=f=440:r=8000:d=0.1', '-ac', '1', '-c:a', 'libmp3lame', '-b:a', '64k', '-write_xing', '0', '-id3v2_version', '0', head]);
  const output = path.join(directory, `long-${minutes}-minutes.mp3`);
  writeFileSync(output, Buffer.concat([readFileSync(head), readFileSync(body)]));
  return output;
}

/**
 * A file that passes the MP3 sniff (an ID3 tag) and goes on as an HLS playlist naming `target`:
 * an ffmpeg left to guess the format from the content would read `target` and transcribe it.
 */
export function makePlaylistDisguisedAsMp3(directory: string, target: string) {
  const playlist = `#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10.0,\nfile:${target}\n#EXT-X-ENDLIST\n`;
  const output = path.join(directory, 'playlist.mp3');
  writeFileSync(output, Buffer.concat([Buffer.from('ID3\x04\x00\x00\x00\x00\x00\x00', 'latin1'), Buffer.from(playlist)]));
  return output;
}

/** Programs running now whose command line contains `text` (read from /proc), e.g. a request's temporary folder. */
export function processesMentioning(text: string) {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      if (commandLine.includes(text) && pid !== String(process.pid)) found.push(commandLine.split(' ')[0] ?? '');
    } catch {
      // The process ended while being read.
    }
  }
  return found;
}

/** Where the engine instance keeps its data (the engine key); overridable to run against a dev server. */
export const engineDataDir = () => process.env.E2E_ENGINE_DATA_DIR ?? E2E_ENGINE_DATA_DIR;

export const engineUrl = (baseURL: string) => `${baseURL}/api/engine/v1/audio/transcriptions`;

/** The engine's generated key, as the app itself reads it (created on first use). */
export async function readEngineKey(baseURL: string): Promise<string> {
  const keyFile = path.join(engineDataDir(), 'engine-key');
  if (!existsSync(keyFile)) await fetch(engineUrl(baseURL), { method: 'POST' });
  return readFileSync(keyFile, 'utf8').trim();
}

export function audioForm(file: string, fields: Record<string, string> = {}) {
  const form = new FormData();
  for (const [name, value] of Object.entries({ model: 'pocketsphinx-en-us', ...fields })) form.append(name, value);
  form.append('file', new Blob([readFileSync(file)]), path.basename(file));
  return form;
}

export type TimedLine = { at: number; line: string };

/** Every non-empty SSE line of a response with the time it arrived (ms since `since`); `onLine` hears each as it arrives. */
export async function readTimedLines(response: Response, since: number, onLine?: (line: string) => void): Promise<TimedLine[]> {
  const lines: TimedLine[] = [];
  const decoder = new TextDecoder();
  let pending = '';
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    pending += decoder.decode(chunk, { stream: true });
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    for (const line of parts.filter((part) => part.trim())) {
      lines.push({ at: Date.now() - since, line });
      onLine?.(line);
    }
  }
  return lines;
}

export function dataEvents(lines: TimedLine[]) {
  return lines.filter(({ line }) => line.startsWith('data: ')).map(({ at, line }) => ({ at, event: JSON.parse(line.slice(6)) as Record<string, unknown> }));
}

/** Browser tests on the engine instance, signed in with an account of that instance (the default fixture signs up on the other app). */
export const test = base.extend<object, { engineAccount: Account; clips: EngineClips }>({
  // Made once per worker with ffmpeg, removed when the worker ends.
  clips: [
    async ({}, use) => {
      const directory = mkdtempSync(path.join(tmpdir(), 'engine-clips-'));
      try {
        await use(makeEngineClips(directory));
      } finally {
        rmSync(directory, { recursive: true, force: true });
      }
    },
    { scope: 'worker' },
  ],
  engineAccount: [
    async ({ browser }, use, workerInfo) => use(await registerAccount(browser, `engine-w${workerInfo.workerIndex}`, String(workerInfo.project.use.baseURL))),
    { scope: 'worker' },
  ],
  storageState: async ({ engineAccount }, use) => use(engineAccount.storageStatePath),
});

export { expect };
