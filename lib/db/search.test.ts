import { describe, expect, it } from 'vitest';
import { toFtsQuery } from './search';

describe('toFtsQuery', () => {
  it('quotes each word and makes the last one a prefix', () => {
    expect(toFtsQuery('quick brown fo')).toBe('"quick" "brown" "fo"*');
  });

  it('drops FTS5 operators and punctuation, so no input is a syntax error', () => {
    expect(toFtsQuery('title:"xy" OR NEAR(ab cd) -ef *')).toBe('"title" "xy" "OR" "NEAR" "ab" "cd" "ef"*');
    expect(toFtsQuery('<img src=x onerror=alert(1)>')).toBe('"img" "src" "onerror" "alert"*');
  });

  it('keeps letters of every script and returns undefined without words', () => {
    expect(toFtsQuery('Übersetzung café')).toBe('"Übersetzung" "café"*');
    expect(toFtsQuery(' "" ** ')).toBeUndefined();
  });

  it('leaves out words shorter than two characters, so that no one-letter prefix walks the index', () => {
    expect(toFtsQuery('a')).toBeUndefined();
    expect(toFtsQuery('budget q 3 x')).toBe('"budget"*');
    expect(toFtsQuery('会 会议')).toBe('"会议"*');
  });
});
