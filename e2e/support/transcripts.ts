import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { type APIRequestContext, expect } from '@playwright/test';
import { E2E_DATA_DIR } from './constants';
import { fixturePath } from './test';

/** Transcribes the fixture through the API (no browser) and waits for the result. */
export async function createTranscript(request: APIRequestContext, { title, prompt }: { title: string; prompt: string }) {
  const response = await request.post('/api/transcriptions', {
    multipart: {
      file: { name: `${title}.mp3`, mimeType: 'audio/mpeg', buffer: readFileSync(fixturePath('speech.mp3')) },
      prompt,
    },
  });
  const body = (await response.json()) as { id: string; text: string };
  return { status: response.status(), ...body };
}

/** Starts a transcription without waiting for it, and returns its id once it is listed. */
export async function startTranscript(request: APIRequestContext, { title, prompt }: { title: string; prompt: string }) {
  const finished = createTranscript(request, { title, prompt });
  let id: string | undefined;
  await expect
    .poll(async () => {
      const list = (await (await request.get('/api/transcriptions?limit=100')).json()) as { items: { id: string; title: string }[] };
      id = list.items.find((item) => item.title === title)?.id;
      return id;
    })
    .toBeTruthy();
  return { id: id as string, finished };
}

/** Creates a share link through the API; returns its path (shown once). */
export async function createShareLink(request: APIRequestContext, id: string, options: { name?: string; expiresIn?: string; includeAudio?: boolean } = {}) {
  const response = await request.post(`/api/transcriptions/${id}/share`, { data: options });
  expect(response.status()).toBe(201);
  return ((await response.json()) as { path: string; link: { id: string } });
}

/**
 * Moves a link's expiry into the past by writing the test server's database, the way time would:
 * the app itself has no clock to fake, so production code is tested unchanged.
 */
export function expireShareLink(sharePath: string) {
  const token = sharePath.split('/').pop() ?? '';
  const database = new SQLite(path.join(E2E_DATA_DIR, 'verbatim.db'));
  try {
    database.pragma('busy_timeout = 5000');
    const result = database
      .prepare('update share_links set expires_at = ? where token_hash = ?')
      .run(new Date(Date.now() - 60_000).toISOString(), createHash('sha256').update(token).digest('hex'));
    expect(result.changes).toBe(1);
  } finally {
    database.close();
  }
}

export const HOSTILE_TEXT = '<img src=x onerror=alert(1)> </script><script>alert(2)</script> "quoted" & more';
/** The fake upstream's `fake:text=` takes underscores for spaces. */
export const HOSTILE_DIRECTIVE = `fake:text=${HOSTILE_TEXT.replaceAll(' ', '_')}`;
