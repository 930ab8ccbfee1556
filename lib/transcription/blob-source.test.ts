import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type FakeBlob, startFakeBlob } from '@/e2e/support/fake-blob';
import { getAudioStore } from '@/lib/audio-store';
import { isStoredUploadRequest, receiveStoredUpload, type StoredUpload } from './blob-source';

const alice = randomUUID();
const bob = randomUUID();
const wav = new Uint8Array([...Buffer.from('RIFF'), 36, 0, 0, 0, ...Buffer.from('WAVEfmt '), ...new Uint8Array(200)]);

let fake: FakeBlob;
let dataDir: string;
beforeAll(async () => {
  fake = await startFakeBlob();
  dataDir = mkdtempSync(path.join(tmpdir(), 'verbatim-blob-source-'));
  // Read once, on first use: the store is the fake Blob server.
  vi.stubEnv('DATA_DIR', dataDir);
  vi.stubEnv('BLOB_READ_WRITE_TOKEN', fake.token);
  vi.stubEnv('VERCEL_BLOB_API_URL', fake.apiUrl);
  vi.stubEnv('BLOB_READ_BASE_URL', fake.readBaseUrl);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await fake.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function transcribeRequest(body: unknown) {
  return new Request('http://app.test/api/transcriptions', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

async function uploaded(userId: string, bytes: Uint8Array) {
  const pathname = `uploads/${userId}/${randomUUID()}`;
  await fake.seed(pathname, bytes, 'audio/wav');
  return pathname;
}

const touched = (pathname: string) => fake.requests.filter((request) => request.pathname === pathname).map((request) => request.route);

describe('receiveStoredUpload', () => {
  it('tells a request naming an upload from a multipart one', () => {
    expect(isStoredUploadRequest(transcribeRequest({}))).toBe(true);
    expect(isStoredUploadRequest(new Request('http://app.test/', { method: 'POST', body: new FormData() }))).toBe(false);
  });

  it('accepts this user’s audio upload, then copies it into the store and removes the upload', async () => {
    const pathname = await uploaded(alice, wav);
    const upload = (await receiveStoredUpload(transcribeRequest({ blob: pathname, fileName: 'Interview.wav', language: 'EN', stream: true }), alice)) as StoredUpload;
    expect(upload).toMatchObject({ fileName: 'Interview.wav', bytes: wav.byteLength, format: { container: 'wav' }, options: { language: 'en', stream: true } });

    const key = randomUUID();
    await upload.adopt(key);
    expect(fake.has(pathname)).toBe(false);
    const stored = await getAudioStore().get(key);
    expect(Buffer.from(await new Response(stored!.body).arrayBuffer())).toEqual(Buffer.from(wav));
  });

  it('answers 404 for another user’s upload without asking the store about it', async () => {
    const pathname = await uploaded(bob, wav);
    await expect(receiveStoredUpload(transcribeRequest({ blob: pathname }), alice)).rejects.toMatchObject({ status: 404 });
    expect(touched(pathname)).toEqual([]);
    expect(fake.has(pathname)).toBe(true);
  });

  it('never fetches a URL, nor a pathname outside the uploads', async () => {
    const before = fake.requests.length;
    for (const blob of [`${fake.readBaseUrl}/uploads/${alice}/${randomUUID()}`, `audio/${randomUUID()}`, `uploads/${alice}/../${bob}/${randomUUID()}`]) {
      await expect(receiveStoredUpload(transcribeRequest({ blob }), alice)).rejects.toMatchObject({ status: 404 });
    }
    expect(fake.requests.slice(before)).toEqual([]);
  });

  it('answers 404 for an upload that is not there', async () => {
    await expect(receiveStoredUpload(transcribeRequest({ blob: `uploads/${alice}/${randomUUID()}` }), alice)).rejects.toMatchObject({ status: 404 });
  });

  it('refuses and removes an upload whose first bytes are not audio', async () => {
    const pathname = await uploaded(alice, new TextEncoder().encode('<html>not audio at all</html>'));
    await expect(receiveStoredUpload(transcribeRequest({ blob: pathname }), alice)).rejects.toMatchObject({ status: 415 });
    expect(fake.has(pathname)).toBe(false);
    // Only its first bytes were read.
    expect(touched(pathname)).toEqual(['head', 'read', 'delete']);
  });

  it('refuses a body that is not a small JSON request', async () => {
    await expect(receiveStoredUpload(transcribeRequest({ fileName: 'x' }), alice)).rejects.toMatchObject({ status: 400 });
    await expect(receiveStoredUpload(transcribeRequest({ blob: 'x'.repeat(20_000) }), alice)).rejects.toMatchObject({ status: 413 });
  });
});
