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
};
