import OpenAI, { AuthenticationError, toFile } from 'openai';
import { BOUNDARY, fakeAudio, multipart, post } from './support/api-client';
import { createApiKey } from './support/api-keys';
import { APP_BASE_URL } from './support/constants';
import { expect, registerAccount, test } from './support/test';

// Settings → API keys and the history's source, in the browser.

const transcribeWith = async (apiKey: string) =>
  new OpenAI({ baseURL: `${APP_BASE_URL}/v1`, apiKey, maxRetries: 0 }).audio.transcriptions.create({
    file: await toFile(fakeAudio(2048), 'From the API.mp3'),
    model: 'whisper-1',
    prompt: 'fake:delay=0',
  });

test('Settings: create a key, see it once and copy it, see its use, revoke it after confirming', async ({ page }) => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('/');
  await page.getByRole('link', { name: 'Settings' }).click();
  const section = page.getByRole('region', { name: 'API keys' });
  await expect(section.getByText('No keys yet.')).toBeVisible();

  await section.getByLabel('Key name').fill('Phone shortcut');
  await section.getByRole('button', { name: 'Create key' }).click();
  const shown = section.getByLabel('New key “Phone shortcut”');
  await expect(shown).toHaveValue(/^vb_[0-9A-Za-z]{43}$/);
  const key = await shown.inputValue();
  await section.getByRole('button', { name: 'Copy key' }).click();
  await expect(section.getByRole('button', { name: 'Copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
  const row = section.getByRole('list', { name: 'API keys' }).getByRole('listitem').filter({ hasText: 'Phone shortcut' });
  await expect(row).toContainText(`${key.slice(0, 10)}…`);
  await expect(row).toContainText('Never used');

  await section.getByRole('button', { name: 'Done' }).click();
  await expect(shown).toBeHidden();
  await transcribeWith(key);
  await page.reload();
  await expect(row).toContainText('1 call');
  expect(await page.content()).not.toContain(key.slice(10));

  await row.getByRole('button', { name: 'Revoke Phone shortcut' }).click();
  const dialog = page.getByRole('alertdialog', { name: 'Revoke “Phone shortcut”?' });
  await dialog.getByRole('button', { name: 'Keep key' }).click();
  await expect(row).toBeVisible();
  await row.getByRole('button', { name: 'Revoke Phone shortcut' }).click();
  await dialog.getByRole('button', { name: 'Revoke key' }).click();
  await expect(row).toBeHidden();
  await expect(section.getByText('No keys yet.')).toBeVisible();
  await expect(transcribeWith(key)).rejects.toBeInstanceOf(AuthenticationError);
});

test('History: an API transcript says "API · key name"; the source filter tells uploads, recordings and API apart', async ({ browser }) => {
  const user = await registerAccount(browser, 'api-history');
  const { key } = await createApiKey(user.cookieHeader, 'Meeting bot');
  await transcribeWith(key);
  const upload = await post(user.cookieHeader, multipart([{ name: 'prompt', value: 'fake:delay=0' }, { name: 'file', filename: 'Chosen file.mp3', data: fakeAudio(2048) }]));
  expect(upload.status).toBe(200);
  const recording = await fetch(`${APP_BASE_URL}/api/transcriptions?source=recording`, {
    method: 'POST',
    headers: { cookie: user.cookieHeader, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    body: new Uint8Array(multipart([{ name: 'prompt', value: 'fake:delay=0' }, { name: 'file', filename: 'Voice memo.webm', data: fakeAudio(2048) }])),
  });
  expect(recording.status).toBe(200);

  const context = await browser.newContext({ storageState: user.storageStatePath });
  const page = await context.newPage();
  await page.goto('/history');
  const list = page.getByRole('list', { name: 'Transcripts' });
  const rows = list.getByRole('listitem');
  await expect(rows).toHaveCount(3);
  await expect(rows.filter({ hasText: 'From the API' })).toContainText('API · Meeting bot');
  await expect(rows.filter({ hasText: 'Voice memo' })).toContainText('Recording');
  await expect(rows.filter({ hasText: 'Chosen file' })).not.toContainText('API ·');

  const source = page.getByLabel('Source');
  await source.selectOption('api');
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText('From the API');
  await expect(page).toHaveURL(/[?&]source=api/);
  await source.selectOption('recording');
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText('Voice memo');
  await source.selectOption('upload');
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText('Chosen file');
  // The filter survives a reload (it lives in the address).
  await page.reload();
  await expect(page.getByLabel('Source')).toHaveValue('upload');
  await expect(rows).toHaveCount(1);

  // The transcript page names its source too.
  await source.selectOption('api');
  await rows.getByRole('link').first().click();
  const facts = page.getByRole('definition');
  await expect(page.getByRole('term').filter({ hasText: 'Source' })).toBeVisible();
  await expect(facts.filter({ hasText: 'API · Meeting bot' })).toBeVisible();
  await context.close();
});
