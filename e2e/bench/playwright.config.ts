import { defineConfig } from '@playwright/test';

/** `npm run bench`: measurements, not tests of behaviour; never part of `npm test`. */
export default defineConfig({
  testDir: '.',
  testMatch: /.*\.bench\.ts$/,
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 600_000,
  // Signing up hashes a password at OWASP's scrypt cost: seconds on a busy machine.
  expect: { timeout: 30_000 },
  reporter: [['list']],
  use: {
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
  },
});
