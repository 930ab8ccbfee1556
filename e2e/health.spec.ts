import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startAppInstance } from './support/app-instance';
import { APP_BASE_URL, E2E_DATA_DIR, E2E_SERVER_LOG, FAKE_UPSTREAM_API_KEY, SPARE_APP_PORTS } from './support/constants';
import { expect, test, uniqueMarker } from './support/test';
import { createTranscript } from './support/transcripts';

type Health = { ok: boolean; database: string; audioStore: string; instance: string };

test('GET /api/health: 200 when the database and the audio store answer, with the instance id and nothing else', async ({ page }) => {
  const response = await fetch(`${APP_BASE_URL}/api/health`);
  expect(response.status).toBe(200);
  expect(response.headers.get('cache-control')).toBe('no-store');
  const text = await response.text();
  const health = JSON.parse(text) as Health;
  expect(Object.keys(health).sort()).toEqual(['audioStore', 'database', 'instance', 'ok']);
  expect(health).toMatchObject({ ok: true, database: 'ok', audioStore: 'ok', instance: expect.stringMatching(/^i-[0-9a-f]{12}$/) });
  for (const secret of [FAKE_UPSTREAM_API_KEY, 'e2e-secret-not-for-production', E2E_DATA_DIR]) expect(text).not.toContain(secret);

  // Every log line carries the same instance id.
  const marker = uniqueMarker();
  await createTranscript(page.request, { title: `Logged ${marker}`, prompt: 'fake:delay=0' });
  await expect
    .poll(() => readFileSync(E2E_SERVER_LOG, 'utf8').split('\n').filter((line) => line.startsWith('{"time"')).slice(-5))
    .not.toEqual([]);
  const lines = readFileSync(E2E_SERVER_LOG, 'utf8').split('\n').filter((line) => line.startsWith('{"time"'));
  for (const line of lines.slice(-5)) expect(JSON.parse(line)).toMatchObject({ instance: health.instance });
});

test('GET /api/health: 503 naming the part that fails, without its details', async () => {
  const app = await startAppInstance({ name: 'health', port: SPARE_APP_PORTS[4] });
  try {
    // A file where the audio folder should be: the store can neither write nor read there.
    writeFileSync(path.join(app.dataDir, 'audio'), 'not a folder');
    const response = await fetch(`${app.baseUrl}/api/health`);
    expect(response.status).toBe(503);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ ok: false, database: 'ok', audioStore: 'failing', instance: expect.stringMatching(/^i-/) });
    expect(text).not.toContain(app.dataDir);
    // Another process, another id.
    const main = (await (await fetch(`${APP_BASE_URL}/api/health`)).json()) as Health;
    expect((JSON.parse(text) as Health).instance).not.toBe(main.instance);
  } finally {
    await app.stop();
  }
});
