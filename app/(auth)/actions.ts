'use server';

import { AuthError, CredentialsSignin } from 'next-auth';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { credentialsSchema, safeCallbackPath } from '@/lib/auth/credentials';
import { LINK_INTENT_COOKIE } from '@/lib/auth/link-intent';
import { hashPassword } from '@/lib/auth/password';
import { takeSignUpAttempt } from '@/lib/auth/sign-up-limit';
import { clientIpFrom } from '@/lib/client-address';
import { createUser } from '@/lib/db/users';
import { isAppError } from '@/lib/errors';
import { SignInRateLimited, signIn, signOut } from './auth';

export type AuthFormState = {
  email?: string;
  fieldErrors?: { email?: string; password?: string };
  formError?: string;
};

function readCredentials(formData: FormData) {
  return credentialsSchema.safeParse({ email: formData.get('email'), password: formData.get('password') });
}

function fieldErrorsFrom(issues: { path: PropertyKey[]; message: string }[]): AuthFormState['fieldErrors'] {
  const errors: NonNullable<AuthFormState['fieldErrors']> = {};
  for (const issue of issues) {
    const field = issue.path[0];
    if ((field === 'email' || field === 'password') && !errors[field]) errors[field] = issue.message;
  }
  return errors;
}

export async function signUpAction(_previous: AuthFormState, formData: FormData): Promise<AuthFormState> {
  const email = String(formData.get('email') ?? '');
  const parsed = readCredentials(formData);
  if (!parsed.success) return { email, fieldErrors: fieldErrorsFrom(parsed.error.issues) };
  if (!(await takeSignUpAttempt(clientIpFrom(await headers())))) {
    return { email, formError: 'Too many accounts have been created from your network in the last hour. Try again later.' };
  }
  try {
    await createUser({ email: parsed.data.email, passwordHash: await hashPassword(parsed.data.password) });
  } catch (error) {
    if (isAppError(error) && error.code === 'conflict:email') return { email, fieldErrors: { email: error.message } };
    if (isAppError(error)) return { email, formError: error.message };
    throw error;
  }
  await signIn('credentials', { email: parsed.data.email, password: parsed.data.password, redirect: false });
  redirect('/');
}

export async function signInAction(_previous: AuthFormState, formData: FormData): Promise<AuthFormState> {
  const email = String(formData.get('email') ?? '');
  const parsed = readCredentials(formData);
  if (!parsed.success) return { email, formError: 'Wrong email or password.' };
  try {
    await signIn('credentials', { email: parsed.data.email, password: parsed.data.password, redirect: false });
  } catch (error) {
    if (error instanceof CredentialsSignin && error.code === 'rate_limited') {
      const wait = error instanceof SignInRateLimited ? describeWait(error.retryAfterMs) : 'a few minutes';
      return { email, formError: `Too many failed sign-in attempts. Wait ${wait}, then try again.` };
    }
    if (error instanceof AuthError) return { email, formError: 'Wrong email or password.' };
    throw error;
  }
  redirect(safeCallbackPath(formData.get('callbackUrl')));
}

export async function oauthSignInAction(formData: FormData) {
  const provider = formData.get('provider');
  if (provider !== 'github' && provider !== 'google') return;
  await signIn(provider, { redirectTo: safeCallbackPath(formData.get('callbackUrl')) });
}

export async function signOutAction() {
  (await cookies()).delete(LINK_INTENT_COOKIE);
  await signOut({ redirectTo: '/sign-in' });
}

function describeWait(ms: number) {
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}
