import { createHmac, timingSafeEqual } from 'node:crypto';

// "Connect GitHub" leaves the app for the provider and comes back to Auth.js's callback, which
// only sees the provider's answer. This signed, short-lived note (a cookie) carries who asked;
// the callback also checks it against the session, so a note left behind links nothing.

export const LINK_INTENT_COOKIE = 'verbatim-link-intent';
export const LINK_INTENT_TTL_MS = 10 * 60 * 1000;

function sign(payload: string, secret: string) {
  return createHmac('sha256', `link-intent:${secret}`).update(payload).digest('base64url');
}

export function createLinkIntent({ userId, provider, secret, nowMs = Date.now() }: { userId: string; provider: string; secret: string; nowMs?: number }) {
  const payload = [userId, provider, nowMs + LINK_INTENT_TTL_MS].join('.');
  return `${payload}.${sign(payload, secret)}`;
}

/** The user who asked to connect `provider`, if the note is genuine, for that provider and unexpired. */
export function readLinkIntent(value: string | undefined, { provider, secret, nowMs = Date.now() }: { provider: string; secret: string; nowMs?: number }) {
  const parts = value?.split('.');
  if (!parts || parts.length !== 4) return undefined;
  const [userId = '', intentProvider, expiresMs, signature = ''] = parts;
  const expected = Buffer.from(sign(parts.slice(0, 3).join('.'), secret));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  if (intentProvider !== provider || !(Number(expiresMs) > nowMs)) return undefined;
  return userId;
}
