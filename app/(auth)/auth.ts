import { Auth, setEnvDefaults as setAuthEnvDefaults } from '@auth/core';
import { headers } from 'next/headers';
import type { NextRequest } from 'next/server';
import NextAuth, { type Account, CredentialsSignin, type NextAuthConfig, type Profile, type User } from 'next-auth';
import { getToken } from 'next-auth/jwt';
import Credentials from 'next-auth/providers/credentials';
import GitHub from 'next-auth/providers/github';
import Google from 'next-auth/providers/google';
import { credentialsSchema, safeCallbackUrl } from '@/lib/auth/credentials';
import { LINK_INTENT_COOKIE, readLinkIntent } from '@/lib/auth/link-intent';
import { hashPassword, needsRehash, spendPasswordCheckTime, verifyPassword } from '@/lib/auth/password';
import { oauthProviderSchema, readProviderIdentity } from '@/lib/auth/provider-identity';
import { sessionUserIdFromCookies, usesSecureCookies } from '@/lib/auth/session-token';
import { recordSignInSuccess, takeSignInAttempt } from '@/lib/auth/sign-in-limit';
import { clientIpFrom } from '@/lib/client-address';
import { linkOAuthIdentity, type OAuthProvider, signInWithOAuthIdentity } from '@/lib/db/oauth-identities';
import { getUserByEmail, updateUserPasswordHash, userExists } from '@/lib/db/users';
import { getAuthSecret, getConfig } from '@/lib/env';
import { hashForLog, log } from '@/lib/log';

/** Where Auth.js's routes live (app/(auth)/api/auth/[...nextauth]); server actions use it too. */
const AUTH_BASE_PATH = '/api/auth';

/** Thrown from `authorize`: the sign-in form shows it apart from a wrong password. */
export class SignInRateLimited extends CredentialsSignin {
  code = 'rate_limited';
  constructor(readonly retryAfterMs: number) {
    super();
  }
}

/** The signed-in user behind this request's session cookie (under either of Auth.js's names). */
async function sessionUserIdFrom(request: Request, secret: string) {
  for (const secureCookie of [true, false]) {
    const token = await getToken({ req: request, secret, secureCookie }).catch(() => null);
    if (token?.sub) return token.sub;
  }
  return undefined;
}

/** The user connecting `provider` from Settings: a genuine link note that matches the session. */
async function connectingUserId(request: Request | undefined, provider: OAuthProvider, secret: string) {
  if (!request) return undefined;
  const note = request.headers
    .get('cookie')
    ?.split(/;\s*/)
    .find((cookie) => cookie.startsWith(`${LINK_INTENT_COOKIE}=`))
    ?.slice(LINK_INTENT_COOKIE.length + 1);
  const userId = readLinkIntent(note, { provider, secret });
  if (!userId) return undefined;
  return (await sessionUserIdFrom(request, secret)) === userId ? userId : undefined;
}

/**
 * Decides what an OAuth sign-in does. Returning a path sends the browser there without a new
 * session; returning true signs in as `user.id`, which this sets to our user's id (Auth.js puts
 * it in the session token).
 */
async function oauthSignIn({ user, account, profile, request, secret }: { user: User; account: Account; profile: Profile | undefined; request: Request | undefined; secret: string }) {
  const provider = oauthProviderSchema.parse(account.provider);
  const identity = await readProviderIdentity({ provider, account, profile });

  const connectingUser = await connectingUserId(request, provider, secret);
  if (connectingUser) {
    if (!identity.emailVerified) return `/settings?link_error=unverified&provider=${provider}`;
    const linked = await linkOAuthIdentity({ userId: connectingUser, identity });
    log.info('auth.oauth_link', { provider, outcome: linked });
    return linked === 'linked' ? `/settings?connected=${provider}` : `/settings?link_error=${linked}&provider=${provider}`;
  }

  const outcome = await signInWithOAuthIdentity(identity);
  if (outcome.kind === 'email_taken') {
    log.info('auth.oauth_email_taken', { provider });
    return `/sign-in?error=OAuthAccountExists&provider=${provider}`;
  }
  user.id = outcome.userId;
  return true;
}

function buildConfig(request: Request | undefined): NextAuthConfig {
  const { oauth } = getConfig();
  const secret = getAuthSecret();
  return {
    secret,
    basePath: AUTH_BASE_PATH,
    trustHost: true,
    session: { strategy: 'jwt' },
    pages: { signIn: '/sign-in', error: '/sign-in' },
    logger: {
      // A wrong password is an answer, not an error: keep it out of the error log.
      error(error) {
        if (error instanceof CredentialsSignin) return;
        // Auth.js wraps what failed (a provider's refusal, a database error) in `cause.err`.
        const inner = (error.cause as { err?: unknown } | undefined)?.err;
        log.error('auth', {
          name: error.name,
          type: 'type' in error ? String(error.type) : undefined,
          cause: inner instanceof Error ? `${inner.name}: ${inner.message}` : error.message,
        });
      },
    },
    providers: [
      Credentials({
        credentials: { email: {}, password: {} },
        async authorize(raw, authRequest) {
          const parsed = credentialsSchema.safeParse(raw);
          if (!parsed.success) return null;
          const attempt = { email: parsed.data.email, ip: clientIpFrom(authRequest.headers) };
          const place = await takeSignInAttempt(attempt);
          if (!place.allowed) {
            log.warn('auth.rate_limited', { accountHash: hashForLog(attempt.email) });
            throw new SignInRateLimited(place.retryAfterMs);
          }
          const user = await getUserByEmail({ email: parsed.data.email });
          const passwordMatches = user?.password_hash
            ? await verifyPassword(parsed.data.password, user.password_hash)
            : await spendPasswordCheckTime(parsed.data.password).then(() => false);
          if (!user?.password_hash || !passwordMatches) return null;
          await recordSignInSuccess(attempt);
          if (needsRehash(user.password_hash)) {
            await updateUserPasswordHash({ userId: user.id, passwordHash: await hashPassword(parsed.data.password), previousHash: user.password_hash });
          }
          return { id: user.id, email: user.email, name: user.name };
        },
      }),
      ...(oauth.github
        ? [GitHub({ clientId: oauth.github.clientId, clientSecret: oauth.github.clientSecret, enterprise: oauth.github.baseUrl ? { baseUrl: oauth.github.baseUrl } : undefined })]
        : []),
      ...(oauth.google ? [Google({ clientId: oauth.google.clientId, clientSecret: oauth.google.clientSecret, issuer: oauth.google.issuer })] : []),
    ],
    callbacks: {
      async signIn({ user, account, profile }) {
        if (!account || account.type === 'credentials') return true;
        return oauthSignIn({ user, account, profile, request, secret });
      },
      redirect({ url, baseUrl }) {
        return safeCallbackUrl(url, baseUrl);
      },
      session({ session, token }) {
        if (token.sub) session.user.id = token.sub;
        return session;
      },
    },
  };
}

// Lazy, so that `next build` neither reads the data folder nor needs a secret. Auth.js's own
// routes go through `handlers` below, which pass the request (the OAuth callback reads the link
// note from it).
const nextAuth = NextAuth((request) => buildConfig(request));
export const { signIn, signOut } = nextAuth;

/**
 * The URL the browser used, built the way next-auth's server actions build theirs (`signIn` from
 * a form): AUTH_URL's origin, else X-Forwarded-Host or Host. Route handlers cannot use their own
 * `request.url`: Next 16 gives them `localhost` under `next start`, and every NextRequest (so also
 * the one next-auth rebuilds from AUTH_URL) turns a loopback host such as 127.0.0.1 into
 * `localhost`. Auth.js takes the OAuth redirect_uri, the callback's base URL and its error pages
 * from the request's URL, so the token request would name a different redirect_uri than the
 * authorization did (the provider refuses it) and the browser would be sent to another origin.
 */
function publicUrlOf(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const envUrl = process.env.AUTH_URL ?? process.env.NEXTAUTH_URL;
  if (envUrl) return new URL(`${pathname}${search}`, new URL(envUrl).origin);
  const host = request.headers.get('x-forwarded-host') ?? request.headers.get('host');
  const protocol = (request.headers.get('x-forwarded-proto') ?? request.nextUrl.protocol).replace(/:$/, '');
  return new URL(`${pathname}${search}`, host ? `${protocol}://${host}` : request.nextUrl.origin);
}

/**
 * Auth.js's GET and POST routes. What next-auth's `handlers` do, but with a plain Request at the
 * public URL: next-auth would wrap it in a NextRequest again, which puts `localhost` back.
 */
async function authRoute(request: NextRequest) {
  const config = buildConfig(request);
  setAuthEnvDefaults(process.env, config, true);
  const init: RequestInit & { duplex: 'half' } = { method: request.method, headers: request.headers, body: request.body, duplex: 'half', signal: request.signal };
  return Auth(new Request(publicUrlOf(request), init), config);
}

export const handlers = { GET: authRoute, POST: authRoute };

/**
 * The signed-in user's id, or undefined. Every route handler, page and action calls this itself.
 * It reads the session cookie as `auth()` would, without running Auth.js's session endpoint
 * (lib/auth/session-token.ts). The user must still exist: a deleted account's sessions on other
 * devices end with it, on every instance at once, so this asks the database each time.
 */
export async function getSignedInUserId(): Promise<string | undefined> {
  const requestHeaders = await headers();
  const userId = await sessionUserIdFromCookies({
    cookieHeader: requestHeaders.get('cookie'),
    secure: usesSecureCookies({ authUrl: process.env.AUTH_URL ?? process.env.NEXTAUTH_URL, forwardedProto: requestHeaders.get('x-forwarded-proto') }),
    secret: getAuthSecret(),
  });
  if (!userId) return undefined;
  return (await userExists({ userId })) ? userId : undefined;
}

export function enabledOAuthProviders() {
  const { oauth } = getConfig();
  return { github: Boolean(oauth.github), google: Boolean(oauth.google) };
}
