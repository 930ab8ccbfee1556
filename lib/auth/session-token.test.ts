import { Auth, type AuthConfig, createActionURL } from '@auth/core';
import { encode } from '@auth/core/jwt';
import Credentials from '@auth/core/providers/credentials';
import { describe, expect, it } from 'vitest';
import { sessionCookieName, sessionTokenFrom, sessionUserIdFromCookies, usesSecureCookies } from './session-token';

const secret = 'session-token-test-secret-0123456789';
const userId = '6a3c2f0e-1111-4222-8333-944455556666';
/** Auth.js's chunk size: 4096 bytes a cookie, less an estimated 160 for its attributes. */
const CHUNK_SIZE = 4096 - 160;

const tokenFor = (cookieName: string, extra: Record<string, unknown> = {}, maxAge?: number) =>
  encode({ token: { sub: userId, ...extra }, secret, salt: cookieName, ...(maxAge === undefined ? {} : { maxAge }) });

/** The cookies Auth.js sets for a token that does not fit in one (SessionStore.chunk). */
function chunked(name: string, token: string) {
  const count = Math.ceil(token.length / CHUNK_SIZE);
  return Array.from({ length: count }, (_, index) => [`${name}.${index}`, token.slice(index * CHUNK_SIZE, (index + 1) * CHUNK_SIZE)] as const);
}

/** What next-auth's `auth()` answers for these request headers: Auth.js's own session endpoint. */
async function authJsSessionUserId({ authUrl, forwardedProto, cookie }: { authUrl?: string; forwardedProto?: string; cookie: string }) {
  const headers = new Headers({ host: 'app.example', cookie, ...(forwardedProto ? { 'x-forwarded-proto': forwardedProto } : {}) });
  const config: AuthConfig = {
    secret,
    trustHost: true,
    basePath: '/api/auth',
    session: { strategy: 'jwt' },
    providers: [Credentials({ credentials: {}, authorize: () => null })],
    logger: { error: () => undefined },
    callbacks: {
      session({ session, token }) {
        if (token.sub) session.user.id = token.sub;
        return session;
      },
    },
  };
  const url = createActionURL('session', headers.get('x-forwarded-proto') ?? 'https', headers, authUrl ? { AUTH_URL: authUrl } : {}, config);
  const response = await Auth(new Request(url, { headers: { cookie } }), config);
  const body = (await response.json()) as { user?: { id?: string } } | null;
  return body?.user?.id;
}

describe('which session cookie', () => {
  it.each([
    [{ authUrl: 'https://app.example', forwardedProto: 'http' }, true],
    [{ authUrl: 'http://127.0.0.1:3000', forwardedProto: 'https' }, false],
    [{ authUrl: undefined, forwardedProto: 'https' }, true],
    [{ authUrl: undefined, forwardedProto: 'HTTPS' }, true],
    [{ authUrl: undefined, forwardedProto: 'http' }, false],
    [{ authUrl: undefined, forwardedProto: null }, true],
  ])('%o → secure %s', (request, secure) => {
    expect(usesSecureCookies(request)).toBe(secure);
  });

  it('names the cookie as Auth.js does', () => {
    expect(sessionCookieName(true)).toBe('__Secure-authjs.session-token');
    expect(sessionCookieName(false)).toBe('authjs.session-token');
  });

  it.each([
    ['https behind a proxy', { forwardedProto: 'https' }, true],
    ['http', { forwardedProto: 'http' }, false],
    ['AUTH_URL https over a plain hop', { authUrl: 'https://app.example', forwardedProto: 'http' }, true],
    ['AUTH_URL http with a forged X-Forwarded-Proto', { authUrl: 'http://app.example', forwardedProto: 'https' }, false],
  ] as [string, { authUrl?: string; forwardedProto: string }, boolean][])('agrees with Auth.js’s session endpoint: %s', async (_, request, secure) => {
    const secureCookie = `__Secure-authjs.session-token=${await tokenFor('__Secure-authjs.session-token')}`;
    const plainCookie = `authjs.session-token=${await tokenFor('authjs.session-token')}`;
    for (const cookie of [secureCookie, plainCookie]) {
      const expected = await authJsSessionUserId({ ...request, cookie });
      const ours = await sessionUserIdFromCookies({ cookieHeader: cookie, secure: usesSecureCookies({ authUrl: request.authUrl, forwardedProto: request.forwardedProto }), secret });
      expect(ours).toBe(expected);
      expect(ours === userId).toBe(cookie === (secure ? secureCookie : plainCookie));
    }
  });
});

describe('session token', () => {
  it('joins chunks in the order of their number, whatever the order of the cookies', async () => {
    const name = sessionCookieName(true);
    // Over ten chunks: `.10` must come after `.9`, not after `.1`.
    const token = await tokenFor(name, { padding: 'x'.repeat(11 * CHUNK_SIZE) });
    const chunks = chunked(name, token);
    expect(chunks.length).toBeGreaterThan(10);
    const header = ['theme=dark', ...chunks.reverse().map(([chunkName, value]) => `${chunkName}=${value}`)].join('; ');
    expect(sessionTokenFrom(header, name)).toBe(token);
    expect(await sessionUserIdFromCookies({ cookieHeader: header, secure: true, secret })).toBe(userId);
    expect(await authJsSessionUserId({ forwardedProto: 'https', cookie: header })).toBe(userId);
  });

  it('reads one unchunked cookie among others, the first of a repeated name winning', async () => {
    const name = sessionCookieName(false);
    const token = await tokenFor(name);
    expect(sessionTokenFrom(`a=1; ${name}=${token}; ${name}=other`, name)).toBe(token);
    expect(sessionTokenFrom(`a=1; ${name}=`, name)).toBeUndefined();
    expect(sessionTokenFrom('', name)).toBeUndefined();
  });

  it.each([
    ['no cookie', async () => null],
    ['another secret', async () => `authjs.session-token=${await encode({ token: { sub: userId }, secret: 'other-secret', salt: 'authjs.session-token' })}`],
    ['the other cookie name', async () => `authjs.session-token=${await tokenFor('__Secure-authjs.session-token')}`],
    ['an expired token', async () => `authjs.session-token=${await tokenFor('authjs.session-token', {}, -60)}`],
    ['garbage', async () => 'authjs.session-token=not-a-token'],
    ['no subject', async () => `authjs.session-token=${await encode({ token: { name: 'x' }, secret, salt: 'authjs.session-token' })}`],
  ])('refuses %s', async (_, cookie) => {
    expect(await sessionUserIdFromCookies({ cookieHeader: await cookie(), secure: false, secret })).toBeUndefined();
  });

  it('refuses a token once it expires, also after it was read while valid', async () => {
    const cookie = `authjs.session-token=${await tokenFor('authjs.session-token', {}, 60)}`;
    const nowSeconds = Date.now() / 1000;
    expect(await sessionUserIdFromCookies({ cookieHeader: cookie, secure: false, secret, nowSeconds })).toBe(userId);
    expect(await sessionUserIdFromCookies({ cookieHeader: cookie, secure: false, secret, nowSeconds: nowSeconds + 30 })).toBe(userId);
    // jose's tolerance of 15 s for clock skew, as Auth.js's decode.
    expect(await sessionUserIdFromCookies({ cookieHeader: cookie, secure: false, secret, nowSeconds: nowSeconds + 80 })).toBeUndefined();
  });
});
