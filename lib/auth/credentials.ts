import { z } from 'zod';

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: 'Enter a valid email address.' }).max(254, { error: 'That email address is too long.' }));

export const passwordSchema = z
  .string()
  .min(8, { error: 'Use at least 8 characters for your password.' })
  .max(200, { error: 'Use at most 200 characters for your password.' });

export const credentialsSchema = z.object({ email: emailSchema, password: passwordSchema });

/**
 * A fixed stand-in for the app's origin. Resolving against it rather than the request's Host
 * (which a client can choose) gives the same answer for every relative path, and anything that
 * leaves it would leave the real origin too.
 */
const APP_ORIGIN = 'https://verbatim.invalid';

/** Characters browsers drop or reinterpret in a URL (tab, newline, backslash…), so never in a callback. */
const UNSAFE_CHARACTERS = /[\p{Cc}\p{Z}\s\\]/u;

function isSafePathText(text: string) {
  return text.startsWith('/') && !text.startsWith('//') && !UNSAFE_CHARACTERS.test(text);
}

/**
 * Where to go after signing in: a path on this site (with its query and fragment), else `/`, so
 * that a crafted link cannot send people elsewhere. The path is also checked percent-decoded,
 * since some servers and proxies decode it again; the query may hold encoded spaces (a search).
 */
export function safeCallbackPath(value: unknown): string {
  if (typeof value !== 'string' || value.length > 2048 || !isSafePathText(value)) return '/';
  let decodedPath: string;
  try {
    decodedPath = decodeURIComponent(value.split(/[?#]/, 1)[0] ?? '');
  } catch {
    return '/';
  }
  if (!isSafePathText(decodedPath)) return '/';
  const url = new URL(value, APP_ORIGIN);
  if (url.origin !== APP_ORIGIN) return '/';
  return `${url.pathname}${url.search}${url.hash}`;
}

/** The same rule for an absolute URL on this app's origin (Auth.js hands callbacks over that way). */
export function safeCallbackUrl(value: string, appOrigin: string): string {
  let path = value;
  if (!value.startsWith('/')) {
    try {
      const url = new URL(value);
      path = url.origin === appOrigin ? `${url.pathname}${url.search}${url.hash}` : '/';
    } catch {
      path = '/';
    }
  }
  return `${appOrigin}${safeCallbackPath(path)}`;
}
