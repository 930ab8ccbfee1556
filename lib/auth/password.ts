import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** OWASP's minimum for scrypt (2026): N=2^17, r=8, p=1. Each hash takes 128 MiB for a moment. */
const CURRENT = { N: 2 ** 17, r: 8, p: 1, keyLength: 64 };
/** Refuses stored parameters that would take more memory than this to check (a corrupt row). */
const MAX_MEMORY_BYTES = 512 * 1024 * 1024;

type Params = { N: number; r: number; p: number };

function derive(password: string, salt: Buffer, { N, r, p }: Params, keyLength: number) {
  // Node refuses unless maxmem exceeds scrypt's 128·N·r bytes; the rest is headroom.
  const maxmem = 128 * N * r + 16 * 1024 * 1024;
  return new Promise<Buffer>((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, keyLength, { N, r, p, maxmem }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** `scrypt$N$r$p$salt$hash`, so that parameters can be raised later without breaking old hashes. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, CURRENT, CURRENT.keyLength);
  return ['scrypt', CURRENT.N, CURRENT.r, CURRENT.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

function parseHash(stored: string) {
  const [scheme, N, r, p, salt, hash, ...rest] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash || rest.length > 0) return undefined;
  const params = { N: Number(N), r: Number(r), p: Number(p) };
  if (!Object.values(params).every((value) => Number.isSafeInteger(value) && value > 0)) return undefined;
  if (128 * params.N * params.r > MAX_MEMORY_BYTES) return undefined;
  return { params, salt: Buffer.from(salt, 'base64url'), hash: Buffer.from(hash, 'base64url') };
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed || parsed.hash.length === 0) return false;
  const actual = await derive(password, parsed.salt, parsed.params, parsed.hash.length);
  return timingSafeEqual(actual, parsed.hash);
}

/** Whether a hash was made with weaker parameters than today's: rehash it at the next sign-in. */
export function needsRehash(stored: string): boolean {
  const parsed = parseHash(stored);
  if (!parsed) return true;
  const { N, r, p } = parsed.params;
  return N < CURRENT.N || r < CURRENT.r || p < CURRENT.p || parsed.hash.length < CURRENT.keyLength;
}

/** Verifies against a throwaway hash so that unknown emails take as long as wrong passwords. */
let decoyHash: Promise<string> | undefined;
export async function spendPasswordCheckTime(password: string) {
  decoyHash ??= hashPassword(randomBytes(12).toString('base64url'));
  await verifyPassword(password, await decoyHash);
}
