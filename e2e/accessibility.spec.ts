import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, signedOut, test, TranscribePage, uniqueMarker } from './support/test';
import { createShareLink, createTranscript } from './support/transcripts';

/** WCAG 2.0, 2.1 and 2.2 at levels A and AA: what axe can check automatically. */
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** The page as it stands passes axe; a failure lists each rule with the elements that break it, and the test goes on to its other states. */
async function expectAccessible(page: Page) {
  // Colours are measured as rendered: let transitions (hover, focus, theme) settle first. One that
  // the page cancels meanwhile (its element changed state) rejects `finished`: it has settled too.
  await page.evaluate(() =>
    Promise.all(document.getAnimations().map((animation) => (animation.effect?.getTiming().iterations === Infinity ? null : animation.finished.catch(() => null)))),
  );
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const found = violations.map(({ id, impact, nodes }) => ({
    rule: id,
    impact,
    elements: nodes.map(({ target, failureSummary }) => `${target.join(' ')}: ${failureSummary?.split('\n').slice(1).join(' ').trim()}`),
  }));
  expect.soft(found, `axe on ${page.url()}`).toEqual([]);
}

for (const colorScheme of ['light', 'dark'] as const) {
  test.describe(`in the ${colorScheme} color scheme`, () => {
    test.use({ colorScheme });

    test('sign-in and sign-up pages', async ({ browser }) => {
      const context = await browser.newContext({ storageState: signedOut, colorScheme });
      const page = await context.newPage();
      await page.goto('/sign-in');
      await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
      await expectAccessible(page);
      await page.goto('/sign-up');
      await expect(page.getByRole('button', { name: 'Create account' })).toBeVisible();
      await expectAccessible(page);
      await context.close();
    });

    test('main page, idle, with a finished transcript and after a failure', async ({ page }) => {
      const form = new TranscribePage(page);
      await form.goto();
      await expectAccessible(page);

      await form.transcribe('speech.mp3', { prompt: `fake:delay=0 ${uniqueMarker()}` });
      await expect(page.getByRole('status').filter({ hasText: 'Done.' })).toBeVisible();
      await expect(form.transcript()).not.toBeEmpty();
      await expectAccessible(page);

      await page.getByRole('button', { name: 'New transcription' }).click();
      await form.transcribe('speech.mp3', { prompt: `fake:status=400 ${uniqueMarker()}` });
      await expect(form.alert()).toBeVisible();
      await expectAccessible(page);
    });

    test('history with items, a transcript page and settings', async ({ page }) => {
      const marker = uniqueMarker();
      const done = await createTranscript(page.request, { title: `Done ${marker}`, prompt: 'fake:delay=0' });
      expect(done.status).toBe(200);
      await createTranscript(page.request, { title: `Failed ${marker}`, prompt: 'fake:status=400' });

      await page.goto(`/history?q=${marker}`);
      await expect(page.getByRole('list', { name: 'Transcripts' }).getByRole('listitem')).toHaveCount(2);
      await expectAccessible(page);

      await page.goto(`/transcripts/${done.id}`);
      await expect(page.getByRole('heading', { name: `Done ${marker}` })).toBeVisible();
      await expectAccessible(page);

      await page.goto('/settings');
      await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
      await expectAccessible(page);
    });

    test('a public share page and the 404 page', async ({ page, browser }) => {
      const marker = uniqueMarker();
      const done = await createTranscript(page.request, { title: `Shared ${marker}`, prompt: 'fake:delay=0' });
      expect(done.status).toBe(200);
      const { path } = await createShareLink(page.request, done.id, { expiresIn: '7', includeAudio: true });

      const reader = await browser.newContext({ storageState: signedOut, colorScheme });
      const readerPage = await reader.newPage();
      expect((await readerPage.goto(path))?.status()).toBe(200);
      await expect(readerPage.getByRole('heading', { name: `Shared ${marker}` })).toBeVisible();
      await expectAccessible(readerPage);
      await reader.close();

      expect((await page.goto(`/no-such-page-${marker}`))?.status()).toBe(404);
      await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
      await expectAccessible(page);
    });
  });
}
