import { expect, test, uniqueMarker } from './support/test';
import { createTranscript } from './support/transcripts';

test('search finds a word from the middle of a transcript and highlights it', async ({ page }) => {
  const marker = uniqueMarker();
  const word = `zanzibar${marker}`;
  const text = `The meeting opened with the budget. Then we spoke about ${word} logistics at length. We closed with the dates.`;
  const created = await createTranscript(page.request, { title: `Planning ${marker}`, prompt: `fake:delay=0 fake:text=${text.replaceAll(' ', '_')}` });
  expect(created.status).toBe(200);
  await createTranscript(page.request, { title: `Other ${marker}`, prompt: 'fake:delay=0' });

  await page.goto('/history');
  await page.getByRole('searchbox', { name: 'Search transcripts' }).fill(word.slice(0, -2));
  const results = page.getByRole('list', { name: 'Transcripts' });
  await expect(results.getByRole('listitem')).toHaveCount(1);
  await expect(results.getByRole('link', { name: `Planning ${marker}` })).toBeVisible();
  await expect(results.locator('mark')).toHaveText([word]);
  // The filter is in the address: reloading keeps it.
  await expect(page).toHaveURL(/\?q=/);
  await page.reload();
  await expect(page.getByRole('list', { name: 'Transcripts' }).getByRole('listitem')).toHaveCount(1);

  await page.getByRole('searchbox', { name: 'Search transcripts' }).fill(`nothing${marker}`);
  await expect(page.getByText('No transcripts match')).toBeVisible();
});

test('filter by status and date, rename inline, select several and delete them', async ({ page }) => {
  const marker = uniqueMarker();
  const failed = await createTranscript(page.request, { title: `Broken ${marker}`, prompt: 'fake:status=400' });
  expect(failed.status).toBeGreaterThanOrEqual(400);
  const first = await createTranscript(page.request, { title: `First ${marker}`, prompt: 'fake:delay=0' });
  const second = await createTranscript(page.request, { title: `Second ${marker}`, prompt: 'fake:delay=0' });

  await page.goto(`/history?q=${marker}`);
  const list = page.getByRole('list', { name: 'Transcripts' });
  await expect(list.getByRole('listitem')).toHaveCount(3);
  await page.getByLabel('Status').selectOption('failed');
  await expect(list.getByRole('listitem')).toHaveCount(1);
  await expect(list.getByRole('link', { name: `Broken ${marker}` })).toBeVisible();
  await page.getByLabel('Status').selectOption('done');
  await expect(list.getByRole('listitem')).toHaveCount(2);

  const today = new Date().toISOString().slice(0, 10);
  await page.getByLabel('From').fill(today);
  await expect(list.getByRole('listitem')).toHaveCount(2);
  await page.getByLabel('From').fill('2099-01-01');
  await expect(page.getByText('No transcripts match')).toBeVisible();
  await page.getByLabel('From').fill('');

  // Rename inline.
  await list.getByRole('button', { name: `Rename First ${marker}` }).click();
  await list.getByRole('textbox', { name: 'Title' }).fill(`Renamed ${marker}`);
  await list.getByRole('textbox', { name: 'Title' }).press('Enter');
  await expect(list.getByRole('link', { name: `Renamed ${marker}` })).toBeVisible();
  expect(((await (await page.request.get(`/api/transcriptions/${first.id}`)).json()) as { title: string }).title).toBe(`Renamed ${marker}`);

  // Select both done ones and delete them.
  await page.getByRole('button', { name: 'Select', exact: true }).click();
  await page.getByRole('checkbox', { name: `Select Renamed ${marker}` }).check();
  await page.getByRole('checkbox', { name: `Select Second ${marker}` }).check();
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  const dialog = page.getByRole('alertdialog');
  await expect(dialog.getByRole('heading', { name: 'Delete 2 transcripts?' })).toBeVisible();
  await dialog.getByRole('button', { name: 'Delete transcripts' }).click();
  await expect(page.getByText('No transcripts match')).toBeVisible();
  expect((await page.request.get(`/api/transcriptions/${first.id}`)).status()).toBe(404);
  expect((await page.request.get(`/api/transcriptions/${second.id}`)).status()).toBe(404);
});

test("another user cannot search into, bulk-delete or rename someone's transcripts", async ({ page, browser, otherAccount }) => {
  const marker = uniqueMarker();
  const mine = await createTranscript(page.request, { title: `Secret ${marker}`, prompt: `fake:delay=0 fake:text=private_${marker}_words` });

  const other = await browser.newContext({ storageState: otherAccount.storageStatePath });
  const otherRequest = other.request;
  const found = (await (await otherRequest.get(`/api/transcriptions?q=${marker}`)).json()) as { items: unknown[] };
  expect(found.items).toEqual([]);
  const bulk = (await (await otherRequest.delete('/api/transcriptions', { data: { ids: [mine.id] } })).json()) as { deleted: string[] };
  expect(bulk.deleted).toEqual([]);
  expect((await otherRequest.patch(`/api/transcriptions/${mine.id}`, { data: { title: 'Mine now' } })).status()).toBe(404);
  await other.close();

  const still = (await (await page.request.get(`/api/transcriptions/${mine.id}`)).json()) as { title: string };
  expect(still.title).toBe(`Secret ${marker}`);
});
