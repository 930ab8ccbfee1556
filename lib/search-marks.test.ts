import { describe, expect, it } from 'vitest';
import { markMatches, splitMarked } from './search-marks';

describe('splitMarked', () => {
  it('splits marked text into plain and matched parts', () => {
    expect(splitMarked('…the \u0002quick\u0003 brown \u0002fox\u0003')).toEqual([
      { text: '…the ', match: false },
      { text: 'quick', match: true },
      { text: ' brown ', match: false },
      { text: 'fox', match: true },
    ]);
    expect(splitMarked('<img src=x onerror=alert(1)>')).toEqual([{ text: '<img src=x onerror=alert(1)>', match: false }]);
  });
});

describe('markMatches', () => {
  it('marks every searched word, the last as a prefix, ignoring case and accents', () => {
    expect(markMatches('Café budget, the BUDGETS and bud.', 'cafe budg')).toBe('\u0002Café\u0003 \u0002budget\u0003, the \u0002BUDGETS\u0003 and bud.');
  });

  it('keeps a window of words around the first match', () => {
    const text = Array.from({ length: 50 }, (_, index) => `w${index}`).join(' ');
    expect(markMatches(text, 'w25', { aroundWords: 2 })).toBe('…w23 w24 \u0002w25\u0003 w26 w27…');
  });

  it('drops marker characters that were in the text', () => {
    expect(markMatches('a\u0002b cd', 'cd')).toBe('ab \u0002cd\u0003');
  });
});
