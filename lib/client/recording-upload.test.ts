import { afterEach, describe, expect, it, vi } from 'vitest';
import { durationUpToBytes, startRecordingUpload } from './recording-upload';
import { GrowingAudio, type ResumableUploadInput } from './resumable-upload';

const started: ResumableUploadInput[] = [];

vi.mock('./resumable-upload', async (importOriginal) => ({
  ...(await importOriginal<typeof import('./resumable-upload')>()),
  startResumableUpload: (input: ResumableUploadInput) => {
    started.push(input);
    return { done: new Promise(() => undefined), pause: () => undefined, resume: () => undefined, abort: async () => undefined };
  },
}));

afterEach(() => {
  started.length = 0;
});

const settings = { endpoint: '/api/uploads/resumable', chunkSize: 64 * 1024 * 1024, maxBytes: 500 * 1024 * 1024 };
const input = { settings, userId: 'u1', recordingId: 'r1', fileName: 'Recording.webm', fileType: 'audio/webm;codecs=opus' };

async function readAll(source: GrowingAudio) {
  let text = '';
  for (let offset = 0; ; ) {
    const { value, done } = await source.slice(offset, offset + 1000);
    if (value) {
      text += await value.text();
      offset += value.size;
    }
    if (done) return text;
  }
}

const marks = [
  { bytes: 6_000, durationMs: 1_000 },
  { bytes: 12_500, durationMs: 2_000 },
  { bytes: 18_000, durationMs: 3_000 },
];

describe('durationUpToBytes', () => {
  it('is nothing before the first whole chunk is stored', () => {
    expect(durationUpToBytes(marks, 0)).toBe(0);
    expect(durationUpToBytes(marks, 5_999)).toBe(0);
    expect(durationUpToBytes([], 10_000)).toBe(0);
  });

  it('reaches the end of the last chunk the server holds entirely', () => {
    expect(durationUpToBytes(marks, 6_000)).toBe(1_000);
    expect(durationUpToBytes(marks, 12_499)).toBe(1_000);
    expect(durationUpToBytes(marks, 12_500)).toBe(2_000);
    expect(durationUpToBytes(marks, 18_000)).toBe(3_000);
    expect(durationUpToBytes(marks, 99_000)).toBe(3_000);
  });
});

describe('startRecordingUpload', () => {
  it('uploads a growing recording of deferred length under its id, and says how much of it the server holds', async () => {
    const onServerDuration = vi.fn();
    const upload = startRecordingUpload({ ...input, onServerDuration });
    const [tus] = started;
    expect(tus).toMatchObject({ fingerprint: 'verbatim:u1:recording:r1', fileType: 'audio/webm;codecs=opus', recorded: true });
    expect(tus?.source).toBeInstanceOf(GrowingAudio);

    upload.append(new Blob(['one ']), 1_000);
    upload.append(new Blob(['two ']), 2_000);
    tus?.onAccepted?.(4);
    tus?.onAccepted?.(7);
    tus?.onAccepted?.(8);
    expect(onServerDuration.mock.calls).toEqual([[1_000], [1_000], [2_000]]);

    upload.end();
    // Nothing follows the declared length, and a late chunk is no error in the recorder's chain of writes.
    upload.append(new Blob(['late']), 3_000);
    expect(await readAll(tus?.source as GrowingAudio)).toBe('one two ');
  });

  it('resumes a stopped recording from the chunks on the device, its length known', async () => {
    startRecordingUpload({ ...input, initial: [new Blob(['saved ']), new Blob(['before'])], ended: true });
    expect(await readAll(started[0]?.source as GrowingAudio)).toBe('saved before');
  });
});
