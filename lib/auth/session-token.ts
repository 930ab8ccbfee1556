import { decode } from '@auth/core/jwt';

// The signed-in user from the session cookie alone: what Auth.js's session endpoint does for a
// JWT session, minus the work a server-side check throws away (running callbacks, re-encrypting
// a refreshed cookie that `auth()` never sends). Each step follows @auth/core 0.41 exactly:
// which cookie name (lib/init.js, defaultCookies), how chunks join (SessionStore), and the
// decryption (jwt.decode, salted with the cookie name).

const SESSION_COOKIE = 'authjs.session-token';

/**
 * Whether Auth.js issues `__Secure-` cookies for this request: the protocol of AUTH_URL (or
 * NEXTAUTH_URL) when set, else X-Forwarded-Proto, which Next sets from the connection unless a
 * proxy sent one, else https (next-auth's createActionURL).
 */
export function usesSecureCookies({ authUrl, forwardedProto }: { authUrl: string | undefined; forwardedProto: string | null }) {
  if (authUrl) return new URL(authUrl).protocol === 'https:';
  return (forwardedProto ?? 'https').replace(/:$/, '').toLowerCase() === 'https';
}

export function sessionCookieName(secure: boolean) {
  return secure ? `__Secure-${SESSION_COOKIE}` : SESSION_COOKIE;
}

/** Cookie values by name, the first of each name winning, as Auth.js's vendored `cookie.parse`. */
function parseCookies(header: string) {
  const cookies = new Map<string, string>();
  for (const pair of header.split(';')) {
    const equals = pair.indexOf('=');
    if (equals === -1) continue;
    const name = pair.slice(0, equals).trim();
    if (cookies.has(name)) continue;
    const value = pair.slice(equals + 1).trim();
    cookies.set(name, value.includes('%') ? decodeOrKeep(value) : value);
  }
  return cookies;
}

function decodeOrKeep(value: string) {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * The session token from the cookie header: a cookie over 4 KB is split by Auth.js into `name.0`,
 * `name.1`, …; every non-empty cookie whose name starts with `name` is a piece, joined in the
 * order of its numeric suffix (SessionStore.value).
 */
export function sessionTokenFrom(cookieHeader: string, cookieName: string): string | undefined {
  const pieces = [...parseCookies(cookieHeader)].filter(([name, value]) => name.startsWith(cookieName) && value !== '');
  const suffix = (name: string) => parseInt(name.split('.').pop() || '0');
  pieces.sort(([a], [b]) => suffix(a) - suffix(b));
  return pieces.map(([, value]) => value).join('') || undefined;
}

/** Seconds of clock skew jose's jwtDecrypt allows (Auth.js's decode passes 15). */
const CLOCK_TOLERANCE_SECONDS = 15;
const MAX_REMEMBERED_TOKENS = 1000;

/**
 * Tokens already decrypted, by salt and token: decryption derives the key (HKDF) and decrypts
 * every time, about 1 ms, for the same cookie on every request of a session. A hit still
 * honours the token's expiry; the key is the whole token, so only its holder can hit it.
 */
const verified = new Map<string, { userId: string | undefined; expiresAt: number }>();

function remember(key: string, entry: { userId: string | undefined; expiresAt: number }) {
  if (verified.size >= MAX_REMEMBERED_TOKENS) verified.delete(verified.keys().next().value as string);
  verified.set(key, entry);
}

/**
 * The user id the session cookie names, if the cookie decrypts with the secret and has not
 * expired; undefined otherwise. Whether that user still exists is the caller's question.
 */
export async function sessionUserIdFromCookies({
  cookieHeader,
  secure,
  secret,
  nowSeconds = Date.now() / 1000,
}: {
  cookieHeader: string | null;
  secure: boolean;
  secret: string;
  nowSeconds?: number;
}): Promise<string | undefined> {
  const salt = sessionCookieName(secure);
  const token = cookieHeader ? sessionTokenFrom(cookieHeader, salt) : undefined;
  if (!token) return undefined;
  const key = `${secret}\n${salt}\n${token}`;
  const known = verified.get(key);
  if (known) return nowSeconds <= known.expiresAt + CLOCK_TOLERANCE_SECONDS ? known.userId : undefined;
  try {
    const payload = await decode({ token, secret, salt });
    const userId = typeof payload?.sub === 'string' && payload.sub !== '' ? payload.sub : undefined;
    remember(key, { userId, expiresAt: typeof payload?.exp === 'number' ? payload.exp : Number.POSITIVE_INFINITY });
    return userId;
  } catch {
    return undefined;
  }
}
