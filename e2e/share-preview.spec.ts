import { readFileSync } from 'node:fs';
import { E2E_SERVER_LOG } from './support/constants';
import { expect, signedOut, test, uniqueMarker } from './support/test';
import { createShareLink, createTranscript } from './support/transcripts';

// A shared link's preview image: rendered from what the app ships, with nothing of the transcript
// in it, nothing fetched from elsewhere and nothing of it in the log. The test machine has no
// network: a renderer that reached for a CDN would fail the image and log why.

const TITLES = {
  japanese: '会議の議事録 第三四半期',
  arabic: 'محضر اجتماع الفريق',
  emoji: 'Team sync 🎙️🚀 notes',
  latin: 'Quarterly planning notes',
};

test('the preview image draws no transcript text, whatever its script, and renders offline', async ({ page, browser }) => {
  test.setTimeout(90_000);
  const logBefore = readFileSync(E2E_SERVER_LOG, 'utf8').length;
  const reader = await browser.newContext({ storageState: signedOut });
  const images: Record<string, Buffer> = {};
  const texts: string[] = [];
  for (const [script, title] of Object.entries(TITLES)) {
    const marker = uniqueMarker();
    const text = `${title} ${marker}`;
    texts.push(text, marker, ...title.split(' ').filter((word) => /[^ -~]/.test(word)));
    const created = await createTranscript(page.request, { title: marker, prompt: `fake:delay=0 fake:text=${text.replaceAll(' ', '_')}` });
    const renamed = await page.request.patch(`/api/transcriptions/${created.id}`, { data: { title: text } });
    expect(renamed.status()).toBe(200);
    const { path } = await createShareLink(page.request, created.id, { expiresIn: '7' });
    // The page itself names the title (that is what a link preview shows as text).
    const html = await (await reader.request.get(path)).text();
    expect(html).toContain(`content="${text}"`);

    const image = await reader.request.get(`${path}/opengraph-image`);
    expect(image.status(), script).toBe(200);
    expect(image.headers()['content-type']).toBe('image/png');
    images[script] = await image.body();
  }
  // One image for every transcript: none of their text is in it.
  const distinct = new Set(Object.values(images).map((image) => image.toString('base64')));
  expect(distinct.size).toBe(1);

  const log = readFileSync(E2E_SERVER_LOG, 'utf8').slice(logBefore);
  for (const text of texts) expect(log).not.toContain(text);
  expect(log).not.toMatch(/dynamic font|failed to pipe|fonts\.googleapis|twemoji/i);
  await reader.close();
});
