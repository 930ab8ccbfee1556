import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bearerMatches, readOrCreateEngineKey } from './key';

const directories: string[] = [];
afterEach(() => directories.splice(0).forEach((directory) => rmSync(directory, { recursive: true, force: true })));

describe('readOrCreateEngineKey', () => {
  it('creates a private key file on first use and reads the same key afterwards', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'engine-key-'));
    directories.push(root);
    const dataDir = path.join(root, 'data');
    const key = readOrCreateEngineKey(dataDir);
    expect(key).toMatch(/^vbe-[\w-]{43}$/);
    expect(statSync(path.join(dataDir, 'engine-key')).mode & 0o777).toBe(0o600);
    expect(readOrCreateEngineKey(dataDir)).toBe(key);
    expect(readFileSync(path.join(dataDir, 'engine-key'), 'utf8')).toBe(key);
  });
});

describe('bearerMatches', () => {
  const key = 'vbe-0123456789abcdef';
  it.each([
    [`Bearer ${key}`, true],
    [`bearer ${key}`, true],
    [`Bearer  ${key} `, true],
    [`Bearer ${key}x`, false],
    [`Bearer ${key.slice(0, -1)}`, false],
    [key, false],
    ['Bearer ', false],
    ['', false],
    [null, false],
  ])('%j → %s', (header, expected) => {
    expect(bearerMatches(header, key)).toBe(expected);
  });

  it('never matches when the key itself is empty', () => {
    expect(bearerMatches('Bearer ', '')).toBe(false);
    expect(bearerMatches('Bearer x', '')).toBe(false);
  });
});
