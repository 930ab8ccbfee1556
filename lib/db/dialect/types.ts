import type { Expression, Kysely, SqlBool, Transaction } from 'kysely';
import type { Database } from '../schema';

export type DialectName = 'sqlite' | 'postgres';

/**
 * Full-text search over transcripts' titles and texts, keyed on the transcript id. The index is
 * written by `update` when a transcript's text settles (it ends, is edited, reverted or renamed),
 * never on progress saves; a deleted transcript leaves it with its row.
 */
export interface SearchIndex {
  /** Creates the index and fills it from the transcripts already stored. */
  migrate(db: Kysely<unknown>): Promise<void>;
  /** Indexes the transcripts' current titles and texts. */
  update(db: Kysely<Database>, ids: readonly string[]): Promise<void>;
  /** True for transcripts whose title or text holds every word, the last one as a prefix; undefined when the input has no word. */
  matches(input: string): Expression<SqlBool> | undefined;
}

export interface SqlDialect {
  name: DialectName;
  searchIndex: SearchIndex;
  /**
   * Makes the transaction the only one at a time for this user: parallel requests for one user
   * queue here, so that a check followed by an insert cannot be passed by two of them at once.
   */
  lockUser(trx: Transaction<Database>, userId: string): Promise<void>;
}
