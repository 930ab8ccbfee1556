import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { E2E_DATA_DIR } from './support/constants';
import { expect, registerAccount, signedOut, test, TranscribePage } from './support/test';

test.use({ storageState: signedOut });
// Several password hashes per test, at full cost.
test.describe.configure({ timeout: 180_000 });

async function signIn(page: Page, email: string, password: string) {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Every response the service worker keeps for `/`, across its caches. */
const cachedShell = (page: Page) => page.evaluate(async () => Boolean(await caches.match('/')));

test("sign-out deletes the service worker's copy of the signed-in page", async ({ browser }) => {
  const account = await registerAccount(browser, 'sw-sign-out');
  const context = await browser.newContext({ storageState: account.storageStatePath });
  const page = await context.newPage();
  await new TranscribePage(page).goto();
  await expect.poll(() => page.evaluate(() => Boolean(navigator.serviceWorker.controller)), { timeout: 15_000 }).toBe(true);
  await page.reload();
  await expect.poll(() => cachedShell(page)).toBe(true);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  expect(await cachedShell(page)).toBe(false);
  await context.setOffline(true);
  await page.goto('/').catch(() => undefined);
  await expect(page.getByRole('heading', { name: 'New transcription' })).toHaveCount(0);
  await context.close();
});

test('the password is changed on Settings, with the current one', async ({ browser, page }) => {
  const account = await registerAccount(browser, 'password-change');
  await signIn(page, account.email, account.password);
  await expect(page.getByRole('heading', { name: 'New transcription' })).toBeVisible();
  await page.goto('/settings');
  const section = page.getByRole('region', { name: 'Password' });
  await section.getByLabel('Current password').fill('not my password');
  await section.getByLabel('New password').fill('a brand new password');
  await section.getByRole('button', { name: 'Change password' }).click();
  await expect(section.getByText('That is not your current password.')).toBeVisible();
  await expect(section.getByLabel('Current password')).toBeFocused();

  await section.getByLabel('Current password').fill(account.password);
  await section.getByLabel('New password').fill('a brand new password');
  await section.getByRole('button', { name: 'Change password' }).click();
  await expect(section.getByRole('status')).toHaveText('Your password has been changed.');

  await page.getByRole('button', { name: 'Sign out' }).click();
  // Signed out first: a navigation that overtook the sign-out would cancel it.
  await expect(page).toHaveURL(/\/sign-in/);
  await signIn(page, account.email, account.password);
  await expect(page.getByRole('main').getByRole('alert')).toContainText('Wrong email or password');
  await signIn(page, account.email, 'a brand new password');
  await expect(page.getByRole('heading', { name: 'New transcription' })).toBeVisible();
});

test('deleting the account removes its transcripts and audio, and signs out', async ({ browser, page }) => {
  const account = await registerAccount(browser, 'delete-account');
  await signIn(page, account.email, account.password);
  await expect(page.getByRole('heading', { name: 'New transcription' })).toBeVisible();
  const transcribe = new TranscribePage(page);
  await transcribe.goto();
  await transcribe.transcribe('speech.mp3');
  const transcriptId = await transcribe.openTranscript();
  const audioFiles = () => readdirSync(path.join(E2E_DATA_DIR, 'audio')).filter((name) => name.startsWith(transcriptId));
  expect(audioFiles()).not.toEqual([]);

  await page.goto('/settings');
  const section = page.getByRole('region', { name: 'Delete account' });
  await section.getByLabel('Your password').fill('not my password');
  await section.getByRole('button', { name: 'Delete my account' }).click();
  await expect(section.getByRole('alert')).toHaveText('That is not your current password.');

  await section.getByLabel('Your password').fill(account.password);
  await section.getByRole('button', { name: 'Delete my account' }).click();
  await expect(page).toHaveURL(/\/sign-in\?deleted=1$/);
  await expect(page.getByRole('main').getByRole('status')).toHaveText('Your account and everything in it have been deleted.');
  expect(audioFiles()).toEqual([]);

  // The old session cannot read the transcript, and the account no longer signs in.
  const oldSession = await browser.newContext({ storageState: account.storageStatePath });
  const response = await oldSession.request.get(`/api/transcriptions/${transcriptId}`);
  expect(response.status()).toBeGreaterThanOrEqual(400);
  await oldSession.close();
  await signIn(page, account.email, account.password);
  await expect(page.getByRole('main').getByRole('alert')).toContainText('Wrong email or password');
});
