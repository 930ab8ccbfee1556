import { describe, expect, it } from 'vitest';
import { chooseRecordingMimeType, extensionForRecordingType, recordingFileName, uploadTypeForRecording } from './recorder-format';

describe('chooseRecordingMimeType', () => {
  it('prefers WebM/Opus, as Chromium and Firefox record it', () => {
    expect(chooseRecordingMimeType(() => true)).toBe('audio/webm;codecs=opus');
  });

  it('falls back to MP4 where WebM is missing (Safari on iOS records AAC in MP4)', () => {
    expect(chooseRecordingMimeType((type) => type === 'audio/mp4' || type === 'audio/ogg;codecs=opus')).toBe('audio/mp4');
  });

  it('takes Ogg/Opus when it is the only one', () => {
    expect(chooseRecordingMimeType((type) => type.startsWith('audio/ogg'))).toBe('audio/ogg;codecs=opus');
  });

  it('leaves the choice to the browser when none is supported', () => {
    expect(chooseRecordingMimeType(() => false)).toBeUndefined();
  });
});

describe('extensionForRecordingType', () => {
  it.each([
    ['audio/webm;codecs=opus', 'webm'],
    ['audio/webm', 'webm'],
    ['video/webm;codecs=opus', 'webm'],
    ['audio/mp4', 'm4a'],
    ['audio/mp4;codecs=mp4a.40.2', 'm4a'],
    ['AUDIO/MP4; codecs="mp4a.40.2"', 'm4a'],
    ['audio/ogg;codecs=opus', 'ogg'],
  ])('%s → .%s', (mimeType, extension) => {
    expect(extensionForRecordingType(mimeType)).toBe(extension);
  });

  it.each(['', 'audio/wav', 'audio/mpeg', 'text/plain'])('has no extension for %j', (mimeType) => {
    expect(extensionForRecordingType(mimeType)).toBeUndefined();
  });
});

describe('uploadTypeForRecording', () => {
  it('drops the codec parameters and names MP4 audio as audio/mp4', () => {
    expect(uploadTypeForRecording('audio/webm;codecs=opus')).toBe('audio/webm');
    expect(uploadTypeForRecording('video/webm;codecs=opus')).toBe('audio/webm');
    expect(uploadTypeForRecording('audio/mp4;codecs=mp4a.40.2')).toBe('audio/mp4');
    expect(uploadTypeForRecording('audio/ogg;codecs=opus')).toBe('audio/ogg');
  });
});

describe('recordingFileName', () => {
  it('names the recording after its local start time, with the container extension', () => {
    expect(recordingFileName(new Date(2026, 2, 5, 9, 7), 'webm')).toBe('Recording 2026-03-05 09.07.webm');
    expect(recordingFileName(new Date(2026, 10, 27, 23, 59), 'm4a')).toBe('Recording 2026-11-27 23.59.m4a');
  });
});
