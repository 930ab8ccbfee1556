import { describe, expect, it } from 'vitest';
import { cleanHypothesis, createLineSplitter, deltaFor } from './output';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('createLineSplitter', () => {
  it('returns complete lines only, across chunk boundaries', () => {
    const lines = createLineSplitter();
    expect(lines.push(bytes('go forward'))).toEqual([]);
    expect(lines.push(bytes(' ten meters\ngo some'))).toEqual(['go forward ten meters']);
    expect(lines.push(bytes('where\n\n'))).toEqual(['go somewhere', '']);
    expect(lines.end()).toEqual([]);
  });

  it('keeps a multi-byte character split between chunks', () => {
    const lines = createLineSplitter();
    const text = bytes('café\n');
    expect(lines.push(text.subarray(0, 4))).toEqual([]);
    expect(lines.push(text.subarray(4))).toEqual(['café']);
  });

  it('gives back a last line without a newline at the end', () => {
    const lines = createLineSplitter();
    lines.push(bytes('thirty three'));
    expect(lines.end()).toEqual(['thirty three']);
  });
});

describe('cleanHypothesis', () => {
  it.each([
    ['go forward ten meters', 'go forward ten meters'],
    ['  go   forward\tten meters \r', 'go forward ten meters'],
    ['i read(2) it', 'i read it'],
    ['<s> hello <sil> there </s>', 'hello there'],
    ['[noise] [breath]', ''],
    ['', ''],
  ])('%j → %j', (line, expected) => {
    expect(cleanHypothesis(line)).toBe(expected);
  });
});

describe('deltaFor', () => {
  it('starts the text without a space and puts one before each later utterance', () => {
    let text = '';
    const deltas = ['go forward ten meters', 'go somewhere'].map((utterance) => {
      const delta = deltaFor(text, utterance);
      text += delta;
      return delta;
    });
    expect(deltas).toEqual(['go forward ten meters', ' go somewhere']);
    expect(text).toBe('go forward ten meters go somewhere');
  });
});
