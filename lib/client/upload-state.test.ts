import { describe, expect, it } from 'vitest';
import type { TranscriptEvent } from '@/lib/transcription/events';
import { transcriptEventSchema } from '@/lib/transcription/events';
import {
  initialUploadState,
  isUploading,
  keptOnDevice,
  partLabel,
  releasesLocalCopy,
  type UploadAction,
  uploadReducer,
  type UploadState,
} from './upload-state';

const audio = (name = 'talk.mp3') => new File([new Uint8Array([0x49, 0x44, 0x33])], name, { type: 'audio/mpeg' });

const run = (...actions: UploadAction[]) => actions.reduce(uploadReducer, initialUploadState);
const event = (streamed: TranscriptEvent): UploadAction => ({ type: 'event', event: streamed });

/** A run under way: file chosen and checked, upload started, transcript created. */
function running(): UploadState {
  const file = audio();
  return run({ type: 'file.chosen', file }, { type: 'file.checked', file, problem: null }, { type: 'started' }, event({ type: 'transcript.created', id: 't1' }));
}

describe('uploadReducer', () => {
  it('follows a run from choosing a file to its transcript', () => {
    const file = audio();
    let state = run({ type: 'file.chosen', file });
    expect(state).toMatchObject({ phase: 'idle', file, problem: null });
    state = uploadReducer(state, { type: 'file.checked', file, problem: null });
    state = uploadReducer(state, { type: 'started' });
    expect(state.phase).toBe('running');
    state = uploadReducer(state, { type: 'upload.progress', fraction: 0.5 });
    expect(isUploading(state)).toBe(true);
    state = uploadReducer(state, event({ type: 'transcript.created', id: 't1' }));
    expect(isUploading(state)).toBe(false);
    state = uploadReducer(state, event({ type: 'transcript.waiting', position: 2 }));
    expect(state.queuePosition).toBe(2);
    state = uploadReducer(state, event({ type: 'transcript.text.delta', delta: 'Hello' }));
    state = uploadReducer(state, event({ type: 'transcript.text.delta', delta: ' world' }));
    expect(state).toMatchObject({ text: 'Hello world', queuePosition: null });
    state = uploadReducer(state, event({ type: 'transcript.text.done', text: 'Hello, world.' }));
    expect(state.text).toBe('Hello, world.');
    state = uploadReducer(state, { type: 'finished', outcome: { status: 'done', id: 't1', text: 'Hello, world.' } });
    expect(state).toMatchObject({ phase: 'done', transcriptId: 't1', text: 'Hello, world.', error: null });
  });

  it('takes the text of a transcription followed again after a lost connection from its start, without doubling it', () => {
    let state = uploadReducer(running(), event({ type: 'transcript.text.delta', delta: 'Part one.' }));
    state = uploadReducer(state, event({ type: 'transcript.created', id: 't1' }));
    state = uploadReducer(state, event({ type: 'transcript.text.delta', delta: 'Part one.' }));
    state = uploadReducer(state, event({ type: 'transcript.text.delta', delta: ' Part two.' }));
    expect(state).toMatchObject({ phase: 'running', transcriptId: 't1', text: 'Part one. Part two.' });
  });

  it('keeps only the latest check of a file chosen after another', () => {
    const [a, b] = [audio('a.mp3'), audio('b.mp3')];
    const late = run({ type: 'file.chosen', file: a }, { type: 'file.chosen', file: b }, { type: 'file.checked', file: a, problem: 'a.mp3 is empty' });
    expect(late.problem).toBeNull();
    expect(uploadReducer(late, { type: 'file.checked', file: b, problem: 'b.mp3 is empty' }).problem).toBe('b.mp3 is empty');
    // Nor after a recording or a fresh start took its place.
    const recording = run({ type: 'file.chosen', file: a }, { type: 'recording.chosen', file: b, recordingId: 'r1' }, { type: 'file.checked', file: a, problem: 'No.' });
    expect(recording.problem).toBeNull();
    expect(run({ type: 'file.chosen', file: a }, { type: 'reset' }, { type: 'file.checked', file: a, problem: 'No.' }).problem).toBeNull();
  });

  it('clears the last run when another file is chosen', () => {
    const failed = uploadReducer(running(), { type: 'finished', outcome: { status: 'failed', id: 't1', error: { code: 'upstream:x', message: 'No.' } } });
    const next = uploadReducer(failed, { type: 'file.chosen', file: audio('other.mp3') });
    expect(next).toMatchObject({ phase: 'idle', error: null, transcriptId: undefined, text: '', progress: 0, part: null });
    expect(next.file?.name).toBe('other.mp3');
  });

  it('takes no new file, recording or reset while a run is under way', () => {
    const state = running();
    expect(uploadReducer(state, { type: 'file.chosen', file: audio('other.mp3') })).toBe(state);
    expect(uploadReducer(state, { type: 'recording.chosen', file: audio('rec.webm'), recordingId: 'r1' })).toBe(state);
    expect(uploadReducer(state, { type: 'reset' })).toBe(state);
    expect(uploadReducer(state, { type: 'started' })).toBe(state);
  });

  it('ignores progress and events outside a run', () => {
    const done = uploadReducer(running(), { type: 'finished', outcome: { status: 'done', id: 't1', text: 'Done text' } });
    expect(uploadReducer(done, { type: 'upload.progress', fraction: 0.2 })).toBe(done);
    expect(uploadReducer(done, event({ type: 'transcript.text.delta', delta: ' more' }))).toBe(done);
    expect(uploadReducer(done, { type: 'finished', outcome: { status: 'aborted', id: 't1' } })).toBe(done);
  });

  it('shows the part being transcribed, the total once known', () => {
    let state = uploadReducer(running(), event({ type: 'transcript.part', index: 1, count: null, startSeconds: 0 }));
    expect(state.part).toEqual({ index: 1, count: null, startSeconds: 0 });
    expect(partLabel(state.part!)).toBe('Part 1');
    state = uploadReducer(state, event({ type: 'transcript.text.delta', delta: 'First part.' }));
    state = uploadReducer(state, event({ type: 'transcript.part', index: 3, count: 7, startSeconds: 2400 }));
    expect(state.part).toEqual({ index: 3, count: 7, startSeconds: 2400 });
    expect(partLabel(state.part!)).toBe('Part 3 of 7');
    expect(state.text).toBe('First part.');
    // A new run starts without the last one's parts.
    const cancelled = uploadReducer(state, { type: 'finished', outcome: { status: 'aborted', id: 't1' } });
    expect(uploadReducer(cancelled, { type: 'started' }).part).toBeNull();
  });

  it('ends a cancelled or failed run keeping its transcript id and text', () => {
    const withText = uploadReducer(running(), event({ type: 'transcript.text.delta', delta: 'Partial' }));
    expect(uploadReducer(withText, { type: 'finished', outcome: { status: 'aborted', id: undefined } })).toMatchObject({
      phase: 'cancelled',
      transcriptId: 't1',
      text: 'Partial',
    });
    expect(
      uploadReducer(withText, { type: 'finished', outcome: { status: 'failed', id: 't1', error: { code: 'upstream:transcription', message: 'The service failed.' } } }),
    ).toMatchObject({ phase: 'failed', error: 'The service failed.', text: 'Partial' });
  });

  it('keeps a recording that did not finish on the device and offers it again once back online', () => {
    let state = run({ type: 'recording.chosen', file: audio('rec.webm'), recordingId: 'r1' }, { type: 'started' });
    expect(uploadReducer(state, { type: 'back.online' })).toBe(state);
    state = uploadReducer(state, { type: 'finished', outcome: { status: 'failed', id: undefined, error: { code: 'network:connection', message: 'Lost.' } } });
    expect(keptOnDevice(state)).toBe(true);
    state = uploadReducer(state, { type: 'back.online' });
    expect(state.backOnline).toBe(true);
    state = uploadReducer(state, { type: 'started' });
    expect(state).toMatchObject({ backOnline: false, recordingId: 'r1', error: null });
  });

  it('starts a run with a recording that is still being made, takes its file at Stop, and offers it again only then', () => {
    let state = run({ type: 'recording.live', recordingId: 'r1' });
    expect(state).toMatchObject({ phase: 'running', file: null, recordingId: 'r1', recordingLive: true });
    expect(uploadReducer(state, { type: 'recording.live', recordingId: 'r2' })).toBe(state);
    state = uploadReducer(state, event({ type: 'transcript.created', id: 't1' }));
    state = uploadReducer(state, event({ type: 'transcript.part', index: 2, count: null, startSeconds: 180 }));
    state = uploadReducer(state, event({ type: 'transcript.text.delta', delta: 'So far.' }));
    expect(state).toMatchObject({ part: { index: 2, count: null }, text: 'So far.' });

    // The service failed while the recording went on: nothing to send again until it stops.
    state = uploadReducer(state, { type: 'finished', outcome: { status: 'failed', id: 't1', error: { code: 'upstream:transcription', message: 'No.' } } });
    expect(keptOnDevice(state)).toBe(false);
    const file = audio('rec.webm');
    expect(uploadReducer(state, { type: 'recording.stopped', recordingId: 'r0', file })).toBe(state);
    state = uploadReducer(state, { type: 'recording.stopped', recordingId: 'r1', file });
    expect(state).toMatchObject({ file, recordingLive: false, phase: 'failed' });
    expect(keptOnDevice(state)).toBe(true);
  });

  it('leaves nothing of a run whose recording was discarded while it recorded', () => {
    const state = uploadReducer(run({ type: 'recording.live', recordingId: 'r1' }, { type: 'recording.released', recordingId: 'r0' }), event({ type: 'transcript.created', id: 't1' }));
    expect(uploadReducer(state, { type: 'recording.discarded', recordingId: 'r0' })).toBe(state);
    expect(uploadReducer(state, { type: 'recording.discarded', recordingId: 'r1' })).toEqual({ ...initialUploadState, storeVersion: 1 });
  });

  it('forgets a released recording only if it is still the one chosen, and tells the recorder', () => {
    const state = run({ type: 'recording.chosen', file: audio('rec.webm'), recordingId: 'r1' });
    expect(uploadReducer(state, { type: 'recording.released', recordingId: 'r0' })).toMatchObject({ recordingId: 'r1', storeVersion: 1 });
    expect(uploadReducer(state, { type: 'recording.released', recordingId: 'r1' })).toMatchObject({ recordingId: undefined, storeVersion: 1 });
  });

  it('starts over with nothing chosen, keeping the recorder in step', () => {
    const done = uploadReducer(uploadReducer(running(), { type: 'recording.released', recordingId: 'r9' }), {
      type: 'finished',
      outcome: { status: 'done', id: 't1', text: 'All.' },
    });
    const fresh = uploadReducer(done, { type: 'reset' });
    expect(fresh).toEqual({ ...initialUploadState, storeVersion: 1 });
  });
});

describe('releasesLocalCopy', () => {
  it('lets the local copy go once the server needs nothing more from the page', () => {
    expect(releasesLocalCopy({ status: 'done', id: 't1', text: '' })).toBe(true);
    expect(releasesLocalCopy({ status: 'failed', id: 't1', error: { code: 'network:connection', message: '' } })).toBe(true);
    expect(releasesLocalCopy({ status: 'failed', id: undefined, error: { code: 'network:connection', message: '' } })).toBe(false);
    expect(releasesLocalCopy({ status: 'failed', id: 't1', error: { code: 'upstream:transcription', message: '' } })).toBe(false);
    expect(releasesLocalCopy({ status: 'aborted', id: 't1' })).toBe(false);
  });
});

describe('transcript.part events', () => {
  it('are read from the stream with a 1-based index and a total that may be unknown', () => {
    expect(transcriptEventSchema.parse({ type: 'transcript.part', index: 3, count: 7, startSeconds: 2400.5 })).toEqual({
      type: 'transcript.part',
      index: 3,
      count: 7,
      startSeconds: 2400.5,
    });
    expect(transcriptEventSchema.safeParse({ type: 'transcript.part', index: 1, count: null, startSeconds: 0 }).success).toBe(true);
    expect(transcriptEventSchema.safeParse({ type: 'transcript.part', index: 0, count: null, startSeconds: 0 }).success).toBe(false);
    expect(transcriptEventSchema.safeParse({ type: 'transcript.part', index: 1, startSeconds: 0 }).success).toBe(false);
    expect(transcriptEventSchema.safeParse({ type: 'transcript.part', index: 1, count: 2, startSeconds: -1 }).success).toBe(false);
  });
});
