import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

const dataDir = mkdtempSync(path.join(tmpdir(), 'sign-in-limit-'));
vi.stubEnv('DATA_DIR', dataDir);
vi.stubEnv('DATABASE_URL', '');
vi.stubEnv('RATE_LIMIT_SIGN_IN_FAILURES_PER_ACCOUNT', '3');
vi.stubEnv('RATE_LIMIT_SIGN_IN_FAILURES_PER_IP', '6');
const { recordSignInSuccess, takeSignInAttempt } = await import('./sign-in-limit');
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const newEmail = () => `${crypto.randomUUID()}@example.test`;

describe('sign-in attempts', () => {
  it('makes an address wait after failures for one account, while the owner elsewhere signs in at once', async () => {
    const email = newEmail();
    const attacker = { email, ip: '203.0.113.10' };
    for (let failure = 0; failure < 3; failure++) expect(await takeSignInAttempt(attacker)).toEqual({ allowed: true });
    // Even the right password waits now, from that address.
    const refused = await takeSignInAttempt(attacker);
    expect(refused.allowed).toBe(false);
    expect(refused.allowed ? 0 : refused.retryAfterMs).toBeGreaterThan(25_000);

    const owner = { email, ip: '198.51.100.7' };
    expect(await takeSignInAttempt(owner)).toEqual({ allowed: true });
    await recordSignInSuccess(owner);
    expect(await takeSignInAttempt(attacker)).toMatchObject({ allowed: false });
  });

  it('limits failures from one address across accounts, and gives a success its place back', async () => {
    const ip = '203.0.113.20';
    for (let attempt = 0; attempt < 5; attempt++) expect(await takeSignInAttempt({ email: newEmail(), ip })).toEqual({ allowed: true });
    const regular = { email: newEmail(), ip };
    expect(await takeSignInAttempt(regular)).toEqual({ allowed: true });
    await recordSignInSuccess(regular);
    expect(await takeSignInAttempt({ email: newEmail(), ip })).toEqual({ allowed: true });
    expect(await takeSignInAttempt({ email: newEmail(), ip })).toMatchObject({ allowed: false });
  });
});
