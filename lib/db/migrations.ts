import { type Kysely, type Migration, sql } from 'kysely';

// Columns use portable types (text ISO timestamps, integer, real) so that a PostgreSQL
// dialect can run the same migrations and queries.
export const migrations: Record<string, Migration> = {
  '0001_initial': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('email', 'text', (column) => column.notNull().unique())
        .addColumn('name', 'text')
        .addColumn('password_hash', 'text')
        .addColumn('created_at', 'text', (column) => column.notNull())
        .execute();

      await db.schema
        .createTable('transcripts')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('user_id', 'text', (column) => column.notNull().references('users.id').onDelete('cascade'))
        .addColumn('title', 'text', (column) => column.notNull())
        .addColumn('file_name', 'text', (column) => column.notNull())
        .addColumn('language', 'text')
        .addColumn('prompt', 'text')
        .addColumn('status', 'text', (column) => column.notNull())
        .addColumn('text', 'text', (column) => column.notNull().defaultTo(''))
        .addColumn('error_code', 'text')
        .addColumn('error_message', 'text')
        .addColumn('audio_key', 'text')
        .addColumn('audio_type', 'text', (column) => column.notNull())
        .addColumn('audio_bytes', 'integer', (column) => column.notNull().defaultTo(0))
        .addColumn('duration_seconds', 'real')
        .addColumn('usage_json', 'text')
        .addColumn('created_at', 'text', (column) => column.notNull())
        .addColumn('updated_at', 'text', (column) => column.notNull())
        .addColumn('completed_at', 'text')
        .execute();
      await db.schema
        .createIndex('transcripts_user_created')
        .on('transcripts')
        .columns(['user_id', 'created_at', 'id'])
        .execute();
      await db.schema.createIndex('transcripts_status').on('transcripts').column('status').execute();

      await db.schema
        .createTable('share_links')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('transcript_id', 'text', (column) => column.notNull().references('transcripts.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (column) => column.notNull().references('users.id').onDelete('cascade'))
        .addColumn('token_hash', 'text', (column) => column.notNull().unique())
        .addColumn('created_at', 'text', (column) => column.notNull())
        .addColumn('last_viewed_at', 'text')
        .addColumn('view_count', 'integer', (column) => column.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex('share_links_transcript').on('share_links').column('transcript_id').execute();
    },
    async down(db: Kysely<unknown>) {
      await sql`drop table share_links`.execute(db);
      await sql`drop table transcripts`.execute(db);
      await sql`drop table users`.execute(db);
    },
  },
  // Search uses SQLite FTS5 (an external-content index over transcripts, kept in step by
  // triggers); a PostgreSQL dialect would use a tsvector column instead, behind the same queries.
  // The index follows transcripts' rowids: after a VACUUM run `insert into transcripts_fts(transcripts_fts) values ('rebuild')`.
  '0002_search_versions_links': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('transcripts').addColumn('started_at', 'text').execute();
      await db.schema.alterTable('transcripts').addColumn('original_text', 'text').execute();
      await db.schema.alterTable('transcripts').addColumn('edited_at', 'text').execute();
      await sql`update transcripts set started_at = created_at`.execute(db);

      await db.schema
        .createTable('transcript_versions')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('transcript_id', 'text', (column) => column.notNull().references('transcripts.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (column) => column.notNull().references('users.id').onDelete('cascade'))
        .addColumn('text', 'text', (column) => column.notNull())
        .addColumn('language', 'text')
        .addColumn('prompt', 'text')
        .addColumn('created_at', 'text', (column) => column.notNull())
        .execute();
      await db.schema.createIndex('transcript_versions_transcript').on('transcript_versions').columns(['transcript_id', 'created_at']).execute();

      await db.schema.alterTable('share_links').addColumn('name', 'text').execute();
      await db.schema.alterTable('share_links').addColumn('expires_at', 'text').execute();
      await db.schema.alterTable('share_links').addColumn('include_audio', 'integer', (column) => column.notNull().defaultTo(0)).execute();

      await sql`create virtual table transcripts_fts using fts5(title, text, content='transcripts', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')`.execute(db);
      await sql`create trigger transcripts_fts_insert after insert on transcripts begin
        insert into transcripts_fts(rowid, title, text) values (new.rowid, new.title, new.text);
      end`.execute(db);
      await sql`create trigger transcripts_fts_delete after delete on transcripts begin
        insert into transcripts_fts(transcripts_fts, rowid, title, text) values ('delete', old.rowid, old.title, old.text);
      end`.execute(db);
      await sql`create trigger transcripts_fts_update after update of title, text on transcripts begin
        insert into transcripts_fts(transcripts_fts, rowid, title, text) values ('delete', old.rowid, old.title, old.text);
        insert into transcripts_fts(rowid, title, text) values (new.rowid, new.title, new.text);
      end`.execute(db);
      await sql`insert into transcripts_fts(transcripts_fts) values ('rebuild')`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      await sql`drop table transcripts_fts`.execute(db);
      await sql`drop table transcript_versions`.execute(db);
    },
  },
  // What users started, kept apart from transcripts so that deleting one does not give its
  // quota back. Rows older than the longest quota window are pruned as new ones are written.
  '0003_transcription_usage': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('transcription_usage')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('user_id', 'text', (column) => column.notNull().references('users.id').onDelete('cascade'))
        .addColumn('started_at', 'text', (column) => column.notNull())
        .addColumn('audio_bytes', 'integer', (column) => column.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex('transcription_usage_user_started').on('transcription_usage').columns(['user_id', 'started_at']).execute();
      // Carries the current windows over, so that upgrading does not reset anyone's allowance.
      const since = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000).toISOString();
      await sql`insert into transcription_usage (id, user_id, started_at, audio_bytes)
        select id, user_id, created_at, audio_bytes from transcripts where created_at >= ${since}`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      await sql`drop table transcription_usage`.execute(db);
    },
  },
  // OAuth sign-ins are identified by the provider's account id, never by email; and the
  // sign-in/sign-up throttles live here so that every instance sharing the database sees them.
  '0004_auth_identities_attempts': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('oauth_identities')
        .addColumn('provider', 'text', (column) => column.notNull())
        .addColumn('provider_account_id', 'text', (column) => column.notNull())
        .addColumn('user_id', 'text', (column) => column.notNull().references('users.id').onDelete('cascade'))
        .addColumn('email', 'text')
        .addColumn('created_at', 'text', (column) => column.notNull())
        .addPrimaryKeyConstraint('oauth_identities_pk', ['provider', 'provider_account_id'])
        .execute();
      await db.schema.createIndex('oauth_identities_user').on('oauth_identities').columns(['user_id', 'provider']).unique().execute();

      await db.schema
        .createTable('auth_attempts')
        .addColumn('key', 'text', (column) => column.primaryKey())
        .addColumn('count', 'integer', (column) => column.notNull())
        .addColumn('window_started_ms', 'bigint', (column) => column.notNull())
        .addColumn('delay_ms', 'bigint', (column) => column.notNull().defaultTo(0))
        .addColumn('next_attempt_ms', 'bigint', (column) => column.notNull().defaultTo(0))
        .addColumn('updated_ms', 'bigint', (column) => column.notNull())
        .execute();
      await db.schema.createIndex('auth_attempts_updated').on('auth_attempts').column('updated_ms').execute();

      // Accounts that earlier OAuth sign-ins made (matched by email) get no identity here: the
      // first sign-in whose provider verified their email claims them (lib/db/oauth-identities.ts).
    },
    async down(db: Kysely<unknown>) {
      await sql`drop table auth_attempts`.execute(db);
      await sql`drop table oauth_identities`.execute(db);
    },
  },
};
