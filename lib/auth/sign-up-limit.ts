import 'server-only';

import { takeWindowedAttempt } from '@/lib/db/auth-attempts';
import { getConfig } from '@/lib/env';

const WINDOW_MS = 60 * 60 * 1000;

/**
 * Takes one of this address's account creations for the hour; false when none is left. Every
 * attempt counts, not only those that succeed: each costs a password hash and can probe emails.
 */
export function takeSignUpAttempt(ip: string) {
  return takeWindowedAttempt({ key: `sign-up:address:${ip}`, limit: getConfig().limits.signUpsPerIp, windowMs: WINDOW_MS });
}
