import 'server-only';

import { createHash, randomBytes } from 'node:crypto';
import { recordApiKeyUse } from '@/lib/db/api-keys';
import { AppError } from '@/lib/errors';

/** `vb_` marks a Verbatim key for secret scanners; 43 base62 characters are 256 random bits. */
export const API_KEY_PREFIX = 'vb_';
const KEY_BODY_LENGTH = 43;
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** Characters of a key kept in clear to tell keys apart in Settings (the prefix and 7 of 256 bits). */
const DISPLAYED_LENGTH = 10;
const apiKeyPattern = /^vb_[0-9A-Za-z]{43}$/;

/**
 * A new key, its hash (all that is stored) and the part shown in lists. Base62 has no `-` or `_`
 * inside the key, so a double-click selects all of it.
 */
export function createApiKey() {
  let body = '';
  while (body.length < KEY_BODY_LENGTH) {
    for (const byte of randomBytes(64)) {
      // 248 = 4 × 62: bytes above it are skipped, so every character is equally likely.
      if (byte < 248 && body.length < KEY_BODY_LENGTH) body += ALPHABET[byte % 62];
    }
  }
  const key = `${API_KEY_PREFIX}${body}`;
  return { key, keyHash: hashApiKey(key), displayed: key.slice(0, DISPLAYED_LENGTH) };
}

/**
 * SHA-256 suffices for a key of 256 random bits (no dictionary to try); the lookup by hash
 * compares digests, never the key, so its timing says nothing about a key's bytes.
 */
export function hashApiKey(key: string) {
  return createHash('sha256').update(key).digest('hex');
}

/** The key of an `Authorization: Bearer vb_…` header; undefined without one, null when malformed. */
export function apiKeyFromAuthorization(authorization: string | null): string | null | undefined {
  const bearer = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization ?? '');
  if (!bearer) return undefined;
  const key = bearer[1] ?? '';
  return apiKeyPattern.test(key) ? key : null;
}

export type AuthenticatedApiKey = { userId: string; apiKey: { id: string; name: string } };

/**
 * The user and key behind a request's bearer key, counting the call. A revoked key is deleted,
 * so it fails on the very next request, on every instance.
 */
export async function authenticateApiKey(authorization: string | null): Promise<AuthenticatedApiKey> {
  const key = apiKeyFromAuthorization(authorization);
  if (key === undefined) {
    throw new AppError(
      'unauthorized:api_key_missing',
      "You didn't provide an API key. Send it in an Authorization header as 'Bearer vb_…'; create one in Settings → API keys.",
    );
  }
  const found = key === null ? undefined : await recordApiKeyUse({ keyHash: hashApiKey(key) });
  if (!found) throw new AppError('unauthorized:api_key', 'Incorrect API key provided. Create a key in Settings → API keys.');
  return { userId: found.user_id, apiKey: { id: found.id, name: found.name } };
}
