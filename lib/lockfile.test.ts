import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

it('installs exactly one @auth/core (two copies would split Auth.js error classes and config)', () => {
  const lock = JSON.parse(readFileSync(new URL('../package-lock.json', import.meta.url), 'utf8')) as { packages: Record<string, { version?: string }> };
  const copies = Object.entries(lock.packages).filter(([location]) => location.endsWith('node_modules/@auth/core'));
  expect(copies.map(([, entry]) => entry.version)).toHaveLength(1);
});
