import 'server-only';

import { createHash } from 'node:crypto';
import { clearAttempts, giveBackWindowedAttempt, takeDelayedAttempt, takeWindowedAttempt } from '@/lib/db/auth-attempts';
import { getConfig } from '@/lib/env';

const ADDRESS_WINDOW_MS = 15 * 60 * 1000;
const FIRST_DELAY_MS = 30 * 1000;
const LONGEST_DELAY_MS = 15 * 60 * 1000;

export type SignInAttempt = { email: string; ip: string };

const addressKey = ({ ip }: SignInAttempt) => `sign-in:address:${ip}`;
// Hashed: the table should not hold the emails people typed, most of them wrong.
const accountAtAddressKey = ({ email, ip }: SignInAttempt) => `sign-in:account:${createHash('sha256').update(email).digest('base64url')}:${ip}`;

/**
 * Takes a place for one password check, before the check runs. Failures are counted per account
 * *and address*: after a few, that address waits longer and longer for its next try at that
 * account, while the owner elsewhere still signs in at once (a lockout per account would let
 * anyone lock them out). Each address also has an overall budget, against spraying many accounts.
 */
export async function takeSignInAttempt(attempt: SignInAttempt): Promise<{ allowed: true } | { allowed: false; retryAfterMs: number }> {
  const { signInFailuresPerAccount, signInFailuresPerIp } = getConfig().limits;
  if (!(await takeWindowedAttempt({ key: addressKey(attempt), limit: signInFailuresPerIp, windowMs: ADDRESS_WINDOW_MS }))) {
    return { allowed: false, retryAfterMs: ADDRESS_WINDOW_MS };
  }
  return takeDelayedAttempt({
    key: accountAtAddressKey(attempt),
    freeAttempts: signInFailuresPerAccount,
    baseDelayMs: FIRST_DELAY_MS,
    maxDelayMs: LONGEST_DELAY_MS,
  });
}

/** The right password: this address starts over for the account, and the try was no failure. */
export async function recordSignInSuccess(attempt: SignInAttempt) {
  await clearAttempts({ key: accountAtAddressKey(attempt) });
  await giveBackWindowedAttempt({ key: addressKey(attempt) });
}
