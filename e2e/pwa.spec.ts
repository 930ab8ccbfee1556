import { FAKE_TRANSCRIPT } from './support/fake-upstream';
import { expect, fixturePath, signedOut, test, TranscribePage, uniqueMarker } from './support/test';

type Manifest = {
  name: string;
  short_name: string;
  start_url: string;
  scope: string;
  display: string;
  theme_color: string;
  background_color: string;
  icons: { src: string; sizes: string; type: string; purpose?: string }[];
  share_target: { action: string; method: string; enctype: string; params: { files: { name: string; accept: string[] }[] } };
};

const pngSize = (png: Buffer) => `${png.readUInt32BE(16)}x${png.readUInt32BE(20)}`;

test('the web app manifest is served, linked and installable, with icons that exist', async ({ page, request }) => {
  const response = await request.get('/manifest.webmanifest');
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toContain('application/manifest+json');
  const manifest = (await response.json()) as Manifest;
  expect(manifest).toMatchObject({ name: 'Verbatim', short_name: 'Verbatim', start_url: '/', scope: '/', display: 'standalone' });
  expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/i);
  expect(manifest.background_color).toMatch(/^#[0-9a-f]{6}$/i);

  // Android needs 192 and 512 px PNGs (one maskable); iOS takes the apple-touch-icon.
  expect(manifest.icons.map((icon) => icon.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
  expect(manifest.icons.some((icon) => icon.purpose === 'maskable')).toBe(true);
  for (const icon of [...manifest.icons, { src: '/apple-touch-icon.png', sizes: '180x180', type: 'image/png' }]) {
    const image = await request.get(icon.src);
    expect(image.status(), icon.src).toBe(200);
    expect(image.headers()['content-type']).toBe(icon.type);
    expect(pngSize(await image.body()), icon.src).toBe(icon.sizes);
  }

  expect(manifest.share_target).toMatchObject({ action: '/share-target', method: 'POST', enctype: 'multipart/form-data' });
  expect(manifest.share_target.params.files[0]).toMatchObject({ name: 'audio', accept: expect.arrayContaining(['audio/*', '.m4a', '.webm']) });

  for (const path of ['/', '/sign-in']) {
    await page.goto(path);
    await expect(page.locator('link[rel="manifest"]')).toHaveAttribute('href', '/manifest.webmanifest');
    await expect(page.locator('link[rel="apple-touch-icon"]')).toHaveAttribute('href', '/apple-touch-icon.png');
  }
});

test('the service worker takes control, and the main page opens offline from its last copy', async ({ page, context }) => {
  await new TranscribePage(page).goto();
  expect(await page.evaluate(async () => (await navigator.serviceWorker.ready).scope)).toMatch(/\/$/);
  await page.reload();
  await expect.poll(() => page.evaluate(() => Boolean(navigator.serviceWorker.controller))).toBe(true);

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'New transcription' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Record', exact: true })).toBeVisible();
  await context.setOffline(false);
});

test("each build's service worker caches apart and deletes earlier builds' caches", async ({ page }) => {
  const shellCaches = () => page.evaluate(async () => (await caches.keys()).filter((name) => name.startsWith('verbatim-shell-')));
  // A cache left by the worker of an earlier build (before versioning, its name was fixed).
  await page.goto('/manifest.webmanifest');
  await page.evaluate(async () => (await caches.open('verbatim-shell-v1')).put('/_next/static/old.js', new Response('old')));

  await new TranscribePage(page).goto();
  const version = await page.evaluate(async () => new URL((await navigator.serviceWorker.ready).active?.scriptURL ?? location.href).searchParams.get('v'));
  expect(version).toBeTruthy();
  await expect.poll(shellCaches).toEqual([`verbatim-shell-${version}`]);

  // The next build registers its own version: once it activates, this build's cache is gone.
  await page.evaluate(() => navigator.serviceWorker.register('/sw.js?v=next-build', { scope: '/', updateViaCache: 'none' }));
  await expect.poll(shellCaches).toEqual(['verbatim-shell-next-build']);
});

test('an audio file shared from another app opens ready to transcribe', async ({ page }) => {
  const transcribe = new TranscribePage(page);
  await transcribe.goto();
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await expect.poll(() => page.evaluate(() => Boolean(navigator.serviceWorker.controller))).toBe(true);

  // What Android does for a share_target: a multipart POST navigation to the action.
  await page.evaluate(() => {
    const form = document.createElement('form');
    form.method = 'post';
    form.action = '/share-target';
    form.enctype = 'multipart/form-data';
    form.id = 'share-target-test';
    const input = document.createElement('input');
    input.type = 'file';
    input.name = 'audio';
    input.setAttribute('aria-label', 'Shared file');
    form.append(input);
    document.body.append(form);
  });
  await page.getByLabel('Shared file').setInputFiles(fixturePath('speech.m4a'));
  await page.evaluate(() => (document.getElementById('share-target-test') as HTMLFormElement).submit());

  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByText('speech.m4a')).toBeVisible();
  await page.getByLabel('Prompt (optional)').fill(`${uniqueMarker()} fake:delay=0`);
  await page.getByRole('button', { name: 'Transcribe', exact: true }).click();
  await expect(transcribe.transcript()).toContainText(FAKE_TRANSCRIPT, { timeout: 20_000 });

  // Taken once: a later visit starts empty.
  await page.goto('/');
  await expect(page.getByText('speech.m4a')).toHaveCount(0);
});

test('a share before the service worker runs is answered with a way forward, without reading the upload', async ({ browser, account }) => {
  const context = await browser.newContext({ storageState: account.storageStatePath, serviceWorkers: 'block' });
  const page = await context.newPage();
  const response = await page.request.post('/share-target', { multipart: { audio: { name: 'memo.m4a', mimeType: 'audio/mp4', buffer: Buffer.from('x') } }, maxRedirects: 0 });
  expect(response.status()).toBe(303);
  expect(response.headers().location).toMatch(/\/\?shared=unavailable$/);

  await page.goto('/?shared=unavailable');
  await expect(page.getByRole('main').getByRole('alert')).toContainText('Share the recording again');
  await expect(page).toHaveURL(/\/$/);
  await context.close();

  const stranger = await browser.newContext({ storageState: signedOut, serviceWorkers: 'block' });
  expect((await stranger.request.post('/share-target', { maxRedirects: 0 })).status()).toBe(303);
  await stranger.close();
});

for (const scheme of ['light', 'dark'] as const) {
  test(`phone layout (${scheme}): no sideways scrolling at 390 and 360 px, touch targets of 44 px`, async ({ browser, account }, testInfo) => {
    const context = await browser.newContext({
      storageState: account.storageStatePath,
      viewport: { width: 390, height: 844 },
      hasTouch: true,
      isMobile: true,
      colorScheme: scheme,
    });
    const page = await context.newPage();
    await new TranscribePage(page).goto();
    for (const width of [390, 360]) {
      await page.setViewportSize({ width, height: 844 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth), `width ${width}`).toBeLessThanOrEqual(width);
      await page.screenshot({ path: testInfo.outputPath(`main-${scheme}-${width}.png`), fullPage: true });
    }
    const record = page.getByRole('button', { name: 'Record', exact: true });
    const box = await record.boundingBox();
    expect(box?.height).toBeGreaterThanOrEqual(44);
    expect((box?.y ?? 0) + (box?.height ?? 0)).toBeLessThanOrEqual(844);

    // The file input is visually hidden behind its (large) label; every other control counts.
    for (const control of await page.getByRole('main').locator('button, select, a[href]').all()) {
      if (!(await control.isVisible())) continue;
      const size = await control.boundingBox();
      expect(size?.height, (await control.textContent()) ?? '').toBeGreaterThanOrEqual(44);
    }
    if (scheme === 'dark') {
      const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      expect(background).not.toBe('rgb(255, 255, 255)');
    }
    await context.close();
  });
}
