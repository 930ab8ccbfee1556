import type { BrowserContext } from '@playwright/test';
import { APP_BASE_URL } from './support/constants';
import { expect, registerAccount, signedOut, test } from './support/test';

// Browsers drop a tab from a URL, so `/\t/evil.example/x` becomes `//evil.example/x`: another site.
const CRAFTED = '/%09/evil.example/x';

/** Serves the "evil" site locally, so that a redirect there shows up as a page instead of a DNS error. */
async function standInForEvilSite(context: BrowserContext) {
  await context.route(/^https?:\/\/evil\.example\//, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<h1>evil</h1>' }));
}

test('a signed-in visit to sign-in with a crafted callback stays on this site', async ({ page, context }) => {
  await standInForEvilSite(context);
  await page.goto(`/sign-in?callbackUrl=${CRAFTED}`);
  await expect(page.getByRole('heading', { name: 'New transcription' })).toBeVisible();
  expect(new URL(page.url()).origin).toBe(APP_BASE_URL);
});

test.describe('signing in', () => {
  test.use({ storageState: signedOut });

  test('a crafted callback, in the link or in the form, lands on this site', async ({ page, context, browser }) => {
    const account = await registerAccount(browser, 'open-redirect');
    await standInForEvilSite(context);
    await page.goto(`/sign-in?callbackUrl=${CRAFTED}`);
    // The form's own copy too, as a crafted post would send it.
    const emailForm = page.locator('form').filter({ has: page.getByLabel('Email') });
    await emailForm.locator('input[name="callbackUrl"]').evaluate((input: HTMLInputElement) => {
      input.value = '/\t/evil.example/x';
    });
    await page.getByLabel('Email').fill(account.email);
    await page.getByLabel('Password').fill(account.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { name: 'New transcription' })).toBeVisible();
    expect(new URL(page.url()).origin).toBe(APP_BASE_URL);
  });
});
