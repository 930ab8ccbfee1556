'use server';

import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { enabledOAuthProviders, getSignedInUserId, signIn, signOut } from '@/app/(auth)/auth';
import { passwordSchema } from '@/lib/auth/credentials';
import { deleteAccount, deletionPhraseFor } from '@/lib/auth/delete-account';
import { createLinkIntent, LINK_INTENT_COOKIE, LINK_INTENT_TTL_MS } from '@/lib/auth/link-intent';
import { hashPassword, verifyPassword } from '@/lib/auth/password';
import { oauthProviderSchema } from '@/lib/auth/provider-identity';
import { recordSignInSuccess, takeSignInAttempt } from '@/lib/auth/sign-in-limit';
import { clientIpFrom } from '@/lib/client-address';
import { isPlaceholderEmail, unlinkOAuthIdentity } from '@/lib/db/oauth-identities';
import { getUserById, updateUserPasswordHash } from '@/lib/db/users';
import type { User } from '@/lib/db/schema';
import { getAuthSecret } from '@/lib/env';

// Every action here finds the signed-in user itself: a server action is a public endpoint.

async function requireUser(): Promise<User> {
  const userId = await getSignedInUserId();
  const user = userId ? await getUserById({ userId }) : undefined;
  if (!user) redirect('/sign-in?callbackUrl=%2Fsettings');
  return user;
}

/**
 * Checks the current password, throttled like a sign-in (same budget per account and address),
 * so that an unattended session cannot be used to guess it. Undefined when it matches.
 */
async function checkCurrentPassword(user: User, password: string): Promise<string | undefined> {
  if (!user.password_hash) return 'This account has no password.';
  const attempt = { email: user.email, ip: clientIpFrom(await headers()) };
  const place = await takeSignInAttempt(attempt);
  if (!place.allowed) return 'Too many wrong passwords. Wait a few minutes, then try again.';
  if (!(await verifyPassword(password, user.password_hash))) return 'That is not your current password.';
  await recordSignInSuccess(attempt);
  return undefined;
}

const providerFrom = (formData: FormData) => {
  const parsed = oauthProviderSchema.safeParse(formData.get('provider'));
  return parsed.success ? parsed.data : undefined;
};

/** Starts "Connect GitHub/Google": a signed note says who asked, then the provider's sign-in. */
export async function connectProviderAction(formData: FormData) {
  const user = await requireUser();
  const provider = providerFrom(formData);
  if (!provider || !enabledOAuthProviders()[provider]) redirect('/settings');
  const secure = (await headers()).get('x-forwarded-proto') === 'https';
  (await cookies()).set(LINK_INTENT_COOKIE, createLinkIntent({ userId: user.id, provider, secret: getAuthSecret() }), {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    maxAge: LINK_INTENT_TTL_MS / 1000,
  });
  await signIn(provider, { redirectTo: '/settings' });
}

export async function disconnectProviderAction(formData: FormData) {
  const user = await requireUser();
  const provider = providerFrom(formData);
  if (!provider) redirect('/settings');
  const removed = await unlinkOAuthIdentity({ userId: user.id, provider });
  redirect(removed ? `/settings?disconnected=${provider}` : `/settings?link_error=last_method&provider=${provider}`);
}

export type PasswordFormState = { fieldErrors?: { currentPassword?: string; newPassword?: string }; formError?: string; changed?: boolean };

export async function changePasswordAction(_previous: PasswordFormState, formData: FormData): Promise<PasswordFormState> {
  const user = await requireUser();
  const newPassword = passwordSchema.safeParse(formData.get('newPassword'));
  if (!newPassword.success) return { fieldErrors: { newPassword: newPassword.error.issues[0]?.message } };
  if (user.password_hash) {
    const wrong = await checkCurrentPassword(user, String(formData.get('currentPassword') ?? ''));
    if (wrong) return { fieldErrors: { currentPassword: wrong } };
  } else if (isPlaceholderEmail(user.email)) {
    return { formError: 'A password needs an email address to sign in with, and this account has none.' };
  }
  const updated = await updateUserPasswordHash({ userId: user.id, passwordHash: await hashPassword(newPassword.data), previousHash: user.password_hash });
  if (!updated) return { formError: 'Your password was changed elsewhere meanwhile. Reload the page and try again.' };
  return { changed: true };
}

export type DeleteAccountState = { error?: string };

const confirmationSchema = z.string().max(300);

export async function deleteAccountAction(_previous: DeleteAccountState, formData: FormData): Promise<DeleteAccountState> {
  const user = await requireUser();
  const confirmation = confirmationSchema.safeParse(formData.get('confirmation'));
  if (!confirmation.success || !confirmation.data) return { error: user.password_hash ? 'Enter your password.' : 'Type the confirmation text.' };
  if (user.password_hash) {
    const wrong = await checkCurrentPassword(user, confirmation.data);
    if (wrong) return { error: wrong };
  } else if (confirmation.data.trim().toLowerCase() !== deletionPhraseFor(user)) {
    return { error: 'That does not match. Type it exactly as shown.' };
  }
  await deleteAccount({ userId: user.id });
  (await cookies()).delete(LINK_INTENT_COOKIE);
  await signOut({ redirectTo: '/sign-in?deleted=1' });
  return {};
}
