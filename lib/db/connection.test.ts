import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kysely, Migrator, SqliteDialect, sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { admin, testDatabases, useTestDatabase } from './test-databases';

const roots: string[] = [];
afterEach(() => {
  vi.unstubAllEnvs();
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function freshRoot() {
  const root = mkdtempSync(path.join(tmpdir(), 'connection-'));
  roots.push(root);
  return root;
}

async function openWith(env: Record<string, string>) {
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  vi.resetModules();
  return import('./connection');
}

describe('opening the database', () => {
  it('creates DATA_DIR and the SQLite file (and its -wal, -shm) readable by the server user only', async () => {
    const dataDir = path.join(freshRoot(), 'data');
    const { getDb } = await openWith({ DATA_DIR: dataDir, DATABASE_URL: '' });
    const db = await getDb();
    await db.selectFrom('users').select('id').execute();
    const mode = (file: string) => statSync(path.join(dataDir, file)).mode & 0o777;
    expect(mode('.')).toBe(0o700);
    expect(mode('verbatim.db')).toBe(0o600);
    expect(mode('verbatim.db-wal')).toBe(0o600);
    expect(mode('verbatim.db-shm')).toBe(0o600);
    await db.destroy();
  });

  it('refuses to start on PostgreSQL without AUTH_SECRET, saying what to set', async () => {
    const { getDb } = await openWith({ DATA_DIR: freshRoot(), DATABASE_URL: 'postgres://user:password@127.0.0.1:5432/verbatim', AUTH_SECRET: '' });
    await expect(getDb()).rejects.toThrow(/AUTH_SECRET must be set when DATABASE_URL is a PostgreSQL database/);
  });

  it('refuses a DATABASE_URL that is neither SQLite nor PostgreSQL', async () => {
    const { getDb } = await openWith({ DATA_DIR: freshRoot(), DATABASE_URL: 'mysql://localhost/verbatim' });
    await expect(getDb()).rejects.toThrow(/DATABASE_URL must be/);
  });
});

describe('SQLite statements', () => {
  it('are prepared once per SQL text and run again with new parameters; a busy one is not shared', async () => {
    const { openSqlite, withStatementCache } = await openWith({ DATA_DIR: freshRoot(), DATABASE_URL: '' });
    const sqlite = openSqlite(path.join(freshRoot(), 'cache.db'));
    const prepare = vi.spyOn(sqlite, 'prepare');
    const db = withStatementCache(sqlite);
    db.prepare('create table t (n integer)').run([]);
    for (const n of [1, 2, 3]) db.prepare('insert into t (n) values (?)').run([n]);
    expect(prepare).toHaveBeenCalledTimes(2);

    const select = 'select n from t where n >= ? order by n';
    const rows = db.prepare(select).iterate([2]) as IterableIterator<{ n: number }>;
    expect(rows.next().value).toEqual({ n: 2 });
    expect(db.prepare(select).all([1])).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(rows.next().value).toEqual({ n: 3 });
    expect(rows.next().done).toBe(true);
    expect(prepare).toHaveBeenCalledTimes(4);
    db.close();
  });
});

describe('upgrading a SQLite database made before the search index was keyed on transcript ids', () => {
  it('moves existing transcripts to the new index, which then survives renumbered rowids', async () => {
    const root = freshRoot();
    const file = path.join(root, 'old.db');
    const { openSqlite } = await openWith({ DATA_DIR: root, DATABASE_URL: `file:${file}` });
    const { migrations } = await import('./migrations');

    // The database as 0003 left it, with the first index: FTS5 over transcripts' rowids, kept by triggers.
    const old = new Kysely<unknown>({ dialect: new SqliteDialect({ database: openSqlite(file) }) });
    await new Migrator({ db: old, provider: { getMigrations: async () => migrations } }).migrateTo('0003_transcription_usage');
    await sql`create virtual table transcripts_fts using fts5(title, text, content='transcripts', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')`.execute(old);
    await sql`create trigger transcripts_fts_insert after insert on transcripts begin
      insert into transcripts_fts(rowid, title, text) values (new.rowid, new.title, new.text);
    end`.execute(old);
    await sql`insert into users (id, email, created_at) values ('u1', 'a@example.test', '2026-01-01T00:00:00.000Z')`.execute(old);
    for (const [id, title, text] of [['t1', 'First', 'aardvark'], ['t2', 'Second', 'bonobo'], ['t3', 'Third', 'caracal']]) {
      await sql`insert into transcripts (id, user_id, title, file_name, status, text, audio_type, created_at, updated_at)
        values (${id}, 'u1', ${title}, 'f', 'done', ${text}, 'audio/mpeg', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`.execute(old);
    }
    await old.destroy();

    const queries = await import('./transcripts');
    const search = async (words: string) => (await queries.getTranscriptsByUserId({ userId: 'u1', limit: 10, filter: { search: words } })).items.map((item) => item.id);
    expect(await search('bonobo')).toEqual(['t2']);
    expect(await search('third')).toEqual(['t3']);

    // VACUUM may renumber the rowids of a table without an INTEGER PRIMARY KEY (transcripts' key is
    // text); do what it may do, and more: the index follows ids, not rowids.
    await queries.deleteTranscriptById({ id: 't1', userId: 'u1' });
    const { getDb } = await import('./connection');
    const db = await getDb();
    await sql`update transcripts set rowid = rowid + 100`.execute(db);
    await sql`vacuum`.execute(db);
    expect(await search('aardvark')).toEqual([]);
    expect(await search('bonobo')).toEqual(['t2']);
    expect(await search('caracal')).toEqual(['t3']);
    expect((await sql<{ name: string }>`select name from sqlite_master where name like 'transcripts_fts%'`.execute(db)).rows).toEqual([]);
    await db.destroy();
  });
});

describe.each(testDatabases.filter(({ dialect }) => dialect === 'postgres'))('migrating $dialect', ({ dialect }) => {
  // Registered before useTestDatabase's own hook, so that the other schema is there when it migrates.
  const other = `other_${crypto.randomUUID().replaceAll('-', '')}`;
  beforeAll(async () => {
    await admin(`create schema ${other}`);
    await admin(`create table ${other}.kysely_migration (name varchar(255) primary key, timestamp varchar(255) not null)`);
  });
  afterAll(() => admin(`drop schema ${other} cascade`));
  const db = useTestDatabase(dialect);

  it("migrates its own schema when another schema holds a Kysely migration table", async () => {
    expect(await db.getUserByEmail({ email: 'nobody@example.test' })).toBeUndefined();
  });
});
