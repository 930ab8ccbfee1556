import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { oauthSignInAction } from '@/app/(auth)/actions';
import { enabledOAuthProviders, getSignedInUserId } from '@/app/(auth)/auth';
import { AuthForm } from '@/components/auth-form';
import { Brand } from '@/components/ui/brand';
import { buttonClasses } from '@/components/ui/button';
import { Alert } from '@/components/ui/field';
import { safeCallbackPath } from '@/lib/auth/credentials';
import { oauthProviderNames, oauthProviderSchema } from '@/lib/auth/provider-identity';

export const metadata: Metadata = { title: 'Sign in' };

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** What went wrong with a provider's sign-in (Auth.js and our callbacks send people here with `error`). */
function oauthErrorMessage(error: string | undefined, provider: string | undefined) {
  if (!error) return undefined;
  if (error === 'CredentialsSignin') return 'Wrong email or password.';
  const parsed = oauthProviderSchema.safeParse(provider);
  const name = parsed.success ? oauthProviderNames[parsed.data] : 'that provider';
  if (error === 'OAuthAccountExists') {
    return `An account with the email of your ${name} account already exists. Sign in with your password, then connect ${name} on the Settings page.`;
  }
  return `Signing in with ${name} did not work. Please try again.`;
}

export default async function SignInPage({ searchParams }: PageProps<'/sign-in'>) {
  const params = await searchParams;
  const callbackUrl = safeCallbackPath(first(params.callbackUrl));
  if (await getSignedInUserId()) redirect(callbackUrl);

  const enabled = enabledOAuthProviders();
  const providers = oauthProviderSchema.options.filter((provider) => enabled[provider]);
  const oauthError = oauthErrorMessage(first(params.error), first(params.provider));

  return (
    <main className="mx-auto flex min-h-dvh w-full max-w-sm flex-col justify-center px-4 py-10">
      <Brand />
      <h1 className="mt-8 text-2xl font-semibold tracking-tight">Sign in</h1>
      <p className="mt-1 text-sm text-neutral-600 dark:text-neutral-400">Welcome back. Your transcripts are waiting.</p>
      {oauthError ? <Alert className="mt-6">{oauthError}</Alert> : null}
      {first(params.deleted) ? (
        <p role="status" className="mt-6 rounded-lg border border-neutral-200 px-3 py-2.5 text-sm dark:border-neutral-800">
          Your account and everything in it have been deleted.
        </p>
      ) : null}

      {providers.length > 0 ? (
        <div className="mt-8 space-y-3">
          {providers.map((provider) => (
            <form key={provider} action={oauthSignInAction}>
              <input type="hidden" name="provider" value={provider} />
              <input type="hidden" name="callbackUrl" value={callbackUrl} />
              <button type="submit" className={buttonClasses({ variant: 'secondary', className: 'w-full' })}>
                Continue with {oauthProviderNames[provider]}
              </button>
            </form>
          ))}
          <div className="flex items-center gap-3 pt-2 text-xs text-neutral-500 dark:text-neutral-400" aria-hidden="true">
            <span className="h-px flex-1 bg-neutral-200 dark:bg-neutral-800" />
            or with email
            <span className="h-px flex-1 bg-neutral-200 dark:bg-neutral-800" />
          </div>
        </div>
      ) : null}

      <div className={providers.length > 0 ? 'mt-3' : 'mt-8'}>
        <AuthForm mode="sign-in" callbackUrl={callbackUrl} />
      </div>
      <p className="mt-8 text-sm text-neutral-600 dark:text-neutral-400">
        New to Verbatim?{' '}
        <Link href="/sign-up" className="inline-block py-2 font-medium text-neutral-900 underline underline-offset-4 dark:text-white">
          Create an account
        </Link>
      </p>
    </main>
  );
}
