import 'server-only';

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, type MigrationProvider, Migrator, SqliteDialect } from 'kysely';
import { getConfig } from '@/lib/env';
import { migrations } from './migrations';
import type { Database } from './schema';

const migrationProvider: MigrationProvider = { getMigrations: async () => migrations };

let ready: Promise<Kysely<Database>> | undefined;

/** The migrated database; opened and migrated once per process, on first use. */
export function getDb(): Promise<Kysely<Database>> {
  ready ??= open().catch((error: unknown) => {
    ready = undefined;
    throw error;
  });
  return ready;
}

async function open() {
  const { databasePath } = getConfig();
  mkdirSync(path.dirname(databasePath), { recursive: true });
  const sqlite = new SQLite(databasePath);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  const { error } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
  if (error) throw new Error('Database migration failed', { cause: error });
  return db;
}
