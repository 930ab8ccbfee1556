import 'server-only';

import { type IncomingMessage, Server as HttpServer } from 'node:http';
import { isIPv6 } from 'node:net';
import { Server as HttpsServer } from 'node:https';
import { getConfig } from '@/lib/env';
import { processSingleton } from '@/lib/process-singleton';

/** Where the server writes each request's socket address; a copy the client sent is overwritten. */
const PEER_ADDRESS_HEADER = 'x-verbatim-peer-address';

/**
 * Route handlers and server actions see headers, never the socket, and Next copies the socket's
 * address into X-Forwarded-For only when the client sent none: a client could name its own
 * address. So every request the server receives gets the socket's address in a header of ours.
 * Called from instrumentation.ts when the server starts.
 */
export function recordPeerAddresses() {
  processSingleton('peer-address-hook', () => {
    for (const ServerClass of [HttpServer, HttpsServer]) {
      const emit = ServerClass.prototype.emit;
      ServerClass.prototype.emit = function (this: HttpServer, event: string | symbol, ...args: unknown[]) {
        if (event === 'request') {
          const request = args[0] as IncomingMessage;
          request.headers[PEER_ADDRESS_HEADER] = request.socket.remoteAddress ?? '';
        }
        return Reflect.apply(emit, this, [event, ...args]) as boolean;
      };
    }
    return true;
  });
}

/**
 * The client's address. Without trusted proxies it is the socket's peer; behind `trustedHops`
 * proxies that each append the address they saw to X-Forwarded-For, it is the right-most entry
 * that no trusted proxy wrote. Entries further left are the client's own claims.
 */
export function clientAddressFrom({ peer, forwardedFor, trustedHops }: { peer: string | undefined; forwardedFor: string | null; trustedHops: number }) {
  // No socket address where the platform runs the server (Vercel): its proxy, the nearest hop,
  // wrote the right-most entry itself, and is believed only when configured.
  if (!peer && trustedHops === 0) return 'unknown';
  const chain = [...(forwardedFor ?? '').split(','), ...(peer ? [peer] : [])].map((entry) => entry.trim()).filter(Boolean);
  const claimsFromTheRight = peer ? trustedHops : trustedHops - 1;
  // Fewer entries than proxies: the request skipped some (a deployment should not allow that); take the left-most.
  const address = chain[Math.max(chain.length - 1 - claimsFromTheRight, 0)];
  if (!address) return 'unknown';
  // One client, one key, whether it reached a dual-stack socket over IPv4 or IPv6.
  const unmapped = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  return ipv6NetworkOf(unmapped) ?? unmapped;
}

/**
 * The /64 network of an IPv6 address: a subscriber usually holds a whole one, so counting each of
 * its 2^64 addresses apart would let one client walk past every per-address limit.
 */
function ipv6NetworkOf(address: string) {
  const plain = address.split('%')[0] ?? '';
  if (!isIPv6(plain)) return undefined;
  const [head = '', tail] = plain.split('::');
  const groupsOf = (part: string) => (part ? part.split(':') : []);
  const left = groupsOf(head);
  const right = tail === undefined ? [] : groupsOf(tail);
  // An embedded IPv4 address fills two groups.
  const filled = [...left, ...right].reduce((sum, group) => sum + (group.includes('.') ? 2 : 1), 0);
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - filled).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}

export function clientIpFrom(headers: Headers) {
  return clientAddressFrom({
    peer: headers.get(PEER_ADDRESS_HEADER) ?? undefined,
    forwardedFor: headers.get('x-forwarded-for'),
    trustedHops: getConfig().trustedProxyHops,
  });
}
