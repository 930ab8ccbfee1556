import 'server-only';

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The key the app uses to call its own engine, generated on first use and kept in the data
 * folder (mode 600) like the auth secret, so the engine is never an open compute endpoint.
 */
export function readOrCreateEngineKey(dataDir: string): string {
  const keyFile = path.join(dataDir, 'engine-key');
  try {
    return readFileSync(keyFile, 'utf8').trim();
  } catch {
    mkdirSync(dataDir, { recursive: true });
    try {
      writeFileSync(keyFile, `vbe-${randomBytes(32).toString('base64url')}`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    return readFileSync(keyFile, 'utf8').trim();
  }
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Whether an Authorization header carries `Bearer <key>`, compared in constant time. */
export function bearerMatches(authorization: string | null, key: string): boolean {
  if (!key) return false;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization ?? '');
  // Digests have a fixed length, so neither the key's length nor its bytes leak through timing.
  return timingSafeEqual(digest(match?.[1] ?? ''), digest(key)) && match !== null;
}
