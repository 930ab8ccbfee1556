import 'server-only';

import { createHash, randomBytes } from 'node:crypto';
import { getSharedTranscriptByTokenHash } from '@/lib/db/share-links';

/** 256 random bits; only the hash is stored, so a database leak reveals no working link. */
export function createShareToken() {
  const token = randomBytes(32).toString('base64url');
  return { token, tokenHash: hashShareToken(token) };
}

export function hashShareToken(token: string) {
  return createHash('sha256').update(token).digest('hex');
}

export const shareTokenPattern = /^[A-Za-z0-9_-]{43}$/;

/** The transcript behind a live link; undefined alike for a malformed, unknown, expired or revoked token. */
export async function findSharedTranscript({ token, recordView }: { token: string; recordView: boolean }) {
  if (!shareTokenPattern.test(token)) return undefined;
  return getSharedTranscriptByTokenHash({ tokenHash: hashShareToken(token), recordView });
}
