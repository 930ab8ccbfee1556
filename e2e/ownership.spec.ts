import { expect, signedOut, test, TranscribePage, uniqueMarker } from './support/test';

test('another user gets 404 for the transcript page, API, audio, share and cancel controls', async ({ page, browser, otherAccount }) => {
  const transcribe = new TranscribePage(page);
  await transcribe.goto();
  await transcribe.transcribe('speech.mp3', { prompt: `${uniqueMarker()} fake:delay=0` });
  const id = await transcribe.openTranscript();
  await page.getByRole('button', { name: 'Share' }).click();
  const shareUrl = await page.getByLabel('Share link').inputValue();

  const other = await browser.newContext({ storageState: otherAccount.storageStatePath });
  const otherPage = await other.newPage();
  expect((await otherPage.goto(`/transcripts/${id}`))?.status()).toBe(404);
  for (const [method, path] of [
    ['GET', `/api/transcriptions/${id}`],
    ['GET', `/api/transcriptions/${id}/audio`],
    ['POST', `/api/transcriptions/${id}/share`],
    ['DELETE', `/api/transcriptions/${id}/share`],
    ['POST', `/api/transcriptions/${id}/cancel`],
    ['DELETE', `/api/transcriptions/${id}`],
  ] as const) {
    const response = await otherPage.request.fetch(path, { method });
    expect(response.status(), `${method} ${path}`).toBe(404);
  }
  const list = (await (await otherPage.request.get('/api/transcriptions')).json()) as { items: { id: string }[] };
  expect(list.items.map((item) => item.id)).not.toContain(id);

  // Nothing the other user tried changed anything: the owner still has it, and the link still works.
  expect((await page.request.get(`/api/transcriptions/${id}`)).status()).toBe(200);
  expect((await otherPage.goto(shareUrl))?.status()).toBe(200);
  await other.close();
});

test('signed-out visitors are sent to sign in and the API answers 401', async ({ browser }) => {
  const anonymous = await browser.newContext({ storageState: signedOut });
  const page = await anonymous.newPage();
  await page.goto('/history');
  await expect(page).toHaveURL(/\/sign-in/);
  for (const [method, path] of [
    ['GET', '/api/transcriptions'],
    ['POST', '/api/transcriptions'],
    ['GET', '/api/transcriptions/00000000-0000-4000-8000-000000000000'],
  ] as const) {
    expect((await page.request.fetch(path, { method })).status(), `${method} ${path}`).toBe(401);
  }
  await anonymous.close();
});
