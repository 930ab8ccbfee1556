import { type Browser, expect, test } from '@playwright/test';
import type { AppInstance } from '../support/app-instance';
import {
  CLUSTER_LEASE_MS,
  type Cluster,
  followEvents,
  getTranscript,
  sameOriginPost,
  startCluster,
  startTranscription,
  type TimedEvent,
} from '../support/cluster';
import { registerAccount, signedOut, uniqueMarker, upstreamRequests } from '../support/test';

// Two instances from one build on one PostgreSQL database and one audio folder. Each test
// signs up its own account, so that per-user limits never carry over from one to the next.
let cluster: Cluster;
test.beforeAll(async () => {
  cluster = await startCluster({ RATE_LIMIT_TRANSCRIPTIONS_IN_FLIGHT: '1', RATE_LIMIT_SIGN_IN_FAILURES_PER_ACCOUNT: '4' });
});
test.afterAll(async () => cluster?.close());

const newAccount = (browser: Browser, label: string, instance: AppInstance) => registerAccount(browser, label, instance.baseUrl);
/** Words enough for a job that runs a few seconds, with `delay` ms between words. */
const slowText = (words: number) => Array.from({ length: words }, (_, index) => `word${index}`).join('_');

async function waitForStatus(instance: AppInstance, cookie: string, id: string, status: string, timeout = 20_000) {
  await expect.poll(async () => (await getTranscript(instance, cookie, id)).status, { timeout }).toBe(status);
  return getTranscript(instance, cookie, id);
}

test('an upload on A is listed and shared from B, and B serves its audio', async ({ browser }) => {
  const account = await newAccount(browser, 'listed', cluster.a);
  const marker = uniqueMarker();
  const id = await startTranscription(cluster.a, account.cookieHeader, `${marker} fake:delay=0 fake:text=Heard_on_A.`);
  await waitForStatus(cluster.b, account.cookieHeader, id, 'done');

  const context = await browser.newContext({ baseURL: cluster.b.baseUrl, storageState: account.storageStatePath });
  const page = await context.newPage();
  await page.goto('/history');
  await expect(page.getByRole('link', { name: /talk/ }).first()).toBeVisible();
  const created = await sameOriginPost(cluster.b, account.cookieHeader, `/api/transcriptions/${id}/share`, {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ includeAudio: true }),
  });
  expect(created.status).toBe(201);
  const { path } = (await created.json()) as { path: string };
  const shared = await browser.newContext({ storageState: signedOut });
  const reader = await shared.newPage();
  await reader.goto(`${cluster.a.baseUrl}${path}`);
  await expect(reader.getByText('Heard on A.')).toBeVisible();
  const audio = await fetch(`${cluster.b.baseUrl}/api/transcriptions/${id}/audio`, { headers: { cookie: account.cookieHeader } });
  expect(audio.status).toBe(200);
  expect((await audio.arrayBuffer()).byteLength).toBe(64 * 1024);
  await Promise.all([context.close(), shared.close()]);
});

/** When B's text first reached each length the upstream sent, against when the upstream sent it. */
async function expectFollowedWithinOneSecond(events: AsyncGenerator<TimedEvent>, marker: string, fullText: string) {
  const seen: { at: number; length: number }[] = [];
  let text = '';
  let final: TimedEvent['event'] | undefined;
  for await (const { at, event } of events) {
    if (event.type === 'transcript.text.delta') {
      text += event.delta ?? '';
      seen.push({ at, length: text.length });
    } else if (event.type === 'transcript.text.done' || event.type === 'error') {
      final = event;
      break;
    }
  }
  expect(final).toMatchObject({ type: 'transcript.text.done', text: fullText });
  // Every delta exactly once: the catch-up and the live deltas join without a repeat.
  expect(text).toBe(fullText);
  const [request] = await upstreamRequests(marker);
  const sentAt = request?.eventSentAt ?? [];
  const deltas = fullText.match(/\s*\S+/g) ?? [];
  const firstSeen = seen[0]?.at ?? Infinity;
  let length = 0;
  deltas.forEach((delta, index) => {
    length += delta.length;
    const sent = sentAt[index] ?? 0;
    // Deltas sent before B listened arrive with the catch-up; the later ones within a second.
    if (sent < firstSeen) return;
    const arrived = seen.find((entry) => entry.length >= length)?.at ?? Infinity;
    expect(arrived - sent, `delta ${index}`).toBeLessThan(1000);
  });
}

test('B follows, live, a job that runs on A: on the transcript’s events and on the share page', async ({ browser }) => {
  const account = await newAccount(browser, 'follow', cluster.a);
  const marker = uniqueMarker();
  const words = slowText(12);
  const id = await startTranscription(cluster.a, account.cookieHeader, `${marker} fake:delay=250 fake:text=${words}`);
  const link = await sameOriginPost(cluster.b, account.cookieHeader, `/api/transcriptions/${id}/share`, { headers: { 'content-type': 'application/json' }, body: '{}' });
  const { path } = (await link.json()) as { path: string };
  const token = path.split('/').pop() ?? '';
  // Joined a little late: the first words come from the saved text.
  await new Promise((resolve) => setTimeout(resolve, 700));
  const [owner, reader] = await Promise.all([
    fetch(`${cluster.b.baseUrl}/api/transcriptions/${id}/events`, { headers: { cookie: account.cookieHeader } }),
    fetch(`${cluster.b.baseUrl}/api/share/${token}/events`),
  ]);
  const fullText = words.replaceAll('_', ' ');
  await Promise.all([expectFollowedWithinOneSecond(followEvents(owner), marker, fullText), expectFollowedWithinOneSecond(followEvents(reader), marker, fullText)]);

  // The share page itself, opened on B while another job runs on A, fills in live.
  const second = uniqueMarker();
  const secondId = await startTranscription(cluster.a, account.cookieHeader, `${second} fake:delay=200 fake:text=${slowText(10)}`);
  const secondLink = await sameOriginPost(cluster.b, account.cookieHeader, `/api/transcriptions/${secondId}/share`, { headers: { 'content-type': 'application/json' }, body: '{}' });
  const secondPath = ((await secondLink.json()) as { path: string }).path;
  const context = await browser.newContext({ storageState: signedOut });
  const page = await context.newPage();
  await page.goto(`${cluster.b.baseUrl}${secondPath}`);
  await expect(page.getByText(slowText(10).replaceAll('_', ' '))).toBeVisible({ timeout: 10_000 });
  await context.close();
});

test('Cancel on B stops the upstream request of A’s job within a second; so does Delete', async ({ browser }) => {
  const account = await newAccount(browser, 'cancel', cluster.a);
  const marker = uniqueMarker();
  const id = await startTranscription(cluster.a, account.cookieHeader, `${marker} fake:delay=500 fake:text=${slowText(40)}`);
  await expect.poll(async () => (await getTranscript(cluster.b, account.cookieHeader, id)).text).not.toBe('');
  const cancelledAt = Date.now();
  const cancelled = await sameOriginPost(cluster.b, account.cookieHeader, `/api/transcriptions/${id}/cancel`);
  expect(cancelled.status).toBe(204);
  const [request] = await upstreamRequests(marker);
  expect(request?.outcome).toBe('client-aborted');
  expect((request?.clientAbortedAt ?? Infinity) - cancelledAt).toBeLessThan(1000);
  const ended = await getTranscript(cluster.b, account.cookieHeader, id);
  expect(ended.status).toBe('cancelled');
  expect(ended.text).not.toBe('');

  const deleted = uniqueMarker();
  const secondId = await startTranscription(cluster.a, account.cookieHeader, `${deleted} fake:delay=500 fake:text=${slowText(40)}`);
  await expect.poll(async () => (await getTranscript(cluster.b, account.cookieHeader, secondId)).text).not.toBe('');
  const deletedAt = Date.now();
  const removed = await fetch(`${cluster.b.baseUrl}/api/transcriptions/${secondId}`, { method: 'DELETE', headers: { cookie: account.cookieHeader, origin: cluster.b.baseUrl } });
  expect(removed.status).toBe(204);
  await expect.poll(async () => (await upstreamRequests(deleted))[0]?.clientAbortedAt ?? Infinity, { timeout: 2000 }).toBeLessThan(deletedAt + 1000);
});

test('the per-user in-flight limit holds across A and B', async ({ browser }) => {
  const account = await newAccount(browser, 'inflight', cluster.a);
  const id = await startTranscription(cluster.a, account.cookieHeader, `${uniqueMarker()} fake:delay=300 fake:text=${slowText(30)}`);
  await expect(startTranscription(cluster.b, account.cookieHeader, 'fake:delay=0')).rejects.toThrow(/429.*rate_limit:concurrency/);
  expect((await sameOriginPost(cluster.b, account.cookieHeader, `/api/transcriptions/${id}/cancel`)).status).toBe(204);
  // The slot A held is free for B once the job has ended.
  const next = await startTranscription(cluster.b, account.cookieHeader, 'fake:delay=0');
  await waitForStatus(cluster.a, account.cookieHeader, next, 'done');
});

test('after kill -9 of A, B takes its jobs over once their leases expire: retried when no text had been sent, else failed with the text kept', async ({ browser }) => {
  // Two accounts: one job in flight per user.
  const account = await newAccount(browser, 'takeover', cluster.a);
  const other = await newAccount(browser, 'takeover-text', cluster.b);
  const talking = uniqueMarker();
  const partial = await startTranscription(cluster.a, other.cookieHeader, `${talking} fake:stall`);
  await expect.poll(async () => (await getTranscript(cluster.b, other.cookieHeader, partial)).text).not.toBe('');
  const silent = uniqueMarker();
  // The upstream holds its answer, so nothing has been said when A dies.
  const retried = await startTranscription(cluster.a, account.cookieHeader, `${silent} fake:first-delay=8000 fake:delay=0 fake:text=Said_after_all.`);
  await expect.poll(async () => (await getTranscript(cluster.b, account.cookieHeader, retried)).audioBytes).toBeGreaterThan(0);
  const killedAt = Date.now();
  await cluster.a.kill();

  const ended = await waitForStatus(cluster.b, other.cookieHeader, partial, 'failed');
  expect(ended.text).not.toBe('');
  expect(ended.error).toMatchObject({ code: 'interrupted', message: expect.stringMatching(/stopped/) });
  const done = await waitForStatus(cluster.b, account.cookieHeader, retried, 'done', 30_000);
  expect(done.text).toBe('Said after all.');
  const [first, retry] = await upstreamRequests(silent);
  expect(first?.outcome).toBe('client-aborted');
  // Not before the lease had run out.
  expect((retry?.receivedAt ?? 0) - killedAt).toBeGreaterThan(CLUSTER_LEASE_MS - 2000);
  await cluster.restartA('kill');
});

test('restarting A leaves a job that runs on B alone', async ({ browser }) => {
  const account = await newAccount(browser, 'restart', cluster.b);
  // Long enough to outlast A's restart under load.
  const words = slowText(80);
  const id = await startTranscription(cluster.b, account.cookieHeader, `${uniqueMarker()} fake:delay=400 fake:text=${words}`);
  await cluster.restartA('stop');
  // A looks for jobs to take over as it starts, and again every third of a lease.
  await new Promise((resolve) => setTimeout(resolve, CLUSTER_LEASE_MS / 2));
  expect((await getTranscript(cluster.a, account.cookieHeader, id)).status).toBe('transcribing');
  const done = await waitForStatus(cluster.a, account.cookieHeader, id, 'done', 60_000);
  expect(done.text).toBe(words.replaceAll('_', ' '));
});

test('failed sign-ins are counted across both instances', async ({ browser }) => {
  const account = await newAccount(browser, 'lockout', cluster.a);
  const attempt = async (instance: AppInstance, password: string) => {
    const context = await browser.newContext({ baseURL: instance.baseUrl, storageState: signedOut });
    const page = await context.newPage();
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill(account.email);
    await page.getByLabel('Password').fill(password);
    await Promise.all([page.waitForResponse((response) => response.request().method() === 'POST'), page.getByRole('button', { name: 'Sign in' }).click()]);
    const alert = await page.getByRole('main').getByRole('alert').textContent({ timeout: 5000 }).catch(() => '');
    await context.close();
    return alert ?? '';
  };
  // Four failures in all, two on each: neither instance alone has reached the limit.
  for (const instance of [cluster.a, cluster.b, cluster.a, cluster.b]) expect(await attempt(instance, 'wrong password')).toContain('Wrong email or password');
  expect(await attempt(cluster.a, account.password)).toContain('Too many failed sign-in attempts');
});
