import 'server-only';

import { CredentialsSignin } from 'next-auth';
import { getConfig } from '@/lib/env';
import { processSingleton } from '@/lib/process-singleton';
import { SlidingWindowCounter } from '@/lib/rate-limit';

const WINDOW_MS = 15 * 60 * 1000;

const failures = processSingleton('sign-in-failures', () => ({
  byAccount: new SlidingWindowCounter(WINDOW_MS),
  byIp: new SlidingWindowCounter(WINDOW_MS),
}));

/** Thrown from `authorize`: the sign-in form shows it apart from a wrong password. */
export class SignInRateLimited extends CredentialsSignin {
  code = 'rate_limited';
}

/** Too many failed attempts for this account or from this address: refuse even a right password. */
export function isSignInBlocked({ email, ip }: { email: string; ip: string }) {
  const { signInFailuresPerAccount, signInFailuresPerIp } = getConfig().limits;
  return failures.byAccount.count(email) >= signInFailuresPerAccount || failures.byIp.count(ip) >= signInFailuresPerIp;
}

export function recordSignInFailure({ email, ip }: { email: string; ip: string }) {
  failures.byAccount.add(email);
  failures.byIp.add(ip);
}

export function recordSignInSuccess({ email }: { email: string }) {
  failures.byAccount.clear(email);
}
