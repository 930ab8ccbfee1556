import { sql } from 'kysely';
import { toFtsQuery } from '../search';
import type { SqlDialect } from './types';

// FTS5 rows are numbered by transcript_search_keys, whose INTEGER PRIMARY KEY a VACUUM never
// renumbers (unlike the implicit rowid of transcripts). The FTS5 table is contentless: the text
// lives once, in transcripts; snippets are cut from there.
export const sqliteDialect: SqlDialect = {
  name: 'sqlite',

  searchIndex: {
    async migrate(db) {
      // The first index followed transcripts' rowids and was kept in step by triggers on every progress save.
      for (const trigger of ['transcripts_fts_insert', 'transcripts_fts_delete', 'transcripts_fts_update']) {
        await sql`drop trigger if exists ${sql.id(trigger)}`.execute(db);
      }
      await sql`drop table if exists transcripts_fts`.execute(db);

      await sql`create table transcript_search_keys (
        rowid integer primary key,
        transcript_id text not null unique references transcripts(id) on delete cascade
      )`.execute(db);
      await sql`create virtual table transcript_search_fts using fts5(title, text, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2')`.execute(db);
      // Deleting a transcript (also through a cascade from its user) deletes its key, and with it its words.
      await sql`create trigger transcript_search_keys_delete after delete on transcript_search_keys begin
        delete from transcript_search_fts where rowid = old.rowid;
      end`.execute(db);
      await sql`insert into transcript_search_keys (transcript_id) select id from transcripts`.execute(db);
      await sql`insert into transcript_search_fts (rowid, title, text)
        select keys.rowid, transcripts.title, transcripts.text from transcript_search_keys keys join transcripts on transcripts.id = keys.transcript_id`.execute(db);
    },

    async update(db, ids) {
      if (ids.length === 0) return;
      const list = sql.join(ids.map((id) => sql`${id}`));
      await sql`insert into transcript_search_keys (transcript_id) select id from transcripts where id in (${list}) on conflict (transcript_id) do nothing`.execute(db);
      await sql`insert or replace into transcript_search_fts (rowid, title, text)
        select keys.rowid, transcripts.title, transcripts.text from transcript_search_keys keys join transcripts on transcripts.id = keys.transcript_id
        where keys.transcript_id in (${list})`.execute(db);
    },

    matches(input) {
      const query = toFtsQuery(input);
      if (!query) return undefined;
      return sql<boolean>`id in (select keys.transcript_id from transcript_search_fts join transcript_search_keys keys on keys.rowid = transcript_search_fts.rowid where transcript_search_fts match ${query})`;
    },
  },

  // SQLite has one writer at a time: a write as the transaction's first statement takes the write
  // lock at once (waiting up to busy_timeout), so no other transaction reads between our check and
  // insert. It writes a column that no key or index involves, so it costs no foreign-key check.
  async lockUser(trx, userId) {
    await trx.updateTable('users').set((eb) => ({ name: eb.ref('name') })).where('id', '=', userId).execute();
  },
};
