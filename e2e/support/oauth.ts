import { type Browser, expect, type Page } from '@playwright/test';
import { APP_BASE_URL } from './constants';
import { signedOut } from './test';

export type OAuthPerson = { id: string; email?: string; verified?: boolean; name?: string };
export type OAuthProviderName = 'GitHub' | 'Google';

/** A provider account id no other test uses (numeric, as GitHub's are). */
export const newProviderAccountId = () => String(Date.now() * 1000 + Math.floor(Math.random() * 1000));

/** The fake provider's consent page: says who signs in, then sends the browser back to the app. */
export async function approveAtProvider(page: Page, person: OAuthPerson) {
  await expect(page.getByRole('heading', { name: /^Sign in to fake / })).toBeVisible();
  await page.getByLabel('Account id').fill(person.id);
  if (person.name) await page.getByLabel('Name').fill(person.name);
  await page.getByLabel('Email', { exact: true }).fill(person.email ?? '');
  await page.getByLabel('Email verified').setChecked(person.verified ?? true);
  await page.getByRole('button', { name: 'Authorize' }).click();
  await page.waitForURL((url) => url.origin === APP_BASE_URL);
}

/** "Continue with GitHub/Google" on the sign-in page of a fresh signed-out context. */
export async function continueWith(browser: Browser, provider: OAuthProviderName, person: OAuthPerson) {
  const context = await browser.newContext({ baseURL: APP_BASE_URL, storageState: signedOut });
  const page = await context.newPage();
  await page.goto('/sign-in');
  await page.getByRole('button', { name: `Continue with ${provider}` }).click();
  await approveAtProvider(page, person);
  return { context, page };
}

/** The signed-in user's id as Auth.js reports it, or undefined when signed out. */
export async function sessionUserId(page: Page): Promise<string | undefined> {
  const session = (await (await page.request.get('/api/auth/session')).json()) as { user?: { id?: string } } | null;
  return session?.user?.id;
}
