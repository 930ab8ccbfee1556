import { rmSync } from 'node:fs';
import { defineConfig } from '@playwright/test';
import {
  APP_BASE_URL,
  APP_PORT,
  E2E_DATA_DIR,
  FAKE_UPSTREAM_API_KEY,
  FAKE_UPSTREAM_URL,
} from './e2e/support/constants';

// Workers re-evaluate this file while the app is running: only the runner process may wipe.
if (process.env.TEST_WORKER_INDEX === undefined) {
  rmSync(E2E_DATA_DIR, { recursive: true, force: true });
}

export default defineConfig({
  testDir: 'e2e',
  fullyParallel: false,
  workers: process.env.CI ? 1 : 2,
  retries: 0,
  timeout: 60_000,
  reporter: [['list'], ['json', { outputFile: 'test-results/results.json' }], ['./e2e/support/summary-reporter.ts']],
  globalSetup: './e2e/global-setup.ts',
  use: {
    baseURL: APP_BASE_URL,
  },
  projects: [
    {
      name: 'chromium',
      use: {
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: [
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
            '--disable-quic',
          ],
        },
      },
    },
  ],
  webServer: {
    command: `npm run build && npx next start -p ${APP_PORT} -H 127.0.0.1`,
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
      AUTH_SECRET: 'e2e-secret-not-for-production-0123456789abcdef',
      AUTH_TRUST_HOST: 'true',
      NODE_ENV: 'production',
    },
  },
});
