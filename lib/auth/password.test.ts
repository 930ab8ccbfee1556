import { randomBytes, scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, verifyPassword } from './password';

/** A hash as the previous release made them (N=2^14). */
function legacyHash(password: string) {
  const salt = randomBytes(16);
  const key = scryptSync(password.normalize('NFKC'), salt, 64, { N: 16384, r: 8, p: 1 });
  return ['scrypt', 16384, 8, 1, salt.toString('base64url'), key.toString('base64url')].join('$');
}

// Each hash at today's cost takes about a second on a busy machine.
describe('passwords', { timeout: 30_000 }, () => {
  it("hashes with OWASP's scrypt minimum (N=2^17, r=8, p=1) and verifies", async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(stored.split('$').slice(0, 4)).toEqual(['scrypt', '131072', '8', '1']);
    expect(await verifyPassword('correct horse battery staple', stored)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', stored)).toBe(false);
    expect(needsRehash(stored)).toBe(false);
  });

  it('still verifies a weaker hash, and asks for it to be redone', async () => {
    const stored = legacyHash('old password 1');
    expect(await verifyPassword('old password 1', stored)).toBe(true);
    expect(needsRehash(stored)).toBe(true);
  });

  it.each([['plain'], ['scrypt$0$8$1$c2FsdA$aGFzaA'], ['scrypt$1073741824$8$1$c2FsdA$aGFzaA'], ['scrypt$16384$8$1$c2FsdA$']])('refuses the malformed hash %j', async (stored) => {
    expect(await verifyPassword('anything', stored)).toBe(false);
    expect(needsRehash(stored)).toBe(true);
  });
});
