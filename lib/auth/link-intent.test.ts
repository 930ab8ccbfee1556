import { describe, expect, it } from 'vitest';
import { createLinkIntent, LINK_INTENT_TTL_MS, readLinkIntent } from './link-intent';

const secret = 'test-secret';
const userId = '6a3c2f0e-1111-4222-8333-944455556666';

describe('link intent', () => {
  const nowMs = Date.now();
  const intent = createLinkIntent({ userId, provider: 'github', secret, nowMs });

  it('names the user who asked, for that provider, until it expires', () => {
    expect(readLinkIntent(intent, { provider: 'github', secret, nowMs })).toBe(userId);
    expect(readLinkIntent(intent, { provider: 'google', secret, nowMs })).toBeUndefined();
    expect(readLinkIntent(intent, { provider: 'github', secret, nowMs: nowMs + LINK_INTENT_TTL_MS })).toBeUndefined();
  });

  it.each([
    ['missing', undefined],
    ['signed with another secret', createLinkIntent({ userId, provider: 'github', secret: 'other', nowMs })],
    ['for another user', intent.replace(userId, '00000000-0000-4000-8000-000000000000')],
    ['with a later expiry', intent.replace(String(nowMs + LINK_INTENT_TTL_MS), String(nowMs + 10 * LINK_INTENT_TTL_MS))],
    ['truncated', intent.slice(0, -2)],
    ['with an extra part', `${intent}.x`],
  ])('refuses a note %s', (_label, value) => {
    expect(readLinkIntent(value, { provider: 'github', secret, nowMs })).toBeUndefined();
  });
});
