// Shared by the query-layer tests: the same tests run against SQLite and PostgreSQL. Not a test
// file itself (vitest runs *.test.ts).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, vi } from 'vitest';

const postgresUrl = process.env.TEST_DATABASE_URL;

/**
 * The databases to test: SQLite always; PostgreSQL from TEST_DATABASE_URL (`npm test` starts a
 * server and sets it). Without it PostgreSQL is skipped, except in CI, where it must fail.
 */
export const testDatabases = [
  { dialect: 'sqlite' as const },
  ...(postgresUrl || process.env.CI ? [{ dialect: 'postgres' as const }] : []),
];

/** A new transcript's row for `createTranscript`, with a fresh id; `overrides` set what a test cares about. */
export function testTranscriptRow(userId: string, overrides: { title?: string; language?: string | null } = {}) {
  const id = crypto.randomUUID();
  const title = overrides.title ?? 'Untitled';
  return {
    id,
    user_id: userId,
    title,
    file_name: `${title}.mp3`,
    language: overrides.language ?? null,
    prompt: null,
    error_code: null,
    error_message: null,
    audio_key: id,
    audio_type: 'audio/mpeg',
    audio_bytes: 0,
    duration_seconds: null,
    usage_json: null,
    completed_at: null,
  };
}

const loadModules = async () => ({
  ...(await import('./connection')),
  ...(await import('./users')),
  ...(await import('./transcripts')),
  ...(await import('./usage')),
  ...(await import('./parts')),
  ...(await import('./share-links')),
  ...(await import('./auth-attempts')),
  ...(await import('./oauth-identities')),
  ...(await import('./rate-limits')),
  ...(await import('./resumable-uploads')),
  ...(await import('./api-keys')),
  ...(await import('@/lib/quota/transcription')),
});

export type TestModules = Awaited<ReturnType<typeof loadModules>>;

/**
 * Opens a fresh, empty database of the dialect for the calling `describe` block (a temporary
 * SQLite file, or a schema of its own in the PostgreSQL test database so that test files can run
 * in parallel) and loads the data-access modules on it. Call it at the top of the block.
 */
export function useTestDatabase(dialect: 'sqlite' | 'postgres', env: Record<string, string> = {}) {
  const modules = {} as TestModules;
  const dataDir = mkdtempSync(path.join(tmpdir(), `verbatim-${dialect}-`));
  const schema = `test_${randomUUID().replaceAll('-', '')}`;

  beforeAll(async () => {
    vi.stubEnv('DATA_DIR', dataDir);
    vi.stubEnv('AUTH_SECRET', 'test-secret-0123456789abcdef0123456789');
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    if (dialect === 'postgres') {
      if (!postgresUrl) throw new Error('TEST_DATABASE_URL is not set: in CI the PostgreSQL tests must run (npm test starts a server).');
      await admin(`create schema ${schema}`);
      const url = new URL(postgresUrl);
      url.searchParams.set('options', `-c search_path=${schema},public`);
      vi.stubEnv('DATABASE_URL', url.toString());
    } else {
      vi.stubEnv('DATABASE_URL', '');
    }
    Object.assign(modules, await openInstance());
  });

  afterAll(async () => {
    if (modules.getDb) await (await modules.getDb()).destroy();
    if (dialect === 'postgres' && postgresUrl) await admin(`drop schema if exists ${schema} cascade`);
    rmSync(dataDir, { recursive: true, force: true });
    vi.unstubAllEnvs();
  });

  return modules;
}

/**
 * The data-access modules loaded afresh, with a connection of their own to the database that
 * `useTestDatabase` opened: a second app instance. Destroy its `getDb()` when done.
 */
export async function openInstance() {
  vi.resetModules();
  const modules = await loadModules();
  await modules.getDb();
  return modules;
}

/** Runs one statement on the PostgreSQL test database, outside any test's schema. */
export async function admin(statement: string) {
  const client = new Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
