import { describe, expect, it } from 'vitest';
import { describeUploadError, fileFingerprint, GrowingAudio, recordingFingerprint, uploadIdFromUrl } from './resumable-upload';

const text = async (blob: Blob | null) => (blob ? await blob.text() : null);

function detailedError(status: number, body: string) {
  return Object.assign(new Error('tus'), {
    originalRequest: {},
    originalResponse: { getStatus: () => status, getBody: () => body, getHeader: () => undefined, getUnderlyingObject: () => undefined },
    causingError: null,
  });
}

describe('GrowingAudio', () => {
  it('answers with what is there once enough arrived, and declares the end with the last bytes', async () => {
    const source = new GrowingAudio({ flushMs: 50, minBytes: 4 });
    const first = source.slice(0, 100);
    source.append(new Blob(['ab']));
    source.append(new Blob(['cd']));
    expect(await first).toMatchObject({ done: false });
    expect(await text((await source.slice(0, 100)).value)).toBe('abcd');

    source.append(new Blob(['efg']));
    source.end();
    const last = await source.slice(4, 100);
    expect(last.done).toBe(true);
    expect(await text(last.value)).toBe('efg');
    expect(await source.slice(7, 100)).toEqual({ value: null, done: true });
  });

  it('sends what it has after flushMs rather than waiting for minBytes', async () => {
    const source = new GrowingAudio({ flushMs: 30, minBytes: 1000 });
    source.append(new Blob(['xy']));
    const started = Date.now();
    const slice = await source.slice(0, 1000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(await text(slice.value)).toBe('xy');
    expect(slice.done).toBe(false);
  });

  it('serves at most the chunk asked for, resumes from any offset it still holds, and lets acknowledged bytes go', async () => {
    const source = new GrowingAudio({ flushMs: 0, minBytes: 1, initial: [new Blob(['0123']), new Blob(['4567'])] });
    expect(await text((await source.slice(2, 5)).value)).toBe('234');
    // After a cut, the server may have stored less than was sent: the source still has it.
    expect(await text((await source.slice(2, 8)).value)).toBe('234567');
    expect(await text((await source.slice(5, 8)).value)).toBe('567');
    await expect(source.slice(0, 8)).rejects.toThrow();
  });
});

describe('describeUploadError', () => {
  it('keeps the API’s code and message, names lost uploads and lost connections', () => {
    expect(describeUploadError(detailedError(413, JSON.stringify({ error: { code: 'payload_too_large:upload', message: 'Too large.' } })))).toEqual({
      code: 'payload_too_large:upload',
      message: 'Too large.',
    });
    expect(describeUploadError(detailedError(410, 'gone')).code).toBe('not_found:upload');
    expect(describeUploadError(new Error('socket hang up')).code).toBe('network:connection');
  });
});

describe('fingerprints and ids', () => {
  it('names the user, so that one browser never resumes another account’s upload', () => {
    const file = new File(['x'], 'a.wav', { type: 'audio/wav', lastModified: 1 });
    expect(fileFingerprint('alice', file)).not.toBe(fileFingerprint('bob', file));
    expect(recordingFingerprint('alice', 'r1')).toBe('verbatim:alice:recording:r1');
    expect(uploadIdFromUrl('http://app.test/api/uploads/resumable/0b0e4f4e-8a43-4c5e-9f0e-1f2a3b4c5d6e')).toBe('0b0e4f4e-8a43-4c5e-9f0e-1f2a3b4c5d6e');
    expect(uploadIdFromUrl(null)).toBeUndefined();
  });
});
