import { buttonClasses } from '@/components/ui/button';
import { Alert } from '@/components/ui/field';
import { oauthProviderNames, oauthProviderSchema } from '@/lib/auth/provider-identity';
import type { OAuthProvider } from '@/lib/db/oauth-identities';
import { connectProviderAction, disconnectProviderAction } from './actions';
import { Notice, SettingsSection } from './settings-section';

type Identity = { provider: OAuthProvider; email: string | null };

const linkErrors: Record<string, (name: string) => string> = {
  unverified: (name) => `${name} has not verified the email address of that account, so it was not connected. Verify it at ${name}, then try again.`,
  linked_to_another_user: (name) => `That ${name} account already signs in to another Verbatim account, so it was not connected.`,
  provider_already_linked: (name) => `Another ${name} account is already connected. Disconnect it first.`,
  last_method: (name) => `${name} is your only way to sign in. Set a password or connect another provider before you disconnect it.`,
};

/** Messages that the connect and disconnect round trips bring back in the URL (fixed texts only). */
function outcomeFrom(params: Record<string, string | undefined>) {
  const provider = oauthProviderSchema.safeParse(params.provider ?? params.connected ?? params.disconnected);
  if (!provider.success) return undefined;
  const name = oauthProviderNames[provider.data];
  if (params.connected) return { ok: true, text: `${name} is connected. You can now sign in with it.` };
  if (params.disconnected) return { ok: true, text: `${name} is disconnected.` };
  const error = params.link_error ? linkErrors[params.link_error] : undefined;
  return { ok: false, text: error ? error(name) : `${name} could not be connected. Please try again.` };
}

export function SignInMethods({
  hasPassword,
  identities,
  enabled,
  params,
}: {
  hasPassword: boolean;
  identities: Identity[];
  enabled: Record<OAuthProvider, boolean>;
  params: Record<string, string | undefined>;
}) {
  const outcome = outcomeFrom(params);
  const providers = oauthProviderSchema.options.filter((provider) => enabled[provider] || identities.some((identity) => identity.provider === provider));
  if (providers.length === 0) return null;
  const methodCount = identities.length + (hasPassword ? 1 : 0);

  return (
    <SettingsSection title="Connected accounts" description="Sign in with these as well as your password. Only accounts you connect here can sign in to yours.">
      {outcome ? outcome.ok ? <Notice>{outcome.text}</Notice> : <Alert>{outcome.text}</Alert> : null}
      <ul className="divide-y divide-neutral-200 rounded-lg border border-neutral-200 dark:divide-neutral-800 dark:border-neutral-800">
        {providers.map((provider) => {
          const identity = identities.find((candidate) => candidate.provider === provider);
          const name = oauthProviderNames[provider];
          return (
            <li key={provider} className="flex flex-wrap items-center justify-between gap-3 px-4 py-3">
              <div className="min-w-0">
                <p className="font-medium">{name}</p>
                <p className="truncate text-sm text-neutral-600 dark:text-neutral-400">{identity ? `Connected${identity.email ? ` as ${identity.email}` : ''}` : 'Not connected'}</p>
              </div>
              {identity ? (
                <form action={disconnectProviderAction}>
                  <input type="hidden" name="provider" value={provider} />
                  <button
                    type="submit"
                    className={buttonClasses({ variant: 'secondary' })}
                    aria-disabled={methodCount < 2 || undefined}
                    title={methodCount < 2 ? 'Your only way to sign in' : undefined}
                  >
                    Disconnect {name}
                  </button>
                </form>
              ) : (
                <form action={connectProviderAction}>
                  <input type="hidden" name="provider" value={provider} />
                  <button type="submit" className={buttonClasses({ variant: 'secondary' })}>
                    Connect {name}
                  </button>
                </form>
              )}
            </li>
          );
        })}
      </ul>
    </SettingsSection>
  );
}
