import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import {
  appendRecordingChunk,
  createRecording,
  deleteRecording,
  finishRecording,
  markRecordingSent,
  getRecording,
  listRecordings,
  readRecordingFile,
} from './recordings-store';

const bytes = (...values: number[]) => new Uint8Array(values).buffer;

const ownerId = 'user-1';

async function recordingWithChunks(id: string, startedAt: number, chunks: ArrayBuffer[], owner = ownerId) {
  await createRecording({ id, ownerId: owner, fileName: `${id}.webm`, mimeType: 'audio/webm;codecs=opus', startedAt });
  for (const [seq, data] of chunks.entries()) await appendRecordingChunk({ id, seq, data, durationMs: (seq + 1) * 1000 });
}

describe('recordings store', () => {
  it('keeps an interrupted recording whole, chunk by chunk, in order', async () => {
    await recordingWithChunks('interrupted', 1_000, [bytes(1, 2), bytes(3), bytes(4, 5, 6)]);

    expect(await getRecording('interrupted')).toMatchObject({ state: 'recording', bytes: 6, durationMs: 3000 });
    const file = await readRecordingFile('interrupted');
    expect(file?.name).toBe('interrupted.webm');
    expect(file?.type).toBe('audio/webm');
    expect([...new Uint8Array(await file!.arrayBuffer())]).toEqual([1, 2, 3, 4, 5, 6]);
    await deleteRecording('interrupted');
  });

  it('orders chunks by number, not by arrival, past ten', async () => {
    await createRecording({ id: 'many', ownerId, fileName: 'many.m4a', mimeType: 'audio/mp4', startedAt: 1 });
    for (const seq of [10, 2, 0, 1, 11, 3, 4, 5, 6, 7, 8, 9]) await appendRecordingChunk({ id: 'many', seq, data: bytes(seq), durationMs: 1 });
    const file = await readRecordingFile('many');
    expect([...new Uint8Array(await file!.arrayBuffer())]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(file?.type).toBe('audio/mp4');
    await deleteRecording('many');
  });

  it('marks a recording stopped with its final length', async () => {
    await recordingWithChunks('stopped', 1, [bytes(1)]);
    await finishRecording('stopped', 1_450);
    expect(await getRecording('stopped')).toMatchObject({ state: 'stopped', durationMs: 1_450, bytes: 1 });
    await deleteRecording('stopped');
  });

  it('remembers the transcript a sent recording became', async () => {
    await recordingWithChunks('sent', 1, [bytes(1)]);
    await markRecordingSent('sent', 'transcript-1');
    expect(await getRecording('sent')).toMatchObject({ transcriptId: 'transcript-1', bytes: 1 });
    await deleteRecording('sent');
  });

  it("lists the owner's recordings newest first, without the one being recorded, and drops empty ones", async () => {
    await recordingWithChunks('older', 1_000, [bytes(1)]);
    await recordingWithChunks('newer', 2_000, [bytes(2)]);
    await recordingWithChunks('live', 3_000, [bytes(3)]);
    await recordingWithChunks('empty', 4_000, []);
    await recordingWithChunks('someone-elses', 5_000, [bytes(5)], 'user-2');
    await recordingWithChunks('someone-elses-empty', 6_000, [], 'user-2');

    expect((await listRecordings({ ownerId, exceptId: 'live' })).map((recording) => recording.id)).toEqual(['newer', 'older']);
    expect(await getRecording('empty')).toBeUndefined();
    expect(await getRecording('live')).toBeDefined();
    // Another person's recordings on a shared browser are neither shown nor touched.
    expect(await getRecording('someone-elses-empty')).toBeDefined();
    expect((await listRecordings({ ownerId: 'user-2' })).map((recording) => recording.id)).toEqual(['someone-elses']);
    for (const id of ['older', 'newer', 'live', 'someone-elses']) await deleteRecording(id);
  });

  it('deletes a recording with all its chunks', async () => {
    await recordingWithChunks('gone', 1, [bytes(1), bytes(2)]);
    await recordingWithChunks('kept', 2, [bytes(9)]);
    await deleteRecording('gone');

    expect(await readRecordingFile('gone')).toBeUndefined();
    expect(await listRecordings({ ownerId })).toEqual([expect.objectContaining({ id: 'kept' })]);
    // A new recording that reuses the id starts empty: no chunk of the old one is left behind.
    await recordingWithChunks('gone', 3, []);
    expect((await readRecordingFile('gone'))?.size).toBe(0);
    await deleteRecording('gone');
    await deleteRecording('kept');
  });

  it('ignores a chunk for a recording that was discarded meanwhile', async () => {
    await appendRecordingChunk({ id: 'discarded', seq: 0, data: bytes(1), durationMs: 1 });
    expect(await readRecordingFile('discarded')).toBeUndefined();
    expect(await listRecordings({ ownerId })).toEqual([]);
  });
});
