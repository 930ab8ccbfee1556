import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, test as base, expect, type Page } from '@playwright/test';
import { APP_BASE_URL, E2E_DATA_DIR, FAKE_UPSTREAM_ORIGIN } from './constants';
import type { RecordedRequest } from './fake-upstream';

/** A context with no session, whatever the project's defaults say. */
export const signedOut = { cookies: [], origins: [] };

export type Account = { email: string; password: string; storageStatePath: string; cookieHeader: string };

/** Registers a real account through the sign-up page and keeps its session. */
export async function registerAccount(browser: Browser, label: string, baseURL: string = APP_BASE_URL): Promise<Account> {
  const email = `${label}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.test`;
  const password = 'correct horse battery staple';
  const context = await browser.newContext({ baseURL, storageState: signedOut });
  const page = await context.newPage();
  await page.goto('/sign-up');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { name: 'New transcription' })).toBeVisible();
  const directory = path.join(E2E_DATA_DIR, 'sessions');
  mkdirSync(directory, { recursive: true });
  const storageStatePath = path.join(directory, `${label}.json`);
  const state = await context.storageState({ path: storageStatePath });
  await context.close();
  const cookieHeader = state.cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ');
  return { email, password, storageStatePath, cookieHeader };
}

type WorkerFixtures = { account: Account; otherAccount: Account };

export const test = base.extend<object, WorkerFixtures>({
  account: [async ({ browser }, use, workerInfo) => use(await registerAccount(browser, `owner-w${workerInfo.workerIndex}`)), { scope: 'worker' }],
  otherAccount: [async ({ browser }, use, workerInfo) => use(await registerAccount(browser, `other-w${workerInfo.workerIndex}`)), { scope: 'worker' }],
  storageState: async ({ account }, use) => use(account.storageStatePath),
});

export { expect };

/** What the fake upstream received for requests whose prompt contains marker. */
export async function upstreamRequests(marker: string): Promise<RecordedRequest[]> {
  const response = await fetch(`${FAKE_UPSTREAM_ORIGIN}/__fake/requests?prompt_contains=${encodeURIComponent(marker)}`);
  return (await response.json()) as RecordedRequest[];
}

export const fixturePath = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

export function uniqueMarker() {
  return `m${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

/** The main page: choose a file, set options, transcribe. */
export class TranscribePage {
  constructor(readonly page: Page) {}

  async goto() {
    await this.page.goto('/');
    await expect(this.page.getByRole('heading', { name: 'New transcription' })).toBeVisible();
  }

  async transcribe(file: string | { name: string; mimeType: string; buffer: Buffer }, options: { prompt?: string; language?: string } = {}) {
    await this.page.getByLabel('Audio file').setInputFiles(typeof file === 'string' ? fixturePath(file) : file);
    if (options.language) await this.page.getByLabel('Language').selectOption(options.language);
    if (options.prompt) await this.page.getByLabel('Prompt (optional)').fill(options.prompt);
    await this.page.getByRole('button', { name: 'Transcribe' }).click();
  }

  /** Waits for the live transcript to finish, then opens its page; returns the transcript id. */
  async openTranscript() {
    await this.page.getByRole('link', { name: 'Open transcript' }).click();
    await expect(this.page).toHaveURL(/\/transcripts\/[0-9a-f-]{36}$/);
    return this.page.url().split('/').pop() ?? '';
  }

  /** Samples the live transcript as it grows; the returned function stops and gives every distinct text seen. */
  sampleTranscriptTexts() {
    const seen = new Set<string>();
    const timer = setInterval(() => {
      this.transcript()
        .textContent({ timeout: 50 })
        .then((text) => text && seen.add(text.replace(/\s+/g, ' ').trim()))
        .catch(() => undefined);
    }, 20);
    return () => {
      clearInterval(timer);
      return [...seen];
    };
  }

  transcript() {
    return this.page.getByRole('region', { name: 'Transcript', exact: true });
  }

  /** Scoped to main: Next's route announcer is an alert too. */
  alert() {
    return this.page.getByRole('main').getByRole('alert');
  }
}

export type RecordingOnDevice = { id: string; bytes: number; state: string; transcriptId?: string };

/** The recorder on the main page; the recording specs run with a fake microphone. */
export class RecorderPanel {
  constructor(readonly page: Page) {}

  recordButton() {
    return this.page.getByRole('button', { name: 'Record', exact: true });
  }

  timer() {
    return this.page.getByRole('timer', { name: 'Elapsed time' });
  }

  pendingHeading() {
    return this.page.getByRole('heading', { name: /not yet transcribed$/ });
  }

  /** Starts recording and waits until the timer shows `seconds` (as "00:0N"). */
  async record(seconds: number) {
    await this.recordButton().click();
    await expect(this.timer()).toHaveText(`00:${String(seconds).padStart(2, '0')}`, { timeout: (seconds + 10) * 1000 });
  }

  /** What the app keeps in this browser's IndexedDB (read without creating the database). */
  async onDevice(): Promise<RecordingOnDevice[]> {
    return this.page.evaluate(async () => {
      if (!(await indexedDB.databases()).some((database) => database.name === 'verbatim-recordings')) return [];
      const database = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('verbatim-recordings');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const all = await new Promise<RecordingOnDevice[]>((resolve, reject) => {
        const request = database.transaction('recordings').objectStore('recordings').getAll();
        request.onsuccess = () => resolve(request.result as RecordingOnDevice[]);
        request.onerror = () => reject(request.error);
      });
      database.close();
      return all.map(({ id, bytes, state, transcriptId }) => ({ id, bytes, state, transcriptId }));
    });
  }
}
