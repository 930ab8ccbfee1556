import 'server-only';

import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { type Dialect, Kysely, type MigrationProvider, Migrator, PostgresDialect, SqliteDialect, type SqliteDatabase, sql } from 'kysely';
import { Pool } from 'pg';
import { type DatabaseConfig, getConfig } from '@/lib/env';
import { log } from '@/lib/log';
import type { DialectName } from './dialect';
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

/** Which database DATABASE_URL names, for the few places that work differently on each (queries ask `dialectOf(db)`). */
export function getDialectName(): DialectName {
  return getConfig().database.dialect;
}

async function open() {
  const { database } = getConfig();
  const db = new Kysely<Database>({ dialect: dialectFor(database) });
  // Kysely looks for its migration table in every schema unless told which: another schema's
  // (another app's, or a test's) would pass for ours. Ours is the first of the search_path.
  const migrationTableSchema =
    database.dialect === 'postgres' ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema : undefined;
  const { error } = await new Migrator({ db, provider: migrationProvider, migrationTableSchema }).migrateToLatest();
  if (error) {
    await db.destroy();
    throw new Error('Database migration failed', { cause: error });
  }
  return db;
}

function dialectFor(database: DatabaseConfig): Dialect {
  if (database.dialect === 'postgres') {
    const pool = new Pool({ connectionString: database.url, max: 10 });
    // An idle connection that the server drops must not crash the process; the pool replaces it.
    pool.on('error', (error) => log.error('db.pool', { cause: error.message }));
    return new PostgresDialect({ pool });
  }
  return new SqliteDialect({ database: withStatementCache(openSqlite(database.path)) });
}

/** Enough for every query shape the app sends; past it the oldest statement is dropped. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely prepares every query again (parsing and planning it in SQLite); a statement prepared once
 * per SQL text is reused instead, the parameters bound anew on each run. A statement still being
 * iterated (a streamed query) is busy: another is prepared for that run.
 */
export function withStatementCache(sqlite: SQLite.Database): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(query: string) {
      const cached = statements.get(query);
      if (cached && !cached.busy) return cached;
      const statement = sqlite.prepare(query);
      if (cached) return statement;
      if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value as string);
      statements.set(query, statement);
      return statement;
    },
  };
}

/** The SQLite file and its folder are created readable by the server's user only (SQLite gives -wal and -shm the file's mode). */
export function openSqlite(file: string) {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  closeSync(openSync(file, 'a', 0o600));
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  return sqlite;
}
