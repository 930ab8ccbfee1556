import { type Kysely, type Migration, sql } from 'kysely';
import { dialectOf } from './dialect';

// Run on SQLite and PostgreSQL alike: columns use portable types (text ISO timestamps, integer,
// real) through Kysely's schema builder. What cannot be portable (full-text search) is one
// object per dialect in ./dialect, called from here.
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
  // Databases made before 0004 also got a first search index here (FTS5 over transcripts' rowids),
  // which 0004 replaces.
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
    },
    async down(db: Kysely<unknown>) {
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
  // Full-text search keyed on the transcript id (SQLite's rowid changes on VACUUM), written when
  // a text settles instead of by triggers on every progress save.
  '0004_pg_search_index': {
    async up(db: Kysely<unknown>) {
      await dialectOf(db).searchIndex.migrate(db);
    },
  },
  // A usage row is in flight until its transcription ends, so that the in-flight limit is counted
  // in the database, shared by every instance. Rows from before this are all finished.
  '0005_pg_usage_in_flight': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('transcription_usage').addColumn('ended_at', 'text').execute();
      await sql`update transcription_usage set ended_at = started_at`.execute(db);
    },
  },
  // A running transcription belongs to the instance holding its lease; any instance may take
  // over a lease that has expired. Rows left running by an earlier version get an expired lease,
  // so that the first instance to start deals with them.
  '0006_jobs_leases': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('transcripts').addColumn('lease_owner', 'text').execute();
      await db.schema.alterTable('transcripts').addColumn('lease_expires_at', 'text').execute();
      await db.schema.createIndex('transcripts_lease_expires').on('transcripts').columns(['status', 'lease_expires_at']).execute();
      await sql`update transcripts set lease_expires_at = ${new Date(0).toISOString()} where status = 'transcribing'`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('transcripts_lease_expires').execute();
      await db.schema.alterTable('transcripts').dropColumn('lease_expires_at').execute();
      await db.schema.alterTable('transcripts').dropColumn('lease_owner').execute();
    },
  },
  // Rate limits shared by every instance (see rate-limits.ts).
  '0007_routes_rate_limit_hits': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('rate_limit_hits')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('bucket', 'text', (column) => column.notNull())
        .addColumn('key', 'text', (column) => column.notNull())
        .addColumn('at', 'text', (column) => column.notNull())
        .execute();
      await db.schema.createIndex('rate_limit_hits_bucket_key_at').on('rate_limit_hits').columns(['bucket', 'key', 'at']).execute();
    },
    async down(db: Kysely<unknown>) {
      await sql`drop table rate_limit_hits`.execute(db);
    },
  },
  // OAuth sign-ins are identified by the provider's account id, never by email; and the
  // sign-in/sign-up throttles live here so that every instance sharing the database sees them.
  '0008_auth_identities_attempts': {
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
  // Long audio is transcribed in parts (lib/transcription/parts.ts): each part's place in the
  // audio and its text, saved as it finishes, so that a restart resumes at the first unfinished
  // part; and the daily audio allowance counts seconds as well as bytes.
  '0009_parts_transcript_parts': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('transcript_parts')
        .addColumn('transcript_id', 'text', (column) => column.notNull().references('transcripts.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (column) => column.notNull().references('users.id').onDelete('cascade'))
        .addColumn('part_index', 'integer', (column) => column.notNull())
        .addColumn('start_seconds', 'double precision', (column) => column.notNull())
        .addColumn('duration_seconds', 'double precision', (column) => column.notNull())
        .addColumn('status', 'text', (column) => column.notNull())
        .addColumn('text', 'text', (column) => column.notNull())
        .addColumn('updated_at', 'text', (column) => column.notNull())
        .addPrimaryKeyConstraint('transcript_parts_pk', ['transcript_id', 'part_index'])
        .execute();
      await db.schema.alterTable('transcription_usage').addColumn('audio_seconds', 'double precision', (column) => column.notNull().defaultTo(0)).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('transcription_usage').dropColumn('audio_seconds').execute();
      await sql`drop table transcript_parts`.execute(db);
      },
    },
  // Resumable (tus) uploads: the upload's state here, its bytes in the audio store as chunks, one
  // row per committed chunk. The offset only moves by a conditional update (see
  // resumable-uploads.ts), so that any instance can continue any upload.
  '0010_resumable_uploads': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('resumable_uploads')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('user_id', 'text', (column) => column.notNull().references('users.id').onDelete('cascade'))
        .addColumn('upload_length', 'bigint')
        .addColumn('upload_offset', 'bigint', (column) => column.notNull().defaultTo(0))
        .addColumn('file_name', 'text', (column) => column.notNull())
        .addColumn('declared_type', 'text', (column) => column.notNull())
        .addColumn('audio_type', 'text')
        .addColumn('language', 'text')
        .addColumn('prompt', 'text')
        .addColumn('claimed_by', 'text')
        .addColumn('created_at', 'text', (column) => column.notNull())
        .addColumn('updated_at', 'text', (column) => column.notNull())
        .addColumn('expires_at', 'text', (column) => column.notNull())
        .execute();
      await db.schema.createIndex('resumable_uploads_user').on('resumable_uploads').columns(['user_id', 'expires_at']).execute();
      await db.schema.createIndex('resumable_uploads_expires').on('resumable_uploads').column('expires_at').execute();

      await db.schema
        .createTable('resumable_upload_chunks')
        .addColumn('upload_id', 'text', (column) => column.notNull().references('resumable_uploads.id').onDelete('cascade'))
        .addColumn('start_offset', 'bigint', (column) => column.notNull())
        .addColumn('byte_count', 'integer', (column) => column.notNull())
        .addColumn('storage_key', 'text', (column) => column.notNull())
        .addPrimaryKeyConstraint('resumable_upload_chunks_pk', ['upload_id', 'start_offset'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await sql`drop table resumable_upload_chunks`.execute(db);
      await sql`drop table resumable_uploads`.execute(db);
      },
    },
  // Personal keys for the OpenAI-compatible /v1 API (only hashes), and where each transcript came
  // from: earlier transcripts were all browser uploads.
  '0011_api_keys': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('user_id', 'text', (column) => column.notNull().references('users.id').onDelete('cascade'))
        .addColumn('name', 'text', (column) => column.notNull())
        .addColumn('key_hash', 'text', (column) => column.notNull().unique())
        .addColumn('displayed', 'text', (column) => column.notNull())
        .addColumn('created_at', 'text', (column) => column.notNull())
        .addColumn('last_used_at', 'text')
        .addColumn('call_count', 'integer', (column) => column.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex('api_keys_user').on('api_keys').columns(['user_id', 'created_at']).execute();
      await db.schema.alterTable('transcripts').addColumn('source', 'text', (column) => column.notNull().defaultTo('upload')).execute();
      await db.schema.alterTable('transcripts').addColumn('api_key_id', 'text').execute();
      await db.schema.alterTable('transcripts').addColumn('api_key_name', 'text').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('transcripts').dropColumn('api_key_name').execute();
      await db.schema.alterTable('transcripts').dropColumn('api_key_id').execute();
      await db.schema.alterTable('transcripts').dropColumn('source').execute();
      await sql`drop table api_keys`.execute(db);
    },
  },
  // Whether a resumable upload was created with a deferred length (a recording): its transcription
  // keeps short parts even after a takeover that finds the length declared.
  '0012_grow_deferred_uploads': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('resumable_uploads').addColumn('deferred_length', 'integer', (column) => column.notNull().defaultTo(0)).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('resumable_uploads').dropColumn('deferred_length').execute();
    },
  },
};
