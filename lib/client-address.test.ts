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
    ['an IPv6 address counts as its /64 network', '2001:db8:1:2:3:4:5:6', null, 0, '2001:db8:1:2::/64'],
    ['another address of the same /64, written short', '2001:0db8:0001:0002::9', null, 0, '2001:db8:1:2::/64'],
    ['a compressed network part', '2001:db8::1', null, 0, '2001:db8:0:0::/64'],
    ['a link-local address with a zone', 'fe80::1%eth0', null, 0, 'fe80:0:0:0::/64'],
    ['an IPv4 address embedded in IPv6', '64:ff9b::198.51.100.7', null, 0, '64:ff9b:0:0::/64'],
    ['behind a proxy, the IPv6 entry it appended', '10.0.0.2', '2001:db8:aa:bb:1::2', 1, '2001:db8:aa:bb::/64'],
    ['no socket address and no trusted proxy', undefined, '198.51.100.7', 0, 'unknown'],
    ['no socket address behind one platform proxy (Vercel): the entry it wrote', undefined, '203.0.113.1, 198.51.100.7', 1, '198.51.100.7'],
    ['no socket address and no header', undefined, null, 1, 'unknown'],
  ])('%s', (_label, peer, forwardedFor, trustedHops, expected) => {
    expect(clientAddressFrom({ peer, forwardedFor, trustedHops })).toBe(expected);
  });
});
