import 'server-only';

import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { readOrCreateEngineKey } from '@/lib/engine/key';
import { ENGINE_MODEL_NAME } from '@/lib/engine/model';
import { getEngineStatus } from '@/lib/engine/status';

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
  ENGINE_CONCURRENCY: optionalString.transform((value) => (value === undefined ? undefined : Number(value))).pipe(z.number().int().min(1).max(64).optional()),
  RATE_LIMIT_TRANSCRIPTIONS_IN_FLIGHT: optionalInteger(1, 1000),
  RATE_LIMIT_TRANSCRIPTIONS_PER_HOUR: optionalInteger(1, 1_000_000),
  RATE_LIMIT_AUDIO_MB_PER_DAY: optionalInteger(1, 10_000_000),
  RATE_LIMIT_SIGN_IN_FAILURES_PER_ACCOUNT: optionalInteger(1, 1_000_000),
  RATE_LIMIT_SIGN_IN_FAILURES_PER_IP: optionalInteger(1, 1_000_000),
  RATE_LIMIT_SIGN_UPS_PER_IP: optionalInteger(1, 1_000_000),
  TRUSTED_PROXY_HOPS: optionalInteger(0, 10),
  PORT: optionalString.transform((value) => (value === undefined ? undefined : Number(value))).pipe(z.number().int().min(1).max(65_535).optional()),
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
  return {
    dataDir,
    databasePath: sqlitePathFrom(env.DATABASE_URL, dataDir),
    audioDir: path.join(dataDir, 'audio'),
    transcription: transcriptionConfig(env, dataDir),
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
    limits: {
      transcriptionsInFlight: env.RATE_LIMIT_TRANSCRIPTIONS_IN_FLIGHT ?? 2,
      transcriptionsPerHour: env.RATE_LIMIT_TRANSCRIPTIONS_PER_HOUR ?? 60,
      audioBytesPerDay: (env.RATE_LIMIT_AUDIO_MB_PER_DAY ?? 2000) * 1_000_000,
      signInFailuresPerAccount: env.RATE_LIMIT_SIGN_IN_FAILURES_PER_ACCOUNT ?? 5,
      signInFailuresPerIp: env.RATE_LIMIT_SIGN_IN_FAILURES_PER_IP ?? 100,
      signUpsPerIp: env.RATE_LIMIT_SIGN_UPS_PER_IP ?? 5,
    },
  };
}

type TranscriptionConfig = {
  /** `builtin`: no TRANSCRIBE_BASE_URL, so the app's own offline engine on loopback is the upstream. */
  engine: 'builtin' | 'external';
  baseUrl: string | undefined;
  apiKey: string | undefined;
  model: string;
  idleTimeoutMs: number;
  /** Engine jobs that may run at once; the rest wait in line. */
  engineConcurrency: number;
};

function transcriptionConfig(env: z.infer<typeof envSchema>, dataDir: string): TranscriptionConfig {
  const common = { idleTimeoutMs: env.TRANSCRIBE_IDLE_TIMEOUT_MS ?? 120_000, engineConcurrency: env.ENGINE_CONCURRENCY ?? 1 };
  if (env.TRANSCRIBE_BASE_URL) {
    return {
      ...common,
      engine: 'external',
      baseUrl: env.TRANSCRIBE_BASE_URL.replace(/\/+$/, ''),
      apiKey: env.TRANSCRIBE_API_KEY,
      model: env.TRANSCRIBE_MODEL ?? 'vtrix-gpt-4o-transcribe',
    };
  }
  let engineKey: string | undefined;
  return {
    ...common,
    engine: 'builtin',
    baseUrl: `http://127.0.0.1:${env.PORT ?? 3000}/api/engine/v1`,
    // Read (or created) on first use, not when the configuration loads.
    get apiKey() {
      engineKey ??= readOrCreateEngineKey(dataDir);
      return engineKey;
    },
    model: ENGINE_MODEL_NAME,
  };
}

function sqlitePathFrom(databaseUrl: string | undefined, dataDir: string) {
  if (!databaseUrl) return path.join(dataDir, 'verbatim.db');
  if (!databaseUrl.startsWith('file:')) {
    throw new Error('DATABASE_URL must be a SQLite file URL such as file:./data/verbatim.db');
  }
  return path.resolve(/* turbopackIgnore: true */ databaseUrl.slice('file:'.length));
}

let cached: ServerConfig | undefined;

export function getConfig(): ServerConfig {
  cached ??= loadConfig();
  return cached;
}

/**
 * Whether transcription can work: an external service with both a base URL and a key, or the
 * built-in engine with its programs installed.
 */
export function isTranscriptionConfigured() {
  const { engine, baseUrl, apiKey } = getConfig().transcription;
  if (engine === 'builtin') return getEngineStatus().available;
  return Boolean(baseUrl && apiKey);
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
