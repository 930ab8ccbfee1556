import 'server-only';

import { getConfig } from '@/lib/env';
import { processSingleton } from '@/lib/process-singleton';
import { SlidingWindowCounter } from '@/lib/rate-limit';

const WINDOW_MS = 60 * 60 * 1000;

const attemptsByIp = processSingleton('sign-up-attempts', () => new SlidingWindowCounter(WINDOW_MS));

/**
 * Takes one of this address's account creations for the hour; false when none is left. Every
 * attempt counts, not only those that succeed: each costs a password hash and can probe emails.
 */
export function takeSignUpAttempt(ip: string) {
  if (attemptsByIp.count(ip) >= getConfig().limits.signUpsPerIp) return false;
  attemptsByIp.add(ip);
  return true;
}
