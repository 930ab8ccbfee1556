import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';
import {
  APP_BASE_URL,
  APP_PORT,
  E2E_DATA_DIR,
  E2E_ENGINE_DATA_DIR,
  E2E_SERVER_LOG,
  ENGINE_APP_BASE_URL,
  FAKE_BLOB_API_URL,
  ENGINE_APP_PORT,
  FAKE_OAUTH_CLIENTS,
  FAKE_OAUTH_ORIGIN,
  FAKE_UPSTREAM_API_KEY,
  FAKE_UPSTREAM_URL,
} from './e2e/support/constants';

// Workers re-evaluate this file while the app is running: only the runner process may wipe.
if (process.env.TEST_WORKER_INDEX === undefined) {
  rmSync(E2E_DATA_DIR, { recursive: true, force: true });
  rmSync(E2E_ENGINE_DATA_DIR, { recursive: true, force: true });
}

/** Specs for the app instance that uses its built-in offline engine (file names only, not folders). */
const ENGINE_SPECS = /(^|[\\/])engine[^\\/]*\.spec\.ts$/;
/** Specs that record from a fake microphone playing e2e/fixtures/speech.wav once. */
const RECORDING_SPECS = /(^|[\\/])record[^\\/]*\.spec\.ts$/;
/** The 10-minute recording from a fake microphone that loops e2e/fixtures/speech.wav. */
const LONG_RECORDING_SPECS = /(^|[\\/])long-recording\.spec\.ts$/;
/** Specs that run two app instances of their own on one PostgreSQL database (needs TEST_DATABASE_URL). */
const CLUSTER_SPECS = /(^|[\\/])cluster[\\/][^\\/]+\.spec\.ts$/;
const FAKE_MICROPHONE_WAV = fileURLToPath(new URL('./e2e/fixtures/speech.wav', import.meta.url));

const launchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
};

/** Chromium with a fake microphone playing the speech fixture, once or over and over, allowed without a prompt. */
const withFakeMicrophone = ({ loop }: { loop: boolean }) => ({
  ...launchOptions,
  args: [
    ...launchOptions.args,
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${FAKE_MICROPHONE_WAV}${loop ? '' : '%noloop'}`,
    '--autoplay-policy=no-user-gesture-required',
  ],
});

export default defineConfig({
  testDir: 'e2e',
  fullyParallel: false,
  workers: process.env.CI ? 1 : 2,
  retries: 0,
  timeout: 60_000,
  // Signing up or in hashes a password at OWASP's scrypt cost (about a second, more on a busy machine).
  expect: { timeout: 30_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/results.json' }], ['./e2e/support/summary-reporter.ts']],
  globalSetup: './e2e/global-setup.ts',
  use: {
    baseURL: APP_BASE_URL,
  },
  projects: [
    { name: 'chromium', testIgnore: [ENGINE_SPECS, RECORDING_SPECS, LONG_RECORDING_SPECS, CLUSTER_SPECS], use: { launchOptions } },
    {
      name: 'recording',
      testMatch: RECORDING_SPECS,
      use: { launchOptions: withFakeMicrophone({ loop: false }) },
    },
    {
      name: 'long-recording',
      testMatch: LONG_RECORDING_SPECS,
      // Ten minutes of recording, an offline minute within them, then the transcript.
      timeout: 900_000,
      use: { launchOptions: withFakeMicrophone({ loop: true }) },
    },
    { name: 'engine', testMatch: ENGINE_SPECS, use: { baseURL: ENGINE_APP_BASE_URL, launchOptions } },
    // Leases of 3 s keep the takeover tests short; the project runs in about a minute.
    { name: 'cluster', testMatch: CLUSTER_SPECS, timeout: 90_000, expect: { timeout: 15_000 }, use: { launchOptions } },
  ],
  // Started one after the other: the second serves the build the first one made.
  webServer: [
    {
      // Build and server output also go to a file that the log and key-canary tests read.
      command: `mkdir -p ${E2E_DATA_DIR} && (npm run build && npx next start -p ${APP_PORT} -H 127.0.0.1) 2>&1 | tee -a ${E2E_SERVER_LOG}`,
      url: `${APP_BASE_URL}/sign-in`,
      timeout: 300_000,
      reuseExistingServer: !process.env.CI,
      stdout: 'pipe',
      // App env for e2e: a throwaway data dir, the fake upstream (started in global-setup) with its
      // canary key, a short idle timeout so stalled-stream tests finish fast, and Auth.js settings
      // that `next start` needs outside Vercel (AUTH_TRUST_HOST, else every auth call is a 500).
      env: {
        DATA_DIR: E2E_DATA_DIR,
        TRANSCRIBE_BASE_URL: FAKE_UPSTREAM_URL,
        TRANSCRIBE_API_KEY: FAKE_UPSTREAM_API_KEY,
        TRANSCRIBE_IDLE_TIMEOUT_MS: '3000',
        // One account per worker runs every spec, and every spec signs up from 127.0.0.1: room for
        // all of them (abuse-limits.spec.ts tests the limits on instances of its own).
        RATE_LIMIT_TRANSCRIPTIONS_IN_FLIGHT: '4',
        // Room for the 100 MB resumable upload (e2e/resumable-uploads.spec.ts); long audio is
        // transcribed on spare instances of its own (e2e/long-audio.spec.ts).
        MAX_UPLOAD_MB: '120',
        // Recordings are transcribed while they record, a part each minute: the recording specs
        // see parts reach the upstream before Stop without recording for long.
        RECORDING_PART_MINUTES: '1',
        RATE_LIMIT_TRANSCRIPTIONS_PER_HOUR: '10000',
        RATE_LIMIT_SIGN_UPS_PER_IP: '100000',
        AUTH_SECRET: 'e2e-secret-not-for-production-0123456789abcdef',
        AUTH_TRUST_HOST: 'true',
        // GitHub and Google sign-in against the fake provider (started in global-setup). AUTH_URL
        // is the public URL, as in production (app/(auth)/auth.ts builds Auth.js's URLs from it).
        AUTH_URL: APP_BASE_URL,
        AUTH_GITHUB_ID: FAKE_OAUTH_CLIENTS.github.id,
        AUTH_GITHUB_SECRET: FAKE_OAUTH_CLIENTS.github.secret,
        AUTH_GITHUB_URL: FAKE_OAUTH_ORIGIN,
        AUTH_GOOGLE_ID: FAKE_OAUTH_CLIENTS.google.id,
        AUTH_GOOGLE_SECRET: FAKE_OAUTH_CLIENTS.google.secret,
        AUTH_GOOGLE_ISSUER: `${FAKE_OAUTH_ORIGIN}/google`,
        NODE_ENV: 'production',
        // Read by `next build` into the browser's Blob SDK: e2e/blob-uploads.spec.ts's fake store.
        NEXT_PUBLIC_VERCEL_BLOB_API_URL: FAKE_BLOB_API_URL,
      },
    },
    {
      command: `npx next start -p ${ENGINE_APP_PORT} -H 127.0.0.1`,
      url: `${ENGINE_APP_BASE_URL}/sign-in`,
      timeout: 60_000,
      reuseExistingServer: !process.env.CI,
      stdout: 'pipe',
      // No upstream (also when the runner's environment has one): the app uses its offline engine
      // on loopback, which needs PORT to find itself; one recognition at a time, the rest queue.
      env: {
        DATA_DIR: E2E_ENGINE_DATA_DIR,
        TRANSCRIBE_BASE_URL: '',
        TRANSCRIBE_API_KEY: '',
        PORT: String(ENGINE_APP_PORT),
        ENGINE_CONCURRENCY: '1',
        RATE_LIMIT_SIGN_UPS_PER_IP: '100000',
        AUTH_SECRET: 'e2e-engine-secret-not-for-production-0123456789',
        AUTH_TRUST_HOST: 'true',
        NODE_ENV: 'production',
      },
    },
  ],
});
