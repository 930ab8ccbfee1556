// Makes sure a PostgreSQL server is there for the tests, then runs the command given with
// TEST_DATABASE_URL set (`node e2e/support/ensure-postgres.mjs vitest run`); without a command it
// prints the URL. On a fresh Debian machine, as root, it installs Debian's `postgresql`, starts
// the cluster (no systemd needed) and creates the test role and database. Idempotent: when the
// database already answers it only checks that and goes on.
//
// TEST_DATABASE_URL, when set, is used as it is. Otherwise the tests use a local role and
// database that hold nothing but test data; its password is fixed so that reruns find it.
// Without PostgreSQL and without root the PostgreSQL tests are skipped, except in CI (CI=true),
// where this fails.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import pg from 'pg';

const ROLE = 'verbatim_test';
const DATABASE = 'verbatim_test';
const DEFAULT_URL = `postgres://${ROLE}:verbatim_test_only@127.0.0.1:5432/${DATABASE}`;
const isCi = process.env.CI === 'true' || process.env.CI === '1';

async function answers(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function run(command, args, { quiet = false } = {}) {
  if (!quiet) console.log(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: quiet ? 'pipe' : 'inherit', encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.error?.message ?? `exit code ${result.status}`})${quiet ? `: ${result.stderr}` : ''}`);
  }
  return result.stdout ?? '';
}

const asPostgres = (sql, database = 'postgres') => run('runuser', ['-u', 'postgres', '--', 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', database, '-tAc', sql], { quiet: true }).trim();

/** The newest installed server version, e.g. "15". */
function installedVersion() {
  if (!existsSync('/usr/lib/postgresql')) return undefined;
  return readdirSync('/usr/lib/postgresql')
    .filter((name) => existsSync(`/usr/lib/postgresql/${name}/bin/postgres`))
    .sort((a, b) => Number(b) - Number(a))[0];
}

function provision() {
  if (!installedVersion()) {
    run('apt-get', ['update']);
    run('apt-get', ['install', '-y', 'postgresql', 'postgresql-contrib']);
  }
  const version = installedVersion();
  if (!version) throw new Error('postgresql was installed but no server binary was found under /usr/lib/postgresql');
  // Debian's package creates the cluster but, without systemd, leaves it stopped.
  const clusters = run('pg_lsclusters', ['--no-header'], { quiet: true });
  // Columns: version, cluster, port, status, owner, data directory, log file.
  const main = clusters
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .find(([clusterVersion, cluster]) => clusterVersion === version && cluster === 'main');
  if (!main) run('pg_createcluster', [version, 'main']);
  if (main?.[3] !== 'online') run('pg_ctlcluster', [version, 'main', 'start']);

  asPostgres(`do $$ begin
    if not exists (select from pg_roles where rolname = '${ROLE}') then create role ${ROLE} login password 'verbatim_test_only'; end if;
  end $$`);
  if (asPostgres(`select 1 from pg_database where datname = '${DATABASE}'`) !== '1') asPostgres(`create database ${DATABASE} owner ${ROLE}`);
  // Created here once, in public, so that tests migrating schemas of their own in parallel never race to create it.
  asPostgres('create extension if not exists unaccent schema public', DATABASE);
}

async function ensure() {
  const given = process.env.TEST_DATABASE_URL;
  if (given) {
    if (await answers(given)) return given;
    throw new Error('TEST_DATABASE_URL is set but the database does not answer.');
  }
  if (await answers(DEFAULT_URL)) return DEFAULT_URL;
  if (process.getuid?.() !== 0) {
    const hint = `PostgreSQL is not running here and installing it needs root: run this once as root (or set TEST_DATABASE_URL): sudo node e2e/support/ensure-postgres.mjs`;
    if (isCi) throw new Error(hint);
    console.warn(`${hint}\nThe PostgreSQL tests are skipped.`);
    return undefined;
  }
  provision();
  if (await answers(DEFAULT_URL)) return DEFAULT_URL;
  throw new Error(`PostgreSQL was started but ${DEFAULT_URL.replace(/:[^:@]*@/, ':***@')} does not answer.`);
}

let url;
try {
  url = await ensure();
} catch (error) {
  console.error(`ensure-postgres: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

const [command, ...args] = process.argv.slice(2);
if (!command) {
  if (url) console.log(`export TEST_DATABASE_URL=${url}`);
  process.exit(url ? 0 : 1);
}
const result = spawnSync(command, args, { stdio: 'inherit', shell: false, env: url ? { ...process.env, TEST_DATABASE_URL: url } : process.env });
process.exit(result.status ?? 1);
