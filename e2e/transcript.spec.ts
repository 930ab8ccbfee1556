import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { FAKE_TRANSCRIPT } from './support/fake-upstream';
import { expect, test, uniqueMarker } from './support/test';
import { createTranscript, startTranscript } from './support/transcripts';

test('edit the text, reload, see the edit; revert to the original, the edit stays reachable', async ({ page }) => {
  const created = await createTranscript(page.request, { title: `Edit ${uniqueMarker()}`, prompt: 'fake:delay=0' });
  await page.goto(`/transcripts/${created.id}`);
  const text = page.getByRole('region', { name: 'Transcript text' });
  await expect(text).toHaveText(FAKE_TRANSCRIPT);

  await page.getByRole('button', { name: 'Edit text' }).click();
  await page.getByLabel('Edit transcript text').fill('Hello from the corrected transcript.');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(text).toHaveText('Hello from the corrected transcript.');

  await page.reload();
  await expect(text).toHaveText('Hello from the corrected transcript.');
  await expect(page.getByText('Edited', { exact: true })).toBeVisible();

  await page.getByRole('button', { name: 'Revert to original' }).click();
  await expect(text).toHaveText(FAKE_TRANSCRIPT);
  await expect(page.getByText('Edited', { exact: true })).toHaveCount(0);
  await page.getByText('Earlier versions (1)').click();
  await expect(page.getByRole('list', { name: 'Earlier versions' })).toContainText('Hello from the corrected transcript.');
});

test('each export downloads a file named after the title with the right content', async ({ page }) => {
  const title = `Exports ${uniqueMarker()}`;
  const created = await createTranscript(page.request, { title, prompt: 'fake:delay=0' });
  await page.goto(`/transcripts/${created.id}`);

  async function download(format: string) {
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: `Download .${format}` }).click()]);
    expect(file.suggestedFilename()).toBe(`${title}.${format}`);
    return (await file.path()) ?? '';
  }

  expect(readFileSync(await download('txt'), 'utf8')).toBe(`${FAKE_TRANSCRIPT}\n`);
  const markdown = readFileSync(await download('md'), 'utf8');
  expect(markdown).toContain(`# ${title}`);
  expect(markdown).toMatch(/- Date: .+ UTC/);
  expect(markdown).toContain('- Language: Auto-detected');
  expect(markdown).toContain(FAKE_TRANSCRIPT);
  const json = JSON.parse(readFileSync(await download('json'), 'utf8')) as Record<string, unknown>;
  expect(json).toMatchObject({ id: created.id, title, status: 'done', text: FAKE_TRANSCRIPT });
  const docx = await download('docx');
  expect(readFileSync(docx).subarray(0, 2).toString('latin1')).toBe('PK');
  expect(execFileSync('unzip', ['-p', docx, 'word/document.xml']).toString('utf8')).toContain('The quick brown fox jumps over the lazy dog.');

  // Copy puts the text on the clipboard.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByRole('button', { name: 'Copy', exact: true }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(FAKE_TRANSCRIPT);
});

test('player speed and the Space shortcut; usage and time taken are shown', async ({ page }) => {
  const created = await createTranscript(page.request, { title: `Player ${uniqueMarker()}`, prompt: 'fake:delay=0' });
  await page.goto(`/transcripts/${created.id}`);
  const audio = page.getByLabel('Recording');
  await page.getByRole('group', { name: 'Playback speed' }).getByRole('button', { name: '1.5×' }).click();
  await expect(page.getByRole('button', { name: '1.5×' })).toHaveAttribute('aria-pressed', 'true');
  expect(await audio.evaluate((element: HTMLAudioElement) => element.playbackRate)).toBe(1.5);

  await page.getByRole('heading', { level: 1 }).click();
  await page.keyboard.press('Space');
  await expect.poll(() => audio.evaluate((element: HTMLAudioElement) => element.paused)).toBe(false);
  await page.keyboard.press('Space');
  await expect.poll(() => audio.evaluate((element: HTMLAudioElement) => element.paused)).toBe(true);

  await expect(page.getByText(/tokens/)).toBeVisible();
  await expect(page.getByText('Time taken')).toBeVisible();
});

test('re-transcribe with another prompt keeps the old text as a version; a failure offers Retry', async ({ page }) => {
  const marker = uniqueMarker();
  const created = await createTranscript(page.request, { title: `Again ${marker}`, prompt: 'fake:delay=0' });
  await page.goto(`/transcripts/${created.id}`);
  await page.getByText('Transcribe again').click();
  await page.getByLabel('Language').selectOption('de');
  await page.getByLabel('Prompt (optional)').fill('fake:delay=0 fake:text=Guten_Tag_zusammen.');
  await page.getByRole('button', { name: 'Start transcription' }).click();
  await expect(page.getByRole('region', { name: 'Transcript text' })).toHaveText('Guten Tag zusammen.');
  await expect(page.getByRole('main').getByText('German').first()).toBeVisible();
  await page.getByText('Earlier versions (1)').click();
  await expect(page.getByRole('list', { name: 'Earlier versions' })).toContainText(FAKE_TRANSCRIPT);

  const failed = await createTranscript(page.request, { title: `Retry ${marker}`, prompt: `fake:status=400 fake:fail-times=1 fake:key=${marker} fake:delay=0` });
  expect(failed.status).toBeGreaterThanOrEqual(400);
  await page.goto(`/transcripts/${failed.id}`);
  await page.getByRole('main').getByRole('alert').getByRole('button', { name: 'Retry' }).click();
  await expect(page.getByRole('region', { name: 'Transcript text' })).toHaveText(FAKE_TRANSCRIPT);
  await expect(page.getByText('Done', { exact: true })).toBeVisible();
});

test('the owner page follows a running transcription live, also after a reload', async ({ page }) => {
  const words = Array.from({ length: 40 }, (_, index) => `word${index}`).join('_');
  const { id, finished } = await startTranscript(page.request, { title: `Live ${uniqueMarker()}`, prompt: `fake:delay=150 fake:text=${words}` });
  await page.goto(`/transcripts/${id}`);
  const text = page.getByRole('region', { name: 'Transcript text' });
  await expect(text).toContainText('word3');
  const lengthBefore = (await text.textContent())?.length ?? 0;
  await expect.poll(async () => (await text.textContent())?.length ?? 0).toBeGreaterThan(lengthBefore);

  await page.reload();
  await expect(text).toContainText('word0');
  await expect(text).toHaveText(words.replaceAll('_', ' '), { timeout: 20_000 });
  await expect(page.getByText('Done', { exact: true })).toBeVisible();
  expect((await finished).status).toBe(200);
});

test('another user gets 404 for edit, revert, export, re-transcribe, live events and share links', async ({ page, browser, otherAccount }) => {
  const created = await createTranscript(page.request, { title: `Private ${uniqueMarker()}`, prompt: 'fake:delay=0' });
  const linkResponse = await page.request.post(`/api/transcriptions/${created.id}/share`);
  const { link } = (await linkResponse.json()) as { link: { id: string } };

  const other = await browser.newContext({ storageState: otherAccount.storageStatePath });
  for (const [method, path, data] of [
    ['PATCH', `/api/transcriptions/${created.id}`, { text: 'mine now' }],
    ['POST', `/api/transcriptions/${created.id}/revert`, undefined],
    ['GET', `/api/transcriptions/${created.id}/export?format=txt`, undefined],
    ['GET', `/api/transcriptions/${created.id}/export?format=docx`, undefined],
    ['POST', `/api/transcriptions/${created.id}/retranscribe`, {}],
    ['GET', `/api/transcriptions/${created.id}/events`, undefined],
    ['GET', `/api/transcriptions/${created.id}/share`, undefined],
    ['POST', `/api/transcriptions/${created.id}/share`, { expiresIn: 'never' }],
    ['DELETE', `/api/transcriptions/${created.id}/share/${link.id}`, undefined],
  ] as const) {
    const response = await other.request.fetch(path, { method, ...(data ? { data } : {}) });
    expect(response.status(), `${method} ${path}`).toBe(404);
  }
  await other.close();

  const details = (await (await page.request.get(`/api/transcriptions/${created.id}`)).json()) as { text: string; status: string };
  expect(details).toMatchObject({ text: FAKE_TRANSCRIPT, status: 'done' });
  const links = (await (await page.request.get(`/api/transcriptions/${created.id}/share`)).json()) as { links: unknown[] };
  expect(links.links).toHaveLength(1);
});
