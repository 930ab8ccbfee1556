import { describe, expect, it } from 'vitest';
import { clientAddressFrom } from './client-address';

describe('clientAddressFrom', () => {
  it.each([
    ['no proxy: the socket, whatever the client claims', '198.51.100.7', '203.0.113.1, 203.0.113.2', 0, '198.51.100.7'],
    ['no proxy, no header', '198.51.100.7', null, 0, '198.51.100.7'],
    ['one proxy: the entry it appended', '10.0.0.2', '203.0.113.1, 198.51.100.7', 1, '198.51.100.7'],
    ['two proxies: the entry the outer one appended', '10.0.0.3', '203.0.113.1,198.51.100.7, 10.0.0.2', 2, '198.51.100.7'],
    ['a chain shorter than the proxies configured: its first entry', '10.0.0.2', null, 2, '10.0.0.2'],
    ['empty entries are skipped', '10.0.0.2', '198.51.100.7, ,', 1, '198.51.100.7'],
    ['an IPv4-mapped IPv6 socket address', '::ffff:198.51.100.7', null, 0, '198.51.100.7'],
    ['a plain IPv6 address', '2001:db8::1', null, 0, '2001:db8::1'],
    ['no socket address and no trusted proxy', undefined, '198.51.100.7', 0, 'unknown'],
    ['no socket address behind one platform proxy (Vercel): the entry it wrote', undefined, '203.0.113.1, 198.51.100.7', 1, '198.51.100.7'],
    ['no socket address and no header', undefined, null, 1, 'unknown'],
  ])('%s', (_label, peer, forwardedFor, trustedHops, expected) => {
    expect(clientAddressFrom({ peer, forwardedFor, trustedHops })).toBe(expected);
  });
});
