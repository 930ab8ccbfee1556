import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { EventSourceParserStream } from 'eventsource-parser/stream';
import { Client } from 'pg';
import { fakeAudio, multipart, post } from './api-client';
import { type AppInstance, startAppInstance } from './app-instance';
import { CLUSTER_APP_PORTS, E2E_DATA_DIR } from './constants';

/** A job's lease in the cluster's instances: short, so that a takeover is seen within seconds. */
export const CLUSTER_LEASE_MS = 3000;

/**
 * The PostgreSQL database the project runs on: TEST_DATABASE_URL (as the query-layer tests), in
 * a schema of its own that is created fresh for the run and dropped after it.
 */
export const clusterDatabaseUrl = process.env.TEST_DATABASE_URL;

async function admin(statement: string) {
  const client = new Client({ connectionString: clusterDatabaseUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

export type Cluster = {
  a: AppInstance;
  b: AppInstance;
  /** Stops instance A (gracefully, or with SIGKILL) and starts it again with the same settings. */
  restartA: (how: 'stop' | 'kill') => Promise<AppInstance>;
  close: () => Promise<void>;
};

/**
 * Two `next start` processes from the same build on one fresh PostgreSQL schema and one shared
 * audio folder, both against the fake upstream, signing sessions with one secret.
 */
export async function startCluster(env: Record<string, string> = {}): Promise<Cluster> {
  if (!clusterDatabaseUrl) throw new Error('TEST_DATABASE_URL is not set: the cluster project needs a PostgreSQL server.');
  const schema = `cluster_${randomUUID().replaceAll('-', '')}`;
  await admin(`create schema ${schema}`);
  const databaseUrl = new URL(clusterDatabaseUrl);
  databaseUrl.searchParams.set('options', `-c search_path=${schema},public`);
  const sharedDir = path.join(E2E_DATA_DIR, 'cluster');
  rmSync(sharedDir, { recursive: true, force: true });
  mkdirSync(sharedDir, { recursive: true });
  const instanceEnv = {
    DATABASE_URL: databaseUrl.toString(),
    DATA_DIR: sharedDir,
    AUTH_SECRET: 'e2e-cluster-secret-not-for-production-0123456789',
    JOB_LEASE_MS: String(CLUSTER_LEASE_MS),
    // Longer than the takeover takes, so that only a stopped instance loses a held request.
    TRANSCRIBE_IDLE_TIMEOUT_MS: '30000',
    ...env,
  };
  const start = (name: 'a' | 'b', port: number) => startAppInstance({ name: `cluster-${name}`, port, env: instanceEnv });
  // One after the other: the first runs the migrations alone.
  const a = await start('a', CLUSTER_APP_PORTS[0]);
  const b = await start('b', CLUSTER_APP_PORTS[1]);
  const cluster: Cluster = {
    a,
    b,
    async restartA(how) {
      await (how === 'kill' ? cluster.a.kill() : cluster.a.stop());
      cluster.a = await start('a', CLUSTER_APP_PORTS[0]);
      return cluster.a;
    },
    async close() {
      await Promise.all([cluster.a.stop(), cluster.b.stop()]);
      await admin(`drop schema if exists ${schema} cascade`);
    },
  };
  return cluster;
}

/** Starts a transcription on an instance with a streamed answer; resolves with the transcript's id. */
export async function startTranscription(instance: AppInstance, cookie: string, prompt: string, bytes = 64 * 1024) {
  const response = await post(
    cookie,
    multipart([
      { name: 'prompt', value: prompt },
      { name: 'stream', value: 'true' },
      { name: 'file', filename: 'talk.mp3', data: fakeAudio(bytes) },
    ]),
    {},
    instance.baseUrl,
  );
  if (response.status !== 200) throw new Error(`Upload refused with ${response.status}: ${await response.text()}`);
  const events = followEvents(response);
  const created = await events.next();
  // The job goes on without this response; its reader is released.
  void events.return(undefined);
  const id = (created.value as { event?: { id?: unknown } } | undefined)?.event?.id;
  if (typeof id !== 'string') throw new Error('The stream did not start with transcript.created');
  return id;
}

export type TimedEvent = { at: number; event: { type: string; delta?: string; text?: string; id?: string; error?: { code: string } } };

/** The events of an SSE response as they arrive, each with its arrival time (the clock of performance.timeOrigin). */
export async function* followEvents(response: Response): AsyncGenerator<TimedEvent> {
  const stream = response.body?.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
  if (!stream) return;
  for await (const message of stream) yield { at: performance.timeOrigin + performance.now(), event: JSON.parse(message.data) as TimedEvent['event'] };
}

export type TranscriptDetails = { id: string; status: string; text: string; audioBytes: number; error: { code: string; message: string } | null };

export async function getTranscript(instance: AppInstance, cookie: string, id: string) {
  const response = await fetch(`${instance.baseUrl}/api/transcriptions/${id}`, { headers: { cookie } });
  if (!response.ok) throw new Error(`GET transcript: ${response.status}`);
  return (await response.json()) as TranscriptDetails;
}

/** A state-changing request as the app's own pages send it: same origin. */
export function sameOriginPost(instance: AppInstance, cookie: string, pathname: string, init: RequestInit = {}) {
  return fetch(`${instance.baseUrl}${pathname}`, { method: 'POST', ...init, headers: { cookie, origin: instance.baseUrl, ...init.headers } });
}
