import { describe, expect, it } from 'vitest';
import { hasAcceptedAudioExtension, sniffAudioFormat } from './format';

const bytes = (...values: (number | string)[]) =>
  new Uint8Array(values.flatMap((value) => (typeof value === 'string' ? [...value].map((c) => c.charCodeAt(0)) : [value])));
const padded = (head: Uint8Array) => {
  const out = new Uint8Array(64);
  out.set(head);
  return out;
};

describe('sniffAudioFormat', () => {
  it.each([
    ['ID3-tagged MP3', bytes('ID3', 4, 0, 0), 'mp3'],
    ['bare MPEG-1 layer III frame', bytes(0xff, 0xfb, 0x90, 0x64), 'mp3'],
    ['MPEG-2 layer III frame', bytes(0xff, 0xf3, 0x48, 0xc4), 'mp3'],
    ['M4A', bytes(0, 0, 0, 0x20, 'ftypM4A ', 0, 0, 0, 0), 'm4a'],
    ['MP4', bytes(0, 0, 0, 0x18, 'ftypisom', 0, 0, 2, 0), 'mp4'],
    ['WAV', bytes('RIFF', 0x24, 0, 0, 0, 'WAVEfmt '), 'wav'],
    ['WebM', bytes(0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84, 'webm'), 'webm'],
    ['Ogg', bytes('OggS', 0, 2), 'ogg'],
  ])('recognises %s', (_name, head, container) => {
    expect(sniffAudioFormat(padded(head))?.container).toBe(container);
  });

  it.each([
    ['text', bytes('hello world, this is not audio')],
    ['PNG', bytes(0x89, 'PNG', 0x0d, 0x0a, 0x1a, 0x0a)],
    ['AAC ADTS (not accepted upstream)', bytes(0xff, 0xf1, 0x50, 0x80)],
    ['RIFF that is not WAVE', bytes('RIFF', 0, 0, 0, 0, 'AVI LIST')],
    ['Matroska video', bytes(0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x88, 'matroska')],
    ['too short', bytes('ID')],
    ['empty', new Uint8Array()],
  ])('refuses %s', (_name, head) => {
    expect(sniffAudioFormat(head)).toBeUndefined();
  });

  it('gives the container its matching extension and type', () => {
    expect(sniffAudioFormat(padded(bytes('OggS')))).toEqual({ container: 'ogg', extension: 'ogg', mimeType: 'audio/ogg' });
    expect(sniffAudioFormat(padded(bytes(0, 0, 0, 0x20, 'ftypM4A '))))
      .toEqual({ container: 'm4a', extension: 'm4a', mimeType: 'audio/mp4' });
  });
});

describe('hasAcceptedAudioExtension', () => {
  it('accepts the upstream formats whatever the case', () => {
    expect(hasAcceptedAudioExtension('Meeting.M4A')).toBe(true);
    expect(hasAcceptedAudioExtension('voice.webm')).toBe(true);
    expect(hasAcceptedAudioExtension('notes.txt')).toBe(false);
    expect(hasAcceptedAudioExtension('noextension')).toBe(false);
  });
});
