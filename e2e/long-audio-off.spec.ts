import { closeSync, openSync, ftruncateSync, writeSync } from 'node:fs';
import path from 'node:path';
import { bodyOf, openRawUpload, partHead } from './support/api-client';
import { type AppInstance, startAppInstance } from './support/app-instance';
import { E2E_DATA_DIR, SPARE_APP_PORTS } from './support/constants';
import { expect, registerAccount, test } from './support/test';

// Where no ffmpeg can split long audio (FFMPEG_PATH=off stands for a server without one), the
// app says so and takes files up to the upstream's 25 MB on every path, whatever MAX_UPLOAD_MB.

const MB = 1_000_000;
const OFF_NOTICE = 'Longer audio is off on this server: it needs ffmpeg to split it.';

let app: AppInstance | undefined;
test.afterEach(async () => {
  await app?.stop();
  app = undefined;
});

/** A WAV header followed by zeros: `bytes` long on disk without writing them all. */
function sparseWav(bytes: number) {
  const file = path.join(E2E_DATA_DIR, `sparse-${bytes}.wav`);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(bytes - 8, 4);
  header.write('WAVEfmt ', 8);
  const fd = openSync(file, 'w');
  writeSync(fd, header);
  ftruncateSync(fd, bytes);
  closeSync(fd);
  return file;
}

test('without ffmpeg, long audio is off: the page says so and every path stops at 25 MB', async ({ browser }) => {
  app = await startAppInstance({ name: 'long-audio-off', port: SPARE_APP_PORTS[2], env: { MAX_UPLOAD_MB: '500', FFMPEG_PATH: 'off' } });
  const account = await registerAccount(browser, 'long-audio-off', app.baseUrl);

  const context = await browser.newContext({ storageState: account.storageStatePath, baseURL: app.baseUrl });
  const page = await context.newPage();
  await page.goto('/');
  await expect(page.getByText(OFF_NOTICE)).toBeVisible();
  await expect(page.getByText(/up to 25\sMB/)).toBeVisible();
  await page.locator('#audio-file').setInputFiles(sparseWav(30 * MB));
  await expect(page.getByText('the limit is 25 MB')).toBeVisible();
  await context.close();

  // Refused from its headers, before the body is read.
  const multipart = openRawUpload(account.cookieHeader, { 'content-length': 30 * MB }, app.baseUrl);
  await multipart.write(Buffer.from(partHead({ name: 'file', filename: 'a.wav', data: Buffer.alloc(0) })));
  const response = await multipart.response;
  expect(response.statusCode).toBe(413);
  expect(JSON.parse(await bodyOf(response))).toMatchObject({ error: { code: 'payload_too_large:transcription', message: expect.stringContaining('25 MB') } });
  multipart.request.destroy();

  const resumable = await fetch(`${app.baseUrl}/api/uploads/resumable`, {
    method: 'POST',
    headers: { cookie: account.cookieHeader, origin: app.baseUrl, 'Tus-Resumable': '1.0.0', 'Upload-Length': String(30 * MB), 'Upload-Metadata': `filetype ${Buffer.from('audio/wav').toString('base64')}` },
  });
  expect(resumable.status).toBe(413);
  expect(((await resumable.json()) as { error: { message: string } }).error.message).toContain('25 MB');
});

test('with ffmpeg (the test app), the page offers MAX_UPLOAD_MB and says nothing about it', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByText(/up to 120\sMB/)).toBeVisible();
  await expect(page.getByText(OFF_NOTICE)).toHaveCount(0);
});
