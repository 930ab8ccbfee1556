import NextAuth, { CredentialsSignin, type NextAuthConfig } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import GitHub from 'next-auth/providers/github';
import Google from 'next-auth/providers/google';
import { credentialsSchema } from '@/lib/auth/credentials';
import { spendPasswordCheckTime, verifyPassword } from '@/lib/auth/password';
import { isSignInBlocked, recordSignInFailure, recordSignInSuccess, SignInRateLimited } from '@/lib/auth/sign-in-limit';
import { clientIpFrom } from '@/lib/client-address';
import { getUserByEmail, upsertOAuthUser } from '@/lib/db/users';
import { getAuthSecret, getConfig } from '@/lib/env';
import { hashForLog, log } from '@/lib/log';

function buildConfig(): NextAuthConfig {
  const { oauth } = getConfig();
  return {
    secret: getAuthSecret(),
    trustHost: true,
    session: { strategy: 'jwt' },
    pages: { signIn: '/sign-in' },
    logger: {
      // A wrong password is an answer, not an error: keep it out of the error log.
      error(error) {
        if (error instanceof CredentialsSignin) return;
        log.error('auth', { name: error.name, cause: error.message });
      },
    },
    providers: [
      Credentials({
        credentials: { email: {}, password: {} },
        async authorize(raw, request) {
          const parsed = credentialsSchema.safeParse(raw);
          if (!parsed.success) return null;
          const attempt = { email: parsed.data.email, ip: clientIpFrom(request.headers) };
          if (isSignInBlocked(attempt)) {
            log.warn('auth.rate_limited', { accountHash: hashForLog(attempt.email) });
            throw new SignInRateLimited();
          }
          const user = await getUserByEmail({ email: parsed.data.email });
          const passwordMatches = user?.password_hash
            ? await verifyPassword(parsed.data.password, user.password_hash)
            : await spendPasswordCheckTime(parsed.data.password).then(() => false);
          if (!user || !passwordMatches) {
            recordSignInFailure(attempt);
            return null;
          }
          recordSignInSuccess(attempt);
          return { id: user.id, email: user.email, name: user.name };
        },
      }),
      ...(oauth.github ? [GitHub(oauth.github)] : []),
      ...(oauth.google ? [Google(oauth.google)] : []),
    ],
    callbacks: {
      async jwt({ token, user, account }) {
        if (account && account.provider !== 'credentials' && user?.email) {
          token.sub = await upsertOAuthUser({ email: user.email.toLowerCase(), name: user.name ?? null });
        }
        return token;
      },
      session({ session, token }) {
        if (token.sub) session.user.id = token.sub;
        return session;
      },
    },
  };
}

// Lazy, so that `next build` neither reads the data folder nor needs a secret.
export const { handlers, auth, signIn, signOut } = NextAuth(() => buildConfig());

/** The signed-in user's id, or undefined. Every route handler, page and action calls this itself. */
export async function getSignedInUserId(): Promise<string | undefined> {
  const session = await auth();
  return session?.user?.id ?? undefined;
}

export function enabledOAuthProviders() {
  const { oauth } = getConfig();
  return { github: Boolean(oauth.github), google: Boolean(oauth.google) };
}
