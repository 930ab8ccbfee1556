import { approveAtProvider, continueWith, newProviderAccountId, type OAuthProviderName, sessionUserId } from './support/oauth';
import { expect, registerAccount, signedOut, test } from './support/test';

test.use({ storageState: signedOut });
// Several password hashes per test, at full cost.
test.describe.configure({ timeout: 180_000 });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

for (const provider of ['GitHub', 'Google'] as const satisfies OAuthProviderName[]) {
  test(`a ${provider} sign-in with the email of a password account gets a message, not the account`, async ({ browser }) => {
    // Whoever registered the email first (without proving it) must not receive the owner's sign-in, and the reverse.
    const victim = await registerAccount(browser, `takeover-${provider.toLowerCase()}`);
    const { context, page } = await continueWith(browser, provider, { id: newProviderAccountId(), email: victim.email.toUpperCase(), verified: true });

    await expect(page).toHaveURL(/\/sign-in\?/);
    await expect(page.getByRole('main').getByRole('alert')).toContainText(`Sign in with your password, then connect ${provider} on the Settings page.`);
    expect(await sessionUserId(page)).toBeUndefined();
    await page.goto('/history');
    await expect(page).toHaveURL(/\/sign-in\?callbackUrl=/);
    await context.close();
  });
}

test('GitHub is connected from Settings, signs in to that account, and stops when disconnected', async ({ browser }) => {
  const owner = await registerAccount(browser, 'link-github');
  const ownerContext = await browser.newContext({ storageState: owner.storageStatePath });
  const settings = await ownerContext.newPage();
  await settings.goto('/');
  await settings.getByRole('link', { name: 'Settings' }).click();
  await expect(settings.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  const ownerId = await sessionUserId(settings);
  expect(ownerId).toMatch(UUID);

  const githubId = newProviderAccountId();
  await settings.getByRole('button', { name: 'Connect GitHub' }).click();
  await approveAtProvider(settings, { id: githubId, email: `octo-${githubId}@example.test`, verified: true });
  await expect(settings).toHaveURL(/\/settings\?connected=github$/);
  await expect(settings.getByRole('main').getByRole('status')).toHaveText('GitHub is connected. You can now sign in with it.');
  const accounts = settings.getByRole('region', { name: 'Connected accounts' });
  await expect(accounts).toContainText(`Connected as octo-${githubId}@example.test`);
  expect(await sessionUserId(settings)).toBe(ownerId);

  // The GitHub account now signs in as the owner, whatever email it shows meanwhile.
  const viaGithub = await continueWith(browser, 'GitHub', { id: githubId, email: `renamed-${githubId}@example.test`, verified: true });
  await expect(viaGithub.page.getByRole('heading', { name: 'New transcription' })).toBeVisible();
  expect(await sessionUserId(viaGithub.page)).toBe(ownerId);
  await viaGithub.context.close();

  await accounts.getByRole('button', { name: 'Disconnect GitHub' }).click();
  await expect(settings.getByRole('main').getByRole('status')).toHaveText('GitHub is disconnected.');
  await expect(accounts).toContainText('Not connected');
  const afterwards = await continueWith(browser, 'GitHub', { id: githubId, email: owner.email, verified: true });
  await expect(afterwards.page.getByRole('main').getByRole('alert')).toContainText('Sign in with your password, then connect GitHub');
  await afterwards.context.close();
  await ownerContext.close();
});

test('an account whose email the provider has not verified is not connected', async ({ browser }) => {
  const owner = await registerAccount(browser, 'link-unverified');
  const context = await browser.newContext({ storageState: owner.storageStatePath });
  const page = await context.newPage();
  await page.goto('/settings');
  const googleId = newProviderAccountId();
  await page.getByRole('button', { name: 'Connect Google' }).click();
  await approveAtProvider(page, { id: googleId, email: owner.email, verified: false });

  await expect(page.getByRole('main').getByRole('alert')).toContainText('Google has not verified the email address of that account, so it was not connected.');
  await expect(page.getByRole('region', { name: 'Connected accounts' }).getByRole('listitem').filter({ hasText: 'Google' })).toContainText('Not connected');
  const signIn = await continueWith(browser, 'Google', { id: googleId, email: owner.email, verified: false });
  expect(await sessionUserId(signIn.page)).toBeUndefined();
  await signIn.context.close();
  await context.close();
});

test('a provider account without an email gets an account of its own, found again by its id', async ({ browser }) => {
  const firstId = newProviderAccountId();
  const first = await continueWith(browser, 'GitHub', { id: firstId });
  await expect(first.page.getByRole('heading', { name: 'New transcription' })).toBeVisible();
  const userId = await sessionUserId(first.page);
  expect(userId).toMatch(UUID);
  await first.page.goto('/settings');
  await expect(first.page.getByText('Signed in with GitHub (no email address)')).toBeVisible();
  // Its only way in: the button says so (aria-disabled, which Playwright will not click unforced),
  // and the server refuses a disconnect anyway, with the reason.
  const disconnect = first.page.getByRole('button', { name: 'Disconnect GitHub' });
  await expect(disconnect).toHaveAttribute('aria-disabled', 'true');
  await disconnect.click({ force: true });
  await expect(first.page.getByRole('main').getByRole('alert')).toContainText('GitHub is your only way to sign in.');
  await first.context.close();

  const again = await continueWith(browser, 'GitHub', { id: firstId });
  expect(await sessionUserId(again.page)).toBe(userId);
  await again.context.close();

  const other = await continueWith(browser, 'GitHub', { id: newProviderAccountId() });
  const otherId = await sessionUserId(other.page);
  expect(otherId).toMatch(UUID);
  expect(otherId).not.toBe(userId);
  await other.context.close();
});
