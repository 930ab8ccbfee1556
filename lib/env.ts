import 'server-only';

import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value?.trim() ? value.trim() : undefined));

function optionalInteger(min: number, max: number) {
  return optionalString.transform((value) => (value === undefined ? undefined : Number(value))).pipe(z.number().int().min(min).max(max).optional());
}

const envSchema = z.object({
  DATA_DIR: optionalString,
  DATABASE_URL: optionalString,
  AUTH_SECRET: optionalString,
  TRANSCRIBE_BASE_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  TRANSCRIBE_API_KEY: optionalString,
  TRANSCRIBE_MODEL: optionalString,
  TRANSCRIBE_IDLE_TIMEOUT_MS: optionalString.transform((value) => (value === undefined ? undefined : Number(value))).pipe(z.number().int().min(100).optional()),
  ENGINE_CONCURRENCY: optionalInteger(1, 64),
  ENGINE_MAX_AUDIO_MINUTES: optionalInteger(1, 24 * 60),
  ENGINE_QUEUE_MAX: optionalInteger(0, 10_000),
  ENGINE_JOB_TIMEOUT_SECONDS: optionalInteger(1, 7 * 24 * 3600),
  RATE_LIMIT_TRANSCRIPTIONS_IN_FLIGHT: optionalInteger(1, 1000),
  RATE_LIMIT_TRANSCRIPTIONS_PER_HOUR: optionalInteger(1, 1_000_000),
  RATE_LIMIT_AUDIO_MB_PER_DAY: optionalInteger(1, 10_000_000),
  RATE_LIMIT_AUDIO_MINUTES_PER_DAY: optionalInteger(1, 10_000_000),
  MAX_UPLOAD_MB: optionalInteger(25, 100_000),
  PART_MAX_MINUTES: optionalInteger(1, 60),
  FFMPEG_PATH: optionalString,
  RECORDING_PART_MINUTES: optionalInteger(1, 60),
  UPLOAD_WAIT_SECONDS: optionalInteger(1, 24 * 3600),
  RATE_LIMIT_SIGN_IN_FAILURES_PER_ACCOUNT: optionalInteger(1, 1_000_000),
  RATE_LIMIT_SIGN_IN_FAILURES_PER_IP: optionalInteger(1, 1_000_000),
  RATE_LIMIT_SIGN_UPS_PER_IP: optionalInteger(1, 1_000_000),
  RATE_LIMIT_SEARCHES_PER_MINUTE: optionalInteger(1, 1_000_000),
  LIMIT_VERSIONS_PER_TRANSCRIPT: optionalInteger(1, 1000),
  LIMIT_TEXT_MB_PER_USER: optionalInteger(1, 1_000_000),
  TRUSTED_PROXY_HOPS: optionalInteger(0, 10),
  BLOB_READ_WRITE_TOKEN: optionalString.pipe(z.string().regex(/^vercel_blob_rw_[A-Za-z0-9]+_[A-Za-z0-9]+$/).optional()),
  VERCEL_BLOB_API_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  BLOB_READ_BASE_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  // Read by the browser's Blob SDK (and the pages' CSP) as built; checked here so a typo fails loudly.
  NEXT_PUBLIC_VERCEL_BLOB_API_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  JOB_LEASE_MS: optionalInteger(1000, 600_000),
  AUTH_GITHUB_ID: optionalString,
  AUTH_GITHUB_SECRET: optionalString,
  AUTH_GOOGLE_ID: optionalString,
  AUTH_GOOGLE_SECRET: optionalString,
  AUTH_GITHUB_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  AUTH_GOOGLE_ISSUER: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
});

export type ServerConfig = ReturnType<typeof loadConfig>;

function loadConfig() {
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join('.')).join(', ');
    throw new Error(`Invalid environment configuration: ${fields}. See .env.example.`);
  }
  const env = parsed.data;
  // Runtime data, not part of the build: keep the file tracer out of it.
  const dataDir = path.resolve(/* turbopackIgnore: true */ env.DATA_DIR ?? 'data');
  const database = databaseFrom(env.DATABASE_URL, dataDir);
  // Every instance must sign sessions with one key: a secret generated per instance would sign
  // people out whenever a request reaches another one.
  if (database.dialect === 'postgres' && !env.AUTH_SECRET) {
    throw new Error('AUTH_SECRET must be set when DATABASE_URL is a PostgreSQL database (every instance must share it). Generate one with: openssl rand -base64 32');
  }
  return {
    dataDir,
    database,
    audioDir: path.join(dataDir, 'audio'),
    /** Audio in a private Vercel Blob store instead of audioDir; the API and read addresses only for emulators. */
    blob: env.BLOB_READ_WRITE_TOKEN
      ? { token: env.BLOB_READ_WRITE_TOKEN, apiUrl: env.VERCEL_BLOB_API_URL?.replace(/\/+$/, ''), readBaseUrl: env.BLOB_READ_BASE_URL?.replace(/\/+$/, '') }
      : undefined,
    /** The largest upload accepted; files within the upstream's own limit keep the direct path, larger ones are split into parts. */
    maxUploadBytes: (env.MAX_UPLOAD_MB ?? 500) * 1_000_000,
    transcription: transcriptionConfig(env),
    /** Uploads past the upstream's 25 MB go the long way: stored, split at silences, sent a part at a time. */
    longAudio: {
      partMaxSeconds: (env.PART_MAX_MINUTES ?? 20) * 60,
      /** The ffmpeg that splits it (lib/audio/ffmpeg.ts), `off` for none; unset: the one on PATH, else the bundled one. */
      ffmpegPath: env.FFMPEG_PATH,
      /** A recording transcribed while it grows gets short parts: at Stop, at most this much is left to transcribe. */
      recordingPartSeconds: (env.RECORDING_PART_MINUTES ?? 3) * 60,
      /**
       * How long the transcription of an upload still arriving waits for its next bytes before it pauses
       * (`timeout:upload`, finished parts kept); it goes on by itself when the upload grows again.
       */
      uploadWaitMs: (env.UPLOAD_WAIT_SECONDS ?? 30 * 60) * 1000,
    },
    engine: {
      /** Recognitions at once; the rest wait in line. */
      concurrency: env.ENGINE_CONCURRENCY ?? 1,
      /** Longer audio is refused before it takes a place in the line. */
      maxAudioSeconds: (env.ENGINE_MAX_AUDIO_MINUTES ?? 30) * 60,
      /** Requests that may wait for a free recogniser; more are refused with 429. */
      queueMax: env.ENGINE_QUEUE_MAX ?? 10,
      /** The most one job may run (decode and recognition), whatever its audio's length. */
      jobTimeoutSeconds: env.ENGINE_JOB_TIMEOUT_SECONDS ?? 3600,
    },
    oauth: {
      github:
        env.AUTH_GITHUB_ID && env.AUTH_GITHUB_SECRET
          ? { clientId: env.AUTH_GITHUB_ID, clientSecret: env.AUTH_GITHUB_SECRET, baseUrl: env.AUTH_GITHUB_URL?.replace(/\/+$/, '') }
          : undefined,
      google:
        env.AUTH_GOOGLE_ID && env.AUTH_GOOGLE_SECRET
          ? { clientId: env.AUTH_GOOGLE_ID, clientSecret: env.AUTH_GOOGLE_SECRET, issuer: env.AUTH_GOOGLE_ISSUER?.replace(/\/+$/, '') }
          : undefined,
    },
    authSecret: env.AUTH_SECRET,
    trustedProxyHops: env.TRUSTED_PROXY_HOPS ?? 0,
    jobs: jobsConfig(env.JOB_LEASE_MS ?? 15_000),
    limits: {
      transcriptionsInFlight: env.RATE_LIMIT_TRANSCRIPTIONS_IN_FLIGHT ?? 2,
      transcriptionsPerHour: env.RATE_LIMIT_TRANSCRIPTIONS_PER_HOUR ?? 60,
      audioBytesPerDay: (env.RATE_LIMIT_AUDIO_MB_PER_DAY ?? 2000) * 1_000_000,
      audioSecondsPerDay: (env.RATE_LIMIT_AUDIO_MINUTES_PER_DAY ?? 600) * 60,
      signInFailuresPerAccount: env.RATE_LIMIT_SIGN_IN_FAILURES_PER_ACCOUNT ?? 5,
      signInFailuresPerIp: env.RATE_LIMIT_SIGN_IN_FAILURES_PER_IP ?? 100,
      signUpsPerIp: env.RATE_LIMIT_SIGN_UPS_PER_IP ?? 5,
      searchesPerMinute: env.RATE_LIMIT_SEARCHES_PER_MINUTE ?? 60,
      versionsPerTranscript: env.LIMIT_VERSIONS_PER_TRANSCRIPT ?? 20,
      textBytesPerUser: (env.LIMIT_TEXT_MB_PER_USER ?? 50) * 1_000_000,
    },
  };
}

/**
 * A running job's lease lasts `leaseMs`; its owner renews it three times within that, so that one
 * late heartbeat does not lose it, and every instance looks for expired leases as often.
 */
function jobsConfig(leaseMs: number) {
  return { leaseMs, heartbeatMs: Math.round(leaseMs / 3) };
}

/**
 * `builtin`: no TRANSCRIBE_BASE_URL, so the app's own offline engine is the upstream; where it
 * listens and its key are found by lib/engine/target.ts, which this module does not import.
 */
type TranscriptionConfig = { idleTimeoutMs: number } & (
  | { engine: 'external'; baseUrl: string; apiKey: string | undefined; model: string }
  | { engine: 'builtin' }
);
function transcriptionConfig(env: z.infer<typeof envSchema>): TranscriptionConfig {
  const idleTimeoutMs = env.TRANSCRIBE_IDLE_TIMEOUT_MS ?? 120_000;
  if (!env.TRANSCRIBE_BASE_URL) return { idleTimeoutMs, engine: 'builtin' };
  return {
    idleTimeoutMs,
    engine: 'external',
    baseUrl: env.TRANSCRIBE_BASE_URL.replace(/\/+$/, ''),
    apiKey: env.TRANSCRIBE_API_KEY,
    model: env.TRANSCRIBE_MODEL ?? 'vtrix-gpt-4o-transcribe',
  };
}

export type DatabaseConfig = { dialect: 'sqlite'; path: string } | { dialect: 'postgres'; url: string };

function databaseFrom(databaseUrl: string | undefined, dataDir: string): DatabaseConfig {
  if (!databaseUrl) return { dialect: 'sqlite', path: path.join(dataDir, 'verbatim.db') };
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return { dialect: 'postgres', url: databaseUrl };
  if (!databaseUrl.startsWith('file:')) {
    throw new Error('DATABASE_URL must be a SQLite file URL such as file:./data/verbatim.db or a PostgreSQL URL such as postgres://user:password@host:5432/verbatim');
  }
  return { dialect: 'sqlite', path: path.resolve(/* turbopackIgnore: true */ databaseUrl.slice('file:'.length)) };
}

let cached: ServerConfig | undefined;

export function getConfig(): ServerConfig {
  cached ??= loadConfig();
  return cached;
}

/**
 * AUTH_SECRET when set; otherwise a secret generated on first start and kept in the data
 * folder, so that sessions survive restarts without any setup.
 */
export function getAuthSecret(): string {
  const config = getConfig();
  if (config.authSecret) return config.authSecret;
  const secretFile = path.join(config.dataDir, 'auth-secret');
  try {
    return readFileSync(secretFile, 'utf8').trim();
  } catch {
    mkdirSync(config.dataDir, { recursive: true });
    try {
      writeFileSync(secretFile, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    return readFileSync(secretFile, 'utf8').trim();
  }
}
