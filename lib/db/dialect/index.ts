import { type Kysely, PostgresAdapter } from 'kysely';
import { postgresDialect } from './postgres';
import { sqliteDialect } from './sqlite';
import type { SqlDialect } from './types';

export type { DialectName, SearchIndex, SqlDialect } from './types';

/** What differs between SQLite and PostgreSQL for this database (search, locks), chosen by the connection it runs on. */
export function dialectOf(db: Pick<Kysely<unknown>, 'getExecutor'>): SqlDialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? postgresDialect : sqliteDialect;
}
