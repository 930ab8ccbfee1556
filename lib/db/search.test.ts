import { describe, expect, it } from 'vitest';
import { splitMarked, toFtsQuery } from './search';

describe('toFtsQuery', () => {
  it('quotes each word and makes the last one a prefix', () => {
    expect(toFtsQuery('quick brown fo')).toBe('"quick" "brown" "fo"*');
  });

  it('drops FTS5 operators and punctuation, so no input is a syntax error', () => {
    expect(toFtsQuery('title:"x" OR NEAR(a b) -c *')).toBe('"title" "x" "OR" "NEAR" "a" "b" "c"*');
    expect(toFtsQuery('<img src=x onerror=alert(1)>')).toBe('"img" "src" "x" "onerror" "alert" "1"*');
  });

  it('keeps letters of every script and returns undefined without words', () => {
    expect(toFtsQuery('Übersetzung café')).toBe('"Übersetzung" "café"*');
    expect(toFtsQuery(' "" ** ')).toBeUndefined();
  });
});

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
