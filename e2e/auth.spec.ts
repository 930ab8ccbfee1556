import { ENGINE_APP_BASE_URL } from './support/constants';
import { expect, registerAccount, signedOut, test } from './support/test';

test.use({ storageState: signedOut });

test('sign-up explains what is wrong with the form', async ({ page }) => {
  await page.goto('/sign-up');
  await page.getByLabel('Email').fill('someone@example.test');
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText('at least 8 characters').first()).toBeVisible();
});

test('an email can only be registered once', async ({ page, account }) => {
  await page.goto('/sign-up');
  await page.getByLabel('Email').fill(account.email.toUpperCase());
  await page.getByLabel('Password').fill('another long password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText('already exists')).toBeVisible();
});

test('sign in, sign out, and a wrong password', async ({ page, browser }) => {
  const fresh = await registerAccount(browser, 'signin');
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(fresh.email);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('main').getByRole('alert')).toContainText('Wrong email or password');

  await page.getByLabel('Password').fill(fresh.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'New transcription' })).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in/);
});

test('sign-in returns to the page that asked for it', async ({ page, browser }) => {
  const fresh = await registerAccount(browser, 'callback');
  await page.goto('/history');
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=/);
  await page.getByLabel('Email').fill(fresh.email);
  await page.getByLabel('Password').fill(fresh.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'History' })).toBeVisible();
});

test('OAuth buttons stay hidden while no provider is configured', async ({ page }) => {
  // The main instance signs in through the fake GitHub and Google (oauth.spec.ts); this one has none.
  await page.goto(`${ENGINE_APP_BASE_URL}/sign-in`);
  await expect(page.getByRole('button', { name: /Continue with/ })).toHaveCount(0);
});
