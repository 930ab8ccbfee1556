import NextAuth, { type NextAuthConfig } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import GitHub from 'next-auth/providers/github';
import Google from 'next-auth/providers/google';
import { credentialsSchema } from '@/lib/auth/credentials';
import { spendPasswordCheckTime, verifyPassword } from '@/lib/auth/password';
import { getUserByEmail, upsertOAuthUser } from '@/lib/db/queries';
import { getAuthSecret, getConfig } from '@/lib/env';
import { log } from '@/lib/log';

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
        if (error.name === 'CredentialsSignin') return;
        log.error('auth', { name: error.name, cause: error.message });
      },
    },
    providers: [
      Credentials({
        credentials: { email: {}, password: {} },
        async authorize(raw) {
          const parsed = credentialsSchema.safeParse(raw);
          if (!parsed.success) return null;
          const user = await getUserByEmail({ email: parsed.data.email });
          if (!user?.password_hash) {
            await spendPasswordCheckTime(parsed.data.password);
            return null;
          }
          if (!(await verifyPassword(parsed.data.password, user.password_hash))) return null;
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
