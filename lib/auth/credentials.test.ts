import { describe, expect, it } from 'vitest';
import { safeCallbackPath, safeCallbackUrl } from './credentials';

describe('safeCallbackPath', () => {
  it.each([
    ['/history', '/history'],
    ['/transcripts/abc?tab=text#p2', '/transcripts/abc?tab=text#p2'],
    ['/search?q=a%20b', '/search?q=a%20b'],
    ['/a/../b', '/b'],
  ])('keeps the same-site path %j', (input, expected) => {
    expect(safeCallbackPath(input)).toBe(expected);
  });

  it.each([
    ['a tab before the second slash', '/\t/evil.example/x'],
    ['an encoded tab', '/%09/evil.example/x'],
    ['a newline', '/\n/evil.example'],
    ['an encoded newline', '/%0a/evil.example'],
    ['a carriage return', '/\r/evil.example'],
    ['a space', '/ /evil.example'],
    ['a no-break space', '/\u00a0/evil.example'],
    ['slash backslash', '/\\evil.example'],
    ['backslash slash', '\\/evil.example'],
    ['two backslashes', '\\\\evil.example'],
    ['an encoded backslash', '/%5cevil.example'],
    ['an encoded backslash, upper case', '/%5Cevil.example'],
    ['encoded slashes', '/%2f%2fevil.example'],
    ['an encoded second slash', '/%2fevil.example'],
    ['protocol-relative', '//evil.example'],
    ['three slashes', '///evil.example'],
    ['javascript:', 'javascript:alert(1)'],
    ['javascript: after a slash', '/javascript:alert(1)'.replace('/', '')],
    ['data:', 'data:text/html,hi'],
    ['an absolute URL', 'https://evil.example/x'],
    ['an absolute URL without a scheme slash', 'https:evil.example'],
    ['userinfo', '//user@evil.example'],
    ['userinfo after a host', 'https://verbatim.invalid@evil.example/'],
    ['a relative path', 'history'],
    ['a malformed escape', '/%E0%A4%A'],
    ['a null byte', '/%00/evil'],
    ['not a string', 42],
    ['empty', ''],
  ])('refuses %s', (_label, input) => {
    expect(safeCallbackPath(input)).toBe('/');
  });
});

describe('safeCallbackUrl', () => {
  const origin = 'http://127.0.0.1:3000';
  it.each([
    ['/history', `${origin}/history`],
    [`${origin}/settings?x=1`, `${origin}/settings?x=1`],
    ['https://evil.example/x', `${origin}/`],
    [`${origin}.evil.example/x`, `${origin}/`],
    ['/\t/evil.example', `${origin}/`],
    ['not a url', `${origin}/`],
  ])('%j → %j', (input, expected) => {
    expect(safeCallbackUrl(input, origin)).toBe(expected);
  });
});
