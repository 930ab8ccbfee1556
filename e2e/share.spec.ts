import { readEvents } from './support/api-client';
import { APP_BASE_URL } from './support/constants';
import { expect, signedOut, test, uniqueMarker } from './support/test';
import { FAKE_TRANSCRIPT } from './support/fake-upstream';
import { createShareLink, createTranscript, expireShareLink, HOSTILE_DIRECTIVE, HOSTILE_TEXT, startTranscript } from './support/transcripts';

test('two links with different expiry: revoking one leaves the other working', async ({ page, browser }) => {
  const created = await createTranscript(page.request, { title: `Shared ${uniqueMarker()}`, prompt: 'fake:delay=0' });
  await page.goto(`/transcripts/${created.id}`);

  await page.getByLabel('Link name (optional)').fill('Team');
  await page.getByLabel('Expires after').selectOption('1');
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  const teamUrl = await page.getByLabel('Share link').inputValue();
  await page.getByLabel('Link name (optional)').fill('Client');
  await page.getByLabel('Expires after').selectOption('never');
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  await expect(page.getByLabel('Share link')).not.toHaveValue(teamUrl);
  const clientUrl = await page.getByLabel('Share link').inputValue();

  const links = page.getByRole('list', { name: 'Links to this transcript' });
  await expect(links.getByRole('listitem')).toHaveCount(2);
  await expect(links.getByRole('listitem').filter({ hasText: 'Team' })).toContainText('Expires');
  await expect(links.getByRole('listitem').filter({ hasText: 'Client' })).toContainText('Never expires');

  const reader = await browser.newContext({ storageState: signedOut });
  const readerPage = await reader.newPage();
  expect((await readerPage.goto(teamUrl))?.status()).toBe(200);
  await expect(readerPage.getByText(FAKE_TRANSCRIPT)).toBeVisible();

  // The view is recorded for the owner.
  await page.reload();
  await expect(links.getByRole('listitem').filter({ hasText: 'Team' })).toContainText('Last viewed');
  await expect(links.getByRole('listitem').filter({ hasText: 'Client' })).toContainText('Not viewed yet');

  await links.getByRole('button', { name: 'Revoke Team' }).click();
  await expect(links.getByRole('listitem')).toHaveCount(1);
  const revoked = await readerPage.goto(teamUrl);
  expect(revoked?.status()).toBe(404);
  await expect(readerPage.getByText(FAKE_TRANSCRIPT)).toHaveCount(0);
  expect((await readerPage.request.get(`${new URL(teamUrl).pathname.replace('/s/', '/api/share/')}/events`)).status()).toBe(404);
  expect((await readerPage.goto(clientUrl))?.status()).toBe(200);
  await expect(readerPage.getByText(FAKE_TRANSCRIPT)).toBeVisible();
  await reader.close();
});

test('an expired link is 404 like one that never existed', async ({ page, browser }) => {
  const created = await createTranscript(page.request, { title: `Expiring ${uniqueMarker()}`, prompt: 'fake:delay=0' });
  const { path } = await createShareLink(page.request, created.id, { expiresIn: '1' });
  const reader = await browser.newContext({ storageState: signedOut });
  const readerPage = await reader.newPage();
  expect((await readerPage.goto(path))?.status()).toBe(200);

  expireShareLink(path);
  const expired = await readerPage.goto(path);
  expect(expired?.status()).toBe(404);
  expect(await expired?.text()).not.toContain('Expiring');
  const unknown = await readerPage.goto(`/s/${'A'.repeat(43)}`);
  expect(unknown?.status()).toBe(404);
  expect((await readerPage.request.get(`${path.replace('/s/', '/api/share/')}/events`)).status()).toBe(404);
  expect((await readerPage.request.get(`${path}/opengraph-image`)).status()).toBe(404);

  // The owner sees it as expired.
  await page.goto(`/transcripts/${created.id}`);
  await expect(page.getByRole('list', { name: 'Links to this transcript' })).toContainText('Expired');
  await reader.close();
});

test('live follow: a signed-out reader sees the text grow while it is transcribed', async ({ page, browser }) => {
  const words = Array.from({ length: 40 }, (_, index) => `part${index}`).join('_');
  const { id, finished } = await startTranscript(page.request, { title: `Live share ${uniqueMarker()}`, prompt: `fake:delay=150 fake:text=${words}` });
  const { path } = await createShareLink(page.request, id, { expiresIn: '1' });

  const reader = await browser.newContext({ storageState: signedOut });
  const readerPage = await reader.newPage();
  await readerPage.goto(path);
  const text = readerPage.getByRole('region', { name: 'Transcript text' });
  await expect(readerPage.getByText('Still transcribing')).toBeVisible();
  await expect(text).toContainText('part2');
  const lengthBefore = (await text.textContent())?.length ?? 0;
  await expect.poll(async () => (await text.textContent())?.length ?? 0).toBeGreaterThan(lengthBefore);
  await expect(text).toHaveText(words.replaceAll('_', ' '), { timeout: 20_000 });
  await expect(readerPage.getByText('Still transcribing')).toHaveCount(0);
  expect((await finished).status).toBe(200);

  // The public stream carries the text only: no transcript id, no usage.
  const events = await (await readerPage.request.get(path.replace('/s/', '/api/share/') + '/events')).text();
  expect(events).not.toContain(id);
  expect(events).not.toContain('usage');
  await reader.close();
});

test('hostile text renders as text on every page and in the preview; the shared page leaks nothing', async ({ page, browser, account }) => {
  const dialogs: string[] = [];
  const created = await createTranscript(page.request, { title: `Hostile ${uniqueMarker()}`, prompt: `fake:delay=0 ${HOSTILE_DIRECTIVE}` });
  expect(created.text).toBe(HOSTILE_TEXT);
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });

  await page.goto(`/transcripts/${created.id}`);
  await expect(page.getByRole('region', { name: 'Transcript text' })).toHaveText(HOSTILE_TEXT);
  await page.goto('/history');
  await expect(page.getByRole('list', { name: 'Transcripts' })).toContainText('<img src=x onerror=alert(1)>');
  await page.getByRole('searchbox', { name: 'Search transcripts' }).fill('onerror');
  await expect(page.getByRole('list', { name: 'Transcripts' }).locator('mark').first()).toHaveText('onerror');

  const { path } = await createShareLink(page.request, created.id, { expiresIn: 'never' });
  const reader = await browser.newContext({ storageState: signedOut });
  const readerPage = await reader.newPage();
  readerPage.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  const origins = new Set<string>();
  readerPage.on('request', (request) => origins.add(new URL(request.url()).origin));
  const response = await readerPage.goto(path);
  await expect(readerPage.getByRole('region', { name: 'Transcript text' })).toHaveText(HOSTILE_TEXT);
  await expect(readerPage.locator('meta[property="og:description"]')).toHaveAttribute('content', HOSTILE_TEXT);
  await expect(readerPage.locator('meta[name="twitter:description"]')).toHaveAttribute('content', HOSTILE_TEXT);
  await expect(readerPage.locator('meta[property="og:image"]')).toHaveCount(1);
  await expect(readerPage.locator('meta[name="robots"]')).toHaveAttribute('content', /noindex/);
  expect(response?.headers()['referrer-policy']).toBe('no-referrer');
  expect(dialogs).toEqual([]);

  // Nothing about the owner, no ids, no audio unless chosen, no third-party requests.
  const html = (await response?.text()) ?? '';
  expect(html).not.toContain(account.email);
  expect(html).not.toContain(created.id);
  expect(html).not.toContain('/audio');
  await expect(readerPage.getByLabel('Recording')).toHaveCount(0);
  expect([...origins]).toEqual([new URL(readerPage.url()).origin]);
  const image = await readerPage.request.get(`${path}/opengraph-image`);
  expect(image.status()).toBe(200);
  expect(image.headers()['content-type']).toBe('image/png');
  await reader.close();
});

test('the audio is shared only through a link that includes it', async ({ page, browser }) => {
  const created = await createTranscript(page.request, { title: `Audio ${uniqueMarker()}`, prompt: 'fake:delay=0' });
  const withoutAudio = await createShareLink(page.request, created.id, { expiresIn: '7' });
  const withAudio = await createShareLink(page.request, created.id, { expiresIn: '7', includeAudio: true });
  const reader = await browser.newContext({ storageState: signedOut });
  const readerPage = await reader.newPage();

  await readerPage.goto(withoutAudio.path);
  await expect(readerPage.getByLabel('Recording')).toHaveCount(0);
  expect((await readerPage.request.get(`${withoutAudio.path.replace('/s/', '/api/share/')}/audio`)).status()).toBe(404);

  await readerPage.goto(withAudio.path);
  await expect(readerPage.getByLabel('Recording')).toBeVisible();
  const audio = await readerPage.request.get(`${withAudio.path.replace('/s/', '/api/share/')}/audio`);
  expect(audio.status()).toBe(200);
  expect(audio.headers()['content-type']).toBe('audio/mpeg');
  await reader.close();
});

/** Opens a share's event stream; `ended` resolves with its events and when it ended. */
async function followEvents(sharePath: string) {
  const response = await fetch(`${APP_BASE_URL}${sharePath.replace('/s/', '/api/share/')}/events`);
  expect(response.status).toBe(200);
  return { ended: readEvents(response).then((events) => ({ events, endedAt: Date.now() })) };
}

for (const ending of ['revoked', 'expires'] as const) {
  test(`a reader following live is cut off within 5 s when the link ${ending === 'revoked' ? 'is revoked' : 'expires'}`, async ({ page, browser }) => {
    test.setTimeout(90_000);
    // About 30 s of text: far longer than the test waits.
    const words = Array.from({ length: 200 }, (_, index) => `w${index}`).join('_');
    const { id, finished } = await startTranscript(page.request, { title: `Cut off ${uniqueMarker()}`, prompt: `fake:delay=150 fake:text=${words}` });
    const { path, link } = await createShareLink(page.request, id, { expiresIn: '1' });

    const reader = await browser.newContext({ storageState: signedOut });
    const readerPage = await reader.newPage();
    await readerPage.goto(path);
    const text = readerPage.getByRole('region', { name: 'Transcript text' });
    await expect(text).toContainText('w2');
    const { ended } = await followEvents(path);

    const revokedAt = Date.now();
    if (ending === 'revoked') expect((await page.request.delete(`/api/transcriptions/${id}/share/${link.id}`)).status()).toBe(204);
    else expireShareLink(path);

    const { events, endedAt: streamEndedAt } = await ended;
    expect(streamEndedAt - revokedAt).toBeLessThan(5_000);
    expect(events.at(-1)).toEqual({ type: 'error', error: { code: 'not_found:share', message: 'This link no longer works.' } });
    expect(events.some((event) => event.type === 'transcript.text.done')).toBe(false);
    // The open page stops too, and shows that the link no longer works.
    await expect(readerPage.getByRole('heading', { name: 'This link does not work' })).toBeVisible({ timeout: 5_000 });
    await expect(text).toHaveCount(0);

    await page.request.post(`/api/transcriptions/${id}/cancel`);
    // Its request ends with the cancel: awaited here, so that it cannot fail a later test.
    await finished;
    await reader.close();
  });
}

test('a reader of a failed transcription sees a generic message, never the internal one', async ({ page }) => {
  const { id, finished } = await startTranscript(page.request, { title: `Failing ${uniqueMarker()}`, prompt: 'fake:first-delay=4000 fake:delay=300 fake:cut' });
  const { path } = await createShareLink(page.request, id, { expiresIn: '1' });
  const { events } = await (await followEvents(path)).ended;
  await finished;
  const owner = (await (await page.request.get(`/api/transcriptions/${id}`)).json()) as { error: { message: string } | null };
  expect(owner.error?.message).toBeTruthy();
  expect(owner.error?.message).not.toBe('The transcription did not finish.');
  expect(events.at(-1)).toEqual({ type: 'error', error: { code: 'internal:transcription', message: 'The transcription did not finish.' } });
  expect(JSON.stringify(events)).not.toContain(owner.error?.message ?? '');
  expect(events.map((event) => event.type)).not.toContain('transcript.waiting');
});
