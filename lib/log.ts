import { createHmac } from 'node:crypto';
import { getAuthSecret } from '@/lib/env';
import { instanceId } from '@/lib/instance';

type Fields = Record<string, string | number | boolean | null | undefined>;

function write(level: 'info' | 'warn' | 'error', event: string, fields: Fields) {
  const line = JSON.stringify({ time: new Date().toISOString(), level, instance: instanceId, event, ...fields });
  if (level === 'error') console.error(line);
  else console.log(line);
}

/**
 * Structured one-line logs. Callers pass only identifiers, sizes, timings and codes:
 * never audio, transcript text, file names, tokens, cookies or the upstream key.
 */
export const log = {
  info: (event: string, fields: Fields = {}) => write('info', event, fields),
  warn: (event: string, fields: Fields = {}) => write('warn', event, fields),
  error: (event: string, fields: Fields = {}) => write('error', event, fields),
};

/**
 * A stable pseudonym for a user id or an email, so that log lines about one person can be
 * grouped without naming them. Keyed with the auth secret: a dictionary of emails cannot undo it.
 */
export function hashForLog(value: string) {
  return createHmac('sha256', getAuthSecret()).update(value).digest('hex').slice(0, 16);
}
