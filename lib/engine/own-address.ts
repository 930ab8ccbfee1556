import 'server-only';

import { type AddressInfo } from 'node:net';
import { Server as HttpServer } from 'node:http';
import { processSingleton } from '@/lib/process-singleton';

type OwnAddress = { url: string | undefined };

const ownAddress = () => processSingleton<OwnAddress>('engine-own-address', () => ({ url: undefined }));

/**
 * The origin of this very server, from the socket it accepted a request on. `PORT` cannot be
 * trusted for it: `next start -p 4000` leaves it unset, `-H 10.0.0.5` binds elsewhere than
 * loopback, and whatever listens on the guessed address would receive the engine's key.
 */
export function ownOriginFor(address: AddressInfo | string | null): string | undefined {
  if (!address || typeof address === 'string') return undefined;
  const wildcard = address.address === '0.0.0.0' || address.address === '::';
  const host = wildcard ? '127.0.0.1' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/** Called from instrumentation.ts when the server starts: notes the server's address at its first request. */
export function recordOwnAddress() {
  processSingleton('engine-own-address-hook', () => {
    const emit = HttpServer.prototype.emit;
    HttpServer.prototype.emit = function (this: HttpServer, event: string | symbol, ...args: unknown[]) {
      if (event === 'request') {
        const state = ownAddress();
        state.url ??= ownOriginFor(this.address());
      }
      return Reflect.apply(emit, this, [event, ...args]) as boolean;
    };
    return true;
  });
}

/** This server's origin as seen from the inside, once it has served a request. */
export function getOwnOrigin(): string | undefined {
  return ownAddress().url;
}
