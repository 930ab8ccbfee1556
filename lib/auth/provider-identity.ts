import 'server-only';

import type { Account, Profile } from 'next-auth';
import { z } from 'zod';
import type { OAuthProvider, ProviderIdentity } from '@/lib/db/oauth-identities';
import { getConfig } from '@/lib/env';
import { log } from '@/lib/log';

// The only code that knows what GitHub and Google answer about a person.

export const oauthProviderSchema = z.enum(['github', 'google']);
export const oauthProviderNames: Record<OAuthProvider, string> = { github: 'GitHub', google: 'Google' };

const emailOrNull = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email().max(254))
  .nullish()
  .catch(null)
  .transform((value) => value ?? null);

const githubUserSchema = z.object({ id: z.union([z.number(), z.string()]), login: z.string().nullish(), name: z.string().nullish() });
const githubEmailsSchema = z.array(z.object({ email: emailOrNull, primary: z.boolean().catch(false), verified: z.boolean().catch(false) }));
const googleProfileSchema = z.object({
  sub: z.string().min(1),
  email: emailOrNull,
  // Google sends a boolean; some OpenID providers send the string "true".
  email_verified: z.union([z.boolean(), z.literal('true').transform(() => true), z.literal('false').transform(() => false)]).catch(false),
  name: z.string().nullish(),
});

/**
 * GitHub's profile carries only a public email and no verification: the primary address and
 * whether GitHub verified it come from /user/emails (the `user:email` scope Auth.js asks for).
 */
async function githubPrimaryEmail(accessToken: string | undefined) {
  const apiBase = getConfig().oauth.github?.baseUrl ? `${getConfig().oauth.github?.baseUrl}/api/v3` : 'https://api.github.com';
  if (!accessToken) return undefined;
  try {
    const response = await fetch(`${apiBase}/user/emails`, {
      headers: { Authorization: `Bearer ${accessToken}`, Accept: 'application/vnd.github+json', 'User-Agent': 'verbatim' },
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) {
      log.warn('auth.github_emails', { status: response.status });
      return undefined;
    }
    const emails = githubEmailsSchema.parse(await response.json());
    return emails.find((entry) => entry.primary && entry.email) ?? null;
  } catch (error) {
    log.warn('auth.github_emails', { cause: error instanceof Error ? error.name : 'unknown' });
    return undefined;
  }
}

/** Who the provider says is signing in; its email counts as verified only when the provider says so. */
export async function readProviderIdentity({ provider, account, profile }: { provider: OAuthProvider; account: Account; profile: Profile | undefined }): Promise<ProviderIdentity> {
  if (provider === 'github') {
    const user = githubUserSchema.parse(profile);
    const primary = await githubPrimaryEmail(account.access_token);
    const publicEmail = emailOrNull.parse((profile as { email?: unknown } | undefined)?.email);
    return {
      provider,
      providerAccountId: String(user.id),
      email: primary?.email ?? publicEmail,
      emailVerified: Boolean(primary?.verified),
      name: user.name ?? user.login ?? null,
    };
  }
  const claims = googleProfileSchema.parse(profile);
  return { provider, providerAccountId: claims.sub, email: claims.email, emailVerified: claims.email_verified && claims.email !== null, name: claims.name ?? null };
}
