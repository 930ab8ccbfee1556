import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo, createServer as createNetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import SQLite from 'better-sqlite3';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AudioStore } from '@/lib/audio-store';
import type { IncomingUpload } from './incoming';
import { transcriptionOptionsSchema } from './options';

/** The store every job of this file writes to; each test puts its own (working or failing) one here. */
const audio = vi.hoisted(() => ({ store: undefined as AudioStore | undefined }));
vi.mock('@/lib/audio-store', () => ({ getAudioStore: () => audio.store }));

/**
 * A fake upstream: each test decides how it answers, over HTTP or, for what an HTTP server
 * would not do (stop reading for good), on the raw connection.
 */
let answer: ((request: IncomingMessage, response: ServerResponse) => void) | { raw: (socket: Socket) => void } = () => undefined;
const http = createServer((request, response) => {
  if (typeof answer === 'function') answer(request, response);
});
const upstream = createNetServer((socket) => (typeof answer === 'function' ? http.emit('connection', socket) : answer.raw(socket)));
await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));

const dataDir = mkdtempSync(path.join(tmpdir(), 'job-'));
vi.stubEnv('DATA_DIR', dataDir);
vi.stubEnv('DATABASE_URL', '');
vi.stubEnv('TRANSCRIBE_BASE_URL', `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`);
vi.stubEnv('TRANSCRIBE_API_KEY', 'sk-test');
vi.stubEnv('TRANSCRIBE_IDLE_TIMEOUT_MS', '60000');
const { TranscriptionJob } = await import('./job');
const { createUser } = await import('@/lib/db/users');
const { getTranscriptById } = await import('@/lib/db/transcripts');
const { getDb } = await import('@/lib/db/connection');
await getDb();
/** The same database file, read synchronously: what any reader would see at that instant. */
const database = new SQLite(path.join(dataDir, 'verbatim.db'), { readonly: true });

afterAll(() => {
  http.closeAllConnections();
  for (const socket of sockets) socket.destroy();
  upstream.close();
  database.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const MB = 1024 * 1024;
const SETTLE_MS = 5000;

const readAll = async (body: Readable | ReadableStream<Uint8Array>) =>
  new Uint8Array(body instanceof Readable ? Buffer.concat(await body.toArray()) : await new Response(body).arrayBuffer());

function memoryStore(): AudioStore & { saved: Map<string, Uint8Array> } {
  const saved = new Map<string, Uint8Array>();
  return {
    saved,
    async put(key, body) {
      const bytes = await readAll(body);
      saved.set(key, bytes);
      return { bytes: bytes.byteLength };
    },
    async get(key) {
      const bytes = saved.get(key);
      return bytes && { body: new Blob([new Uint8Array(bytes)]).stream(), size: bytes.byteLength };
    },
    async size(key) {
      return saved.get(key)?.byteLength;
    },
    async delete(key) {
      saved.delete(key);
    },
  };
}

/** Gives up at once, before reading a byte. */
const storeThatRefuses = (): AudioStore => ({ ...memoryStore(), put: () => Promise.reject(new Error('disk full')) });

/** Reads every byte, then fails to make it durable. */
const storeThatFailsAtTheEnd = (): AudioStore => ({
  ...memoryStore(),
  async put(_key, body) {
    await readAll(body);
    throw new Error('disk full');
  },
});

const sse = (response: ServerResponse) => response.writeHead(200, { 'Content-Type': 'text/event-stream' });
const event = (payload: unknown) => `data: ${JSON.stringify(payload)}\n\n`;
const done = (text: string) => event({ type: 'transcript.text.done', text, usage: { type: 'duration', seconds: 1 } });
const delta = (text: string) => event({ type: 'transcript.text.delta', delta: text });

/** Reads the whole request, then streams the text. */
const readsAllThenAnswers = (text: string) => (request: IncomingMessage, response: ServerResponse) => {
  request.resume();
  request.on('end', () => {
    sse(response);
    response.end(delta(text) + done(text));
  });
};

/**
 * Answers in full at once, as a server that cannot stream does (one JSON body), and reads
 * nothing more: the client's fetch has its whole response while its request body can go nowhere.
 */
const answersInFullEarly = (text: string) => ({
  raw(socket: Socket) {
    const body = JSON.stringify({ text });
    socket.pause();
    socket.write(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    sockets.add(socket);
  },
});
const sockets = new Set<Socket>();

/** Answers at once without reading the body, and leaves the response open. */
const answersEarly = (first: string) => (_request: IncomingMessage, response: ServerResponse) => {
  sse(response);
  response.write(first);
};

/** An upload of `bytes` MP3 bytes; with `hold`, it stops sending after the first chunk. */
function uploadOf({ bytes, hold = false, complete = true }: { bytes: number; hold?: boolean; complete?: boolean }): IncomingUpload {
  const chunk = new Uint8Array(64 * 1024).fill(0x55);
  chunk.set([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0]);
  let sent = 0;
  const options = transcriptionOptionsSchema.parse({});
  return {
    long: false,
    fileName: 'talk.mp3',
    format: { container: 'mp3', extension: 'mp3', mimeType: 'audio/mpeg' },
    options,
    audio: new Readable({
      highWaterMark: 0,
      read() {
        if (hold && sent > 0) return;
        if (sent >= bytes) return void this.push(null);
        const next = chunk.subarray(0, Math.min(chunk.byteLength, bytes - sent));
        sent += next.byteLength;
        this.push(Buffer.from(next));
      },
    }),
    complete: complete ? Promise.resolve({ options, lateFields: new Set<string>() }) : new Promise(() => undefined),
  };
}

async function start(upload: IncomingUpload) {
  const user = await createUser({ email: `${crypto.randomUUID()}@example.test`, passwordHash: 'x' });
  return TranscriptionJob.fromUpload({ id: crypto.randomUUID(), userId: user.id, upload, source: { kind: 'upload' }, clientSignal: new AbortController().signal, requestId: crypto.randomUUID() });
}

/** The job's result, or a clear failure when it never settles. */
function settled(job: Awaited<ReturnType<typeof start>>) {
  return Promise.race([job.finished, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the job never settled')), SETTLE_MS))]);
}

const rowOf = (job: Awaited<ReturnType<typeof start>>) => getTranscriptById({ id: job.id, userId: job.userId });

beforeEach(() => {
  audio.store = memoryStore();
});

describe('TranscriptionJob', () => {
  it('settles with the transcript when the store refuses before reading anything; the audio is not offered', async () => {
    audio.store = storeThatRefuses();
    answer = readsAllThenAnswers('Hello there.');
    const job = await start(uploadOf({ bytes: 2 * MB }));
    await expect(settled(job)).resolves.toMatchObject({ ok: true, text: 'Hello there.' });
    expect(await rowOf(job)).toMatchObject({ status: 'done', text: 'Hello there.', audio_bytes: 0, audio_key: null });
  });

  it('settles, with every byte stored, when the upstream answers before reading the whole body', async () => {
    const store = memoryStore();
    audio.store = store;
    answer = answersInFullEarly('Early.');
    const job = await start(uploadOf({ bytes: 16 * MB }));
    await expect(settled(job)).resolves.toMatchObject({ ok: true, text: 'Early.' });
    expect(store.saved.get(job.id)?.byteLength).toBe(16 * MB);
    expect(await rowOf(job)).toMatchObject({ status: 'done', audio_bytes: 16 * MB });
  });

  it('stops waiting for the rest of the request when it is cancelled', async () => {
    answer = readsAllThenAnswers('Never.');
    const job = await start(uploadOf({ bytes: 256 * 1024, complete: false }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    job.cancel();
    const result = await settled(job);
    expect(result.ok ? undefined : result.error.code).toBe('cancelled:transcription');
  });

  it('keeps a transcript that succeeded although the audio could not be stored', async () => {
    audio.store = storeThatFailsAtTheEnd();
    answer = readsAllThenAnswers('Kept text.');
    const job = await start(uploadOf({ bytes: MB }));
    await expect(settled(job)).resolves.toEqual({ ok: true, text: 'Kept text.', usage: { type: 'duration', seconds: 1 } });
    expect(await rowOf(job)).toMatchObject({ status: 'done', text: 'Kept text.', audio_key: null, audio_bytes: 0 });
  });

  it('does not say the audio is kept when it could not be stored', async () => {
    audio.store = storeThatFailsAtTheEnd();
    answer = (request, response) => {
      request.resume();
      request.on('end', () => {
        sse(response);
        response.write(delta('Half'));
        setTimeout(() => response.destroy(), 50);
      });
    };
    const job = await start(uploadOf({ bytes: MB }));
    const result = await settled(job);
    expect(result.ok).toBe(false);
    const message = result.ok ? '' : result.error.message;
    expect(message).not.toMatch(/audio is kept/i);
    expect(message).toMatch(/upload the file again/i);
    expect(await rowOf(job)).toMatchObject({ status: 'failed', text: 'Half', audio_bytes: 0 });
  });

  it('saves the final state before it leaves the registry, so no reader takes stale text for final', async () => {
    answer = (request, response) => {
      request.resume();
      request.on('end', () => {
        sse(response);
        response.end(delta('Partial'));
      });
    };
    const registry = (globalThis as Record<symbol, Map<string, unknown>>)[Symbol.for('verbatim.transcription-jobs')];
    const seenWhenLeaving: unknown[] = [];
    const leave = registry?.delete.bind(registry);
    vi.spyOn(registry as Map<string, unknown>, 'delete').mockImplementation((id) => {
      seenWhenLeaving.push(database.prepare('select status, text from transcripts where id = ?').get(id));
      return leave?.(id) ?? false;
    });
    const job = await start(uploadOf({ bytes: 128 * 1024 }));
    await settled(job);
    vi.restoreAllMocks();
    expect(seenWhenLeaving).toEqual([{ status: 'failed', text: 'Partial' }]);
  });

  it('keeps the text that arrived when Cancel comes during the upload', async () => {
    answer = answersEarly(delta('Said so far'));
    const job = await start(uploadOf({ bytes: 4 * MB, hold: true }));
    await vi.waitFor(() => expect(job.currentText()).toBe('Said so far'), { timeout: SETTLE_MS });
    job.cancel();
    const result = await settled(job);
    expect(result.ok ? undefined : result.error.code).toBe('cancelled:transcription');
    expect(await rowOf(job)).toMatchObject({ status: 'cancelled', text: 'Said so far', audio_key: null, audio_bytes: 0 });
  });
});
