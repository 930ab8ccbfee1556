import { NextRequest } from 'next/server';
import NextAuth, { type Account, CredentialsSignin, type NextAuthConfig, type Profile, type User } from 'next-auth';
import { getToken } from 'next-auth/jwt';
import Credentials from 'next-auth/providers/credentials';
import GitHub from 'next-auth/providers/github';
import Google from 'next-auth/providers/google';
import { credentialsSchema, safeCallbackUrl } from '@/lib/auth/credentials';
import { LINK_INTENT_COOKIE, readLinkIntent } from '@/lib/auth/link-intent';
import { hashPassword, needsRehash, spendPasswordCheckTime, verifyPassword } from '@/lib/auth/password';
import { oauthProviderSchema, readProviderIdentity } from '@/lib/auth/provider-identity';
import { recordSignInSuccess, takeSignInAttempt } from '@/lib/auth/sign-in-limit';
import { clientIpFrom } from '@/lib/client-address';
import { linkOAuthIdentity, type OAuthProvider, signInWithOAuthIdentity } from '@/lib/db/oauth-identities';
import { getUserByEmail, updateUserPasswordHash, userExists } from '@/lib/db/users';
import { getAuthSecret, getConfig } from '@/lib/env';
import { hashForLog, log } from '@/lib/log';

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

// Lazy, so that `next build` neither reads the data folder nor needs a secret; the request is
// there for Auth.js's own routes (the OAuth callback reads the link note from it).
const nextAuth = NextAuth((request) => buildConfig(request));
export const { auth, signIn, signOut } = nextAuth;

/**
 * Next 16 hands route handlers `http://localhost:PORT/…` as their URL, whatever the Host (and
 * next-auth's AUTH_URL rewrite keeps it). Auth.js derives the OAuth redirect_uri from it at the
 * callback, while a sign-in started from a server action derives it from AUTH_URL or the Host
 * header: the provider then refuses the mismatch. So the handlers get the URL built that way too.
 */
function publicUrlOf(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const forwardedHost = request.headers.get('x-forwarded-host') ?? request.headers.get('host');
  const protocol = request.headers.get('x-forwarded-proto') ?? request.nextUrl.protocol.replace(/:$/, '');
  const base = process.env.AUTH_URL ?? (forwardedHost ? `${protocol}://${forwardedHost}` : request.nextUrl.origin);
  return new URL(`${pathname}${search}`, base);
}

function withPublicUrl(handler: (request: NextRequest) => Promise<Response>) {
  return (request: NextRequest) => {
    const init = { method: request.method, headers: request.headers, body: request.body, duplex: 'half' as const, signal: request.signal };
    return handler(new NextRequest(publicUrlOf(request), init));
  };
}

export const handlers = { GET: withPublicUrl(nextAuth.handlers.GET), POST: withPublicUrl(nextAuth.handlers.POST) };

/**
 * The signed-in user's id, or undefined. Every route handler, page and action calls this itself.
 * The user must still exist: a deleted account's sessions on other devices end with it.
 */
export async function getSignedInUserId(): Promise<string | undefined> {
  const session = await auth();
  const userId = session?.user?.id;
  if (!userId) return undefined;
  return (await userExists({ userId })) ? userId : undefined;
}

export function enabledOAuthProviders() {
  const { oauth } = getConfig();
  return { github: Boolean(oauth.github), google: Boolean(oauth.google) };
}
