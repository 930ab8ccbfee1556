// Benchmarks the history APIs on a realistic account: 10,000 transcripts of 1 to 25 minutes of
// speech for one user, served by the production build, on SQLite and on PostgreSQL. Reports
// p50/p95 for a page of the list and for searches; exits 1 when p95 misses the targets (list ≤ 20
// ms, search ≤ 50 ms) on either.
//
//   npm run bench:history            (builds first when there is no build; starts PostgreSQL for the tests' database)
//   BENCH_TRANSCRIPTS=2000 npm run bench:history
//   DATABASE_URL=postgres://… node e2e/bench/history.mjs   (that PostgreSQL database only, in a schema of its own)
//
// PostgreSQL runs in the schema `bench_history` (dropped and made again) of DATABASE_URL when it
// is a PostgreSQL URL, else of TEST_DATABASE_URL; without either only SQLite is measured.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID, scryptSync } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import pg from 'pg';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DATA_DIR = path.join(ROOT, 'bench-results', 'history-data');
const PORT = Number(process.env.BENCH_PORT ?? 3900 + Number(process.env.E2E_PORT_OFFSET ?? 0));
const ORIGIN = `http://127.0.0.1:${PORT}`;
const TRANSCRIPTS = Number(process.env.BENCH_TRANSCRIPTS ?? 10_000);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 300);
const TARGET_P95_MS = { list: 20, search: 50 };
const EMAIL = 'bench@example.test';
const PASSWORD = 'bench password for history';

// A deterministic generator, so that every run measures the same data.
let seed = 42;
const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
const pick = (items) => items[Math.floor(random() * items.length)];

const COMMON = `the be to of and a in that have I it for not on with he as you do at this but his by from they we say her she
or an will my one all would there their what so up out if about who get which go me when make can like time no just him know take
people into year your good some could them see other than then now look only come its over think also back after use two how our work
first well way even new want because any these give day most us is are was were been has had did said going really yes right okay
meeting project budget customer team plan quarter report design launch schedule review question answer agree decision next week
today tomorrow morning afternoon call email document feature issue risk timeline priority deadline update status number percent`.split(/\s+/);
const syllables = ['ka', 'lo', 'mi', 'ra', 'zen', 'tor', 'vel', 'qui', 'bar', 'dun', 'sol', 'fen', 'gra', 'nix', 'pol', 'ter'];
const RARE = Array.from({ length: 5_000 }, () => Array.from({ length: 2 + Math.floor(random() * 3) }, () => pick(syllables)).join(''));
const SEED_AFTER_WORDS = seed;

/** Speech-like text: mostly common words (Zipf-like), some rarer names and terms, sentences and paragraphs. */
function speech(words) {
  const out = [];
  let sentence = 0;
  for (let index = 0; index < words; index++) {
    const common = random() < 0.93;
    const word = common ? COMMON[Math.floor(COMMON.length * random() ** 2.2)] : RARE[Math.floor(RARE.length * random() ** 1.5)];
    out.push(sentence === 0 ? word[0].toUpperCase() + word.slice(1) : word);
    sentence++;
    if (sentence > 6 && random() < 0.12) {
      out[out.length - 1] += random() < 0.1 ? '?' : '.';
      sentence = 0;
      if (random() < 0.08) out[out.length - 1] += '\n\n';
    }
  }
  return `${out.join(' ')}.`;
}

function hashPassword(password) {
  const salt = randomBytes(16);
  const key = scryptSync(password.normalize('NFKC'), salt, 64, { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
  return ['scrypt', 16384, 8, 1, salt.toString('base64url'), key.toString('base64url')].join('$');
}

const COLUMNS = ['id', 'user_id', 'title', 'file_name', 'language', 'status', 'text', 'error_code', 'error_message', 'audio_key', 'audio_type', 'audio_bytes', 'duration_seconds', 'created_at', 'updated_at', 'completed_at', 'started_at'];

/** The same transcripts on every database and every run. */
function* transcriptRows(userId) {
  seed = SEED_AFTER_WORDS;
  const now = Date.now();
  for (let index = 0; index < TRANSCRIPTS; index++) {
    const minutes = 1 + random() * 24;
    const created = new Date(now - Math.floor(random() * 730 * 86_400_000)).toISOString();
    const failed = random() < 0.03;
    const id = randomUUID();
    const title = `${pick(['Weekly', 'Client', 'Team', 'Board', 'Product', 'Interview'])} ${pick(['sync', 'call', 'meeting', 'review', 'notes'])} ${RARE[index % RARE.length]}`;
    yield [id, userId, title, title, 'en', failed ? 'failed' : 'done', speech(Math.round(minutes * 150)), failed ? 'upstream:stream' : null, failed ? 'The stream stopped.' : null, id,
      'audio/mpeg', Math.round(minutes * 60 * 16_000), minutes * 60, created, created, created, created];
  }
}

// Each seeder writes the rows straight into the database the server migrated, then the search
// index as the app's data layer writes it when a transcript ends (lib/db/dialect/*.ts).
const seeders = {
  sqlite: async () => {
    const database = new SQLite(path.join(DATA_DIR, 'verbatim.db'));
    database.pragma('journal_mode = WAL');
    const userId = randomUUID();
    database.prepare('insert into users (id, email, name, password_hash, created_at) values (?, ?, null, ?, ?)').run(userId, EMAIL, hashPassword(PASSWORD), new Date().toISOString());
    const insert = database.prepare(`insert into transcripts (${COLUMNS.join(', ')}) values (${COLUMNS.map(() => '?').join(', ')})`);
    database.transaction(() => {
      for (const row of transcriptRows(userId)) insert.run(...row);
      database.exec(`insert into transcript_search_keys (transcript_id) select id from transcripts;
        insert into transcript_search_fts (rowid, title, text) select keys.rowid, transcripts.title, transcripts.text from transcript_search_keys keys join transcripts on transcripts.id = keys.transcript_id;`);
    })();
    // Fold the seed into the database file, so that the server does not read it through a large WAL.
    database.pragma('wal_checkpoint(TRUNCATE)');
    database.close();
  },
  postgres: async (url) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query('begin');
      const userId = randomUUID();
      await client.query('insert into users (id, email, name, password_hash, created_at) values ($1, $2, null, $3, $4)', [userId, EMAIL, hashPassword(PASSWORD), new Date().toISOString()]);
      let batch = [];
      const flush = async () => {
        const values = batch.map((_, row) => `(${COLUMNS.map((__, column) => `$${row * COLUMNS.length + column + 1}`).join(', ')})`).join(', ');
        await client.query(`insert into transcripts (${COLUMNS.join(', ')}) values ${values}`, batch.flat());
        batch = [];
      };
      for (const row of transcriptRows(userId)) {
        batch.push(row);
        if (batch.length === 200) await flush();
      }
      if (batch.length > 0) await flush();
      await client.query(`insert into transcript_search (transcript_id, document)
        select id, strip(to_tsvector('simple', verbatim_fold(title || ' ' || left(text, 400000)))) from transcripts`);
      await client.query('commit');
      await client.query('analyze');
    } finally {
      await client.end();
    }
  },
};

/** A schema of its own in the PostgreSQL database, made afresh; returns the URL that selects it. */
async function freshPostgresSchema(baseUrl) {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    await client.query('drop schema if exists bench_history cascade');
    await client.query('create schema bench_history');
  } finally {
    await client.end();
  }
  const url = new URL(baseUrl);
  url.searchParams.set('options', '-c search_path=bench_history,public');
  return url.toString();
}

async function waitForServer(server) {
  for (let attempt = 0; attempt < 240; attempt++) {
    if (server.exitCode !== null) throw new Error('the server exited');
    try {
      // The health check opens the database, which migrates it: the seeders need its tables.
      if ((await fetch(`${ORIGIN}/api/health`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('the server did not start');
}

/** Signs in through Auth.js like a browser form would; returns the cookie header. */
async function signIn() {
  const csrfResponse = await fetch(`${ORIGIN}/api/auth/csrf`);
  const { csrfToken } = await csrfResponse.json();
  const csrfCookies = csrfResponse.headers.getSetCookie().map((cookie) => cookie.split(';')[0]);
  const response = await fetch(`${ORIGIN}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: csrfCookies.join('; ') },
    body: new URLSearchParams({ csrfToken, email: EMAIL, password: PASSWORD, callbackUrl: ORIGIN }),
  });
  const cookies = [...csrfCookies, ...response.headers.getSetCookie().map((cookie) => cookie.split(';')[0])];
  if (!cookies.some((cookie) => cookie.includes('session-token'))) throw new Error('sign-in failed');
  return cookies.join('; ');
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function measure(cookie, name, urls) {
  const times = [];
  for (let index = 0; index < SAMPLES + 20; index++) {
    const url = urls[index % urls.length];
    const started = performance.now();
    const response = await fetch(`${ORIGIN}${url}`, { headers: { Cookie: cookie } });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    if (index >= 20) times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { name, samples: times.length, p50: percentile(times, 50), p95: percentile(times, 95), max: times.at(-1) };
}

async function bench(dialect, databaseUrl) {
  rmSync(DATA_DIR, { recursive: true, force: true });
  mkdirSync(DATA_DIR, { recursive: true });
  console.log(`\n${dialect}:`);

  const server = spawn('npx', ['next', 'start', '-p', String(PORT), '-H', '127.0.0.1'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATA_DIR,
      DATABASE_URL: databaseUrl,
      TRANSCRIBE_BASE_URL: 'http://127.0.0.1:9/v1',
      TRANSCRIBE_API_KEY: 'bench-not-used',
      AUTH_SECRET: 'bench-secret-not-for-production-0123456789',
      AUTH_TRUST_HOST: 'true',
      // The bench measures the queries, not the per-user search limit.
      RATE_LIMIT_SEARCHES_PER_MINUTE: '1000000',
    },
    detached: true,
  });
  try {
    // Seeded once the server is up and has migrated the database.
    await waitForServer(server);
    const seeding = Date.now();
    await seeders[dialect](databaseUrl);
    console.log(`seeded ${TRANSCRIPTS} transcripts in ${((Date.now() - seeding) / 1000).toFixed(1)} s`);
    const cookie = await signIn();

    const firstPage = (await (await fetch(`${ORIGIN}/api/transcriptions?limit=20`, { headers: { Cookie: cookie } })).json());
    const deepCursor = encodeURIComponent(firstPage.nextCursor);
    const rare = RARE.slice(0, 40);
    const results = [
      await measure(cookie, 'list: first page', ['/api/transcriptions?limit=20']),
      await measure(cookie, 'list: next page', [`/api/transcriptions?limit=20&cursor=${deepCursor}`]),
      await measure(cookie, 'list: status and date filter', ['/api/transcriptions?limit=20&status=failed', `/api/transcriptions?limit=20&from=${new Date(Date.now() - 90 * 86_400_000).toISOString().slice(0, 10)}`]),
      await measure(cookie, 'search: common word', ['meeting', 'budget', 'customer', 'deadline'].map((q) => `/api/transcriptions?limit=20&q=${q}`)),
      await measure(cookie, 'search: rare word', rare.map((q) => `/api/transcriptions?limit=20&q=${q}`)),
      await measure(cookie, 'search: typing a prefix', ['bu', 'mee', 'dead', 'kalo', 'tor'].map((q) => `/api/transcriptions?limit=20&q=${q}`)),
      await measure(cookie, 'search: two words', rare.slice(0, 20).map((q) => `/api/transcriptions?limit=20&q=project%20${q}`)),
    ];
    for (const result of results) console.log(`${result.name.padEnd(32)} p50 ${result.p50.toFixed(1).padStart(6)} ms   p95 ${result.p95.toFixed(1).padStart(6)} ms   max ${result.max.toFixed(1).padStart(6)} ms`);
    const worst = (prefix) => Math.max(...results.filter((result) => result.name.startsWith(prefix)).map((result) => result.p95));
    const verdict = { list: worst('list') <= TARGET_P95_MS.list, search: worst('search') <= TARGET_P95_MS.search };
    console.log(`list p95 ${worst('list').toFixed(1)} ms (target ≤ ${TARGET_P95_MS.list}): ${verdict.list ? 'ok' : 'MISSED'}`);
    console.log(`search p95 ${worst('search').toFixed(1)} ms (target ≤ ${TARGET_P95_MS.search}): ${verdict.search ? 'ok' : 'MISSED'}`);
    return { results, verdict };
  } finally {
    process.kill(-server.pid, 'SIGTERM');
    await new Promise((resolve) => (server.exitCode === null ? server.once('exit', resolve) : resolve()));
  }
}

async function main() {
  if (!existsSync(path.join(ROOT, '.next', 'BUILD_ID'))) {
    console.log('no build found: running next build');
    if (spawnSync('npx', ['next', 'build'], { cwd: ROOT, stdio: 'inherit' }).status !== 0) process.exit(1);
  }
  const given = process.env.DATABASE_URL;
  const postgresUrl = /^postgres(ql)?:/.test(given ?? '') ? given : process.env.TEST_DATABASE_URL;
  const runs = /^postgres(ql)?:/.test(given ?? '') ? [] : [['sqlite', '']];
  if (postgresUrl) runs.push(['postgres', await freshPostgresSchema(postgresUrl)]);
  else console.log('PostgreSQL: no DATABASE_URL or TEST_DATABASE_URL, measured on SQLite only');

  const summary = { transcripts: TRANSCRIPTS, samplesEach: SAMPLES };
  for (const [dialect, url] of runs) summary[dialect] = await bench(dialect, url);
  writeFileSync(path.join(ROOT, 'bench-results', 'history.json'), `${JSON.stringify(summary, null, 2)}\n`);
  process.exitCode = runs.every(([dialect]) => summary[dialect].verdict.list && summary[dialect].verdict.search) ? 0 : 1;
}

await main();
