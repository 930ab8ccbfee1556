import { sql } from 'kysely';
import { searchWords } from '@/lib/search-marks';
import type { SqlDialect } from './types';

/**
 * Indexed texts are cut here: a tsvector holds at most 1 MB, and an edit may be 1.1 MB. 400,000
 * characters is about eight hours of speech.
 */
const INDEXED_CHARACTERS = 400_000;

// Words are compared lower case (the `simple` configuration, no stemming, no stop words, as
// SQLite's unicode61) and without accents (`unaccent`, wrapped in an immutable function so that
// an index expression could use it too).
const document = (title: string, text: string) =>
  sql`strip(to_tsvector('simple', verbatim_fold(${sql.ref(title)} || ' ' || left(${sql.ref(text)}, ${sql.lit(INDEXED_CHARACTERS)}))))`;

export const postgresDialect: SqlDialect = {
  name: 'postgres',

  searchIndex: {
    async migrate(db) {
      // A trusted extension since PostgreSQL 13: the database's owner may create it.
      await sql`create extension if not exists unaccent`.execute(db);
      const { rows } = await sql<{ schema: string }>`select extnamespace::regnamespace::text as schema from pg_extension where extname = 'unaccent'`.execute(db);
      const schema = rows[0]?.schema ?? 'public';
      // The dictionary named with its schema, so that the function does not depend on the search_path.
      await sql`create or replace function verbatim_fold(text) returns text language sql immutable strict parallel safe
        as ${sql.lit(`select ${schema}.unaccent('${schema}.unaccent'::regdictionary, $1)`)}`.execute(db);
      await sql`create table transcript_search (
        transcript_id text primary key references transcripts(id) on delete cascade,
        document tsvector not null
      )`.execute(db);
      await sql`create index transcript_search_document on transcript_search using gin (document)`.execute(db);
      await sql`insert into transcript_search (transcript_id, document) select id, ${document('title', 'text')} from transcripts`.execute(db);
    },

    async update(db, ids) {
      if (ids.length === 0) return;
      await sql`insert into transcript_search (transcript_id, document)
        select id, ${document('title', 'text')} from transcripts where id in (${sql.join(ids.map((id) => sql`${id}`))})
        on conflict (transcript_id) do update set document = excluded.document`.execute(db);
    },

    matches(input) {
      const words = searchWords(input);
      const last = words.at(-1);
      if (last === undefined) return undefined;
      // Whole words through websearch_to_tsquery, each quoted so that "or" or "-" are words, not
      // operators; the last word as a prefix (which websearch syntax has no form for).
      const prefix = sql`to_tsquery('simple', '''' || verbatim_fold(${last}) || ''':*')`;
      const whole = words.slice(0, -1).map((word) => `"${word}"`).join(' ');
      const query = whole ? sql`websearch_to_tsquery('simple', verbatim_fold(${whole})) && ${prefix}` : prefix;
      return sql<boolean>`id in (select transcript_id from transcript_search where document @@ (${query}))`;
    },
  },

  async lockUser(trx, userId) {
    await trx.selectFrom('users').select('id').where('id', '=', userId).forUpdate().execute();
  },
};
