import { describe, expect, it } from 'vitest';
import { apiKeyFromAuthorization, createApiKey, hashApiKey } from './api-key';

describe('personal API keys', () => {
  it('are vb_ and 43 base62 characters (256 bits), all different, shown by their first 10 characters', () => {
    const keys = Array.from({ length: 200 }, () => createApiKey());
    for (const { key, keyHash, displayed } of keys) {
      expect(key).toMatch(/^vb_[0-9A-Za-z]{43}$/);
      expect(displayed).toBe(key.slice(0, 10));
      expect(keyHash).toBe(hashApiKey(key));
      expect(keyHash).toMatch(/^[0-9a-f]{64}$/);
      expect(keyHash).not.toContain(key.slice(3));
    }
    expect(new Set(keys.map(({ key }) => key)).size).toBe(keys.length);
    // Every character of the alphabet turns up: the draw is not biased to a part of it.
    expect(new Set(keys.flatMap(({ key }) => [...key.slice(3)])).size).toBe(62);
  });

  it('are read from a Bearer header only when well-formed', () => {
    const { key } = createApiKey();
    expect(apiKeyFromAuthorization(`Bearer ${key}`)).toBe(key);
    expect(apiKeyFromAuthorization(`bearer  ${key} `)).toBe(key);
    expect(apiKeyFromAuthorization(null)).toBeUndefined();
    expect(apiKeyFromAuthorization('')).toBeUndefined();
    expect(apiKeyFromAuthorization(`Basic ${key}`)).toBeUndefined();
    expect(apiKeyFromAuthorization('Bearer sk-proj-abc')).toBeNull();
    expect(apiKeyFromAuthorization(`Bearer ${key}x`)).toBeNull();
    expect(apiKeyFromAuthorization(`Bearer ${key.slice(0, -1)}-`)).toBeNull();
  });
});
