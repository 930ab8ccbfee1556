import { describe, expect, it } from 'vitest';
import { ownOriginFor } from './own-address';

describe('ownOriginFor', () => {
  it.each([
    [{ address: '0.0.0.0', family: 'IPv4', port: 4000 }, 'http://127.0.0.1:4000'],
    [{ address: '::', family: 'IPv6', port: 4000 }, 'http://127.0.0.1:4000'],
    [{ address: '127.0.0.2', family: 'IPv4', port: 3999 }, 'http://127.0.0.2:3999'],
    [{ address: '10.0.0.5', family: 'IPv4', port: 80 }, 'http://10.0.0.5:80'],
    [{ address: '::1', family: 'IPv6', port: 4000 }, 'http://[::1]:4000'],
  ])('a server bound to %j is reached at %s', (address, origin) => {
    expect(ownOriginFor(address)).toBe(origin);
  });

  it('knows no origin for a server on a pipe or not listening', () => {
    expect(ownOriginFor('/run/verbatim.sock')).toBeUndefined();
    expect(ownOriginFor(null)).toBeUndefined();
  });
});
