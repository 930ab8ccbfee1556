import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { enabledOAuthProviders, getSignedInUserId } from '@/app/(auth)/auth';
import { deletionPhraseFor } from '@/lib/auth/delete-account';
import { oauthProviderNames } from '@/lib/auth/provider-identity';
import { getApiKeysByUserId } from '@/lib/db/api-keys';
import { getOAuthIdentitiesByUserId, isPlaceholderEmail } from '@/lib/db/oauth-identities';
import { getUserById } from '@/lib/db/users';
import { toApiKeyDetails } from '@/lib/transcript-details';
import { MAX_API_KEY_NAME_LENGTH } from '../api/keys/schema';
import { ApiKeys } from './api-keys';
import { DeleteAccountForm } from './delete-account-form';
import { PasswordForm } from './password-form';
import { SettingsSection } from './settings-section';
import { SignInMethods } from './sign-in-methods';

export const metadata: Metadata = { title: 'Settings' };

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export default async function SettingsPage({ searchParams }: PageProps<'/settings'>) {
  const userId = await getSignedInUserId();
  const user = userId ? await getUserById({ userId }) : undefined;
  if (!user) redirect('/sign-in?callbackUrl=%2Fsettings');
  const [identities, apiKeys] = await Promise.all([getOAuthIdentitiesByUserId({ userId: user.id }), getApiKeysByUserId({ userId: user.id })]);
  const rawParams = await searchParams;
  const params = Object.fromEntries(['provider', 'connected', 'disconnected', 'link_error'].map((key) => [key, first(rawParams[key])]));
  const hasPassword = Boolean(user.password_hash);
  const hasEmail = !isPlaceholderEmail(user.email);
  const firstIdentity = identities[0];

  return (
    <div className="space-y-8">
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold tracking-tight">Settings</h1>
        <p className="text-sm break-words text-neutral-600 dark:text-neutral-400">
          {hasEmail ? `Signed in as ${user.email}` : `Signed in with ${firstIdentity ? oauthProviderNames[firstIdentity.provider] : 'a provider'} (no email address)`}
        </p>
      </div>

      <SignInMethods hasPassword={hasPassword} identities={identities} enabled={enabledOAuthProviders()} params={params} />

      {hasPassword || hasEmail ? (
        <SettingsSection
          title="Password"
          description={hasPassword ? 'Enter your current password to choose a new one.' : `Set a password to also sign in with ${user.email}.`}
        >
          <PasswordForm hasPassword={hasPassword} />
        </SettingsSection>
      ) : null}

      <SettingsSection
        title="API keys"
        description="Transcribe from scripts, shortcuts and apps with any OpenAI client: give it a key and this server's /v1 address. What they transcribe lands in your history."
      >
        <ApiKeys initialKeys={apiKeys.map(toApiKeyDetails)} maxNameLength={MAX_API_KEY_NAME_LENGTH} />
      </SettingsSection>

      <SettingsSection title="Delete account" description="Removes your account and everything in it.">
        <DeleteAccountForm hasPassword={hasPassword} phrase={deletionPhraseFor(user)} />
      </SettingsSection>
    </div>
  );
}
