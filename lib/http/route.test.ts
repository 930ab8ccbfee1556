import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';

vi.mock('@/app/(auth)/auth', () => ({ getSignedInUserId: vi.fn(async () => signedIn) }));
let signedIn: string | undefined;
// The key's lookup in the database; the key's own parsing is tested in lib/api-key.test.ts.
vi.mock('@/lib/db/api-keys', () => ({
  recordApiKeyUse: vi.fn(async ({ keyHash }: { keyHash: string }) => (keyHash === knownKeyHash ? { id: 'key-1', user_id: 'user-9', name: 'Shortcut' } : undefined)),
}));
const KNOWN_KEY = `vb_${'a'.repeat(43)}`;
let knownKeyHash = '';

const { NextRequest } = await import('next/server');
const { route } = await import('./route');
const { MAX_BODY_BYTES, parseJsonBody } = await import('./body');
const { AppError } = await import('@/lib/errors');
knownKeyHash = (await import('@/lib/api-key')).hashApiKey(KNOWN_KEY);

const params = { params: Promise.resolve({}) };
const URL_ = 'http://app.test/api/thing';

/** A request with a streamed body (Node needs `duplex` for one). */
const streamed = (method: string, body: ReadableStream<Uint8Array>, headers: Record<string, string> = {}) =>
  new NextRequest(URL_, { method, body, headers, duplex: 'half' } as ConstructorParameters<typeof NextRequest>[1]);

/** A body that arrives in chunks without a Content-Length, as a chunked upload would. */
function chunked(total: number, chunk = 16 * 1024) {
  let sent = 0;
  const pulled = { bytes: 0 };
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close();
      const size = Math.min(chunk, total - sent);
      sent += size;
      pulled.bytes = sent;
      controller.enqueue(new Uint8Array(size).fill(0x7b));
    },
  });
  return { body, pulled };
}

const echo = route({ auth: 'public' }, async ({ request }) => Response.json({ bytes: (await request.arrayBuffer()).byteLength }));
const errorBody = async (response: Response) => ((await response.json()) as { error: { code: string; message: string } }).error;

describe('route(): body cap', () => {
  it('refuses a declared oversize body with 413 before reading it, and closes the connection', async () => {
    const { body, pulled } = chunked(300 * 1024 * 1024);
    const request = streamed('POST', body, { 'content-length': String(300 * 1024 * 1024) });
    const response = await echo(request, params);
    expect(response.status).toBe(413);
    expect(response.headers.get('connection')).toBe('close');
    expect((await errorBody(response)).code).toBe('payload_too_large:request');
    expect(pulled.bytes).toBeLessThanOrEqual(16 * 1024 * 4);
  });

  it('refuses a chunked body once it passes the cap, having read no more than the cap and a chunk', async () => {
    const { body, pulled } = chunked(10 * 1024 * 1024);
    const response = await echo(streamed('POST', body), params);
    expect(response.status).toBe(413);
    expect(pulled.bytes).toBeLessThan(MAX_BODY_BYTES + 5 * 16 * 1024);
  });

  it('hands a body within the cap to the handler whole', async () => {
    const { body } = chunked(MAX_BODY_BYTES);
    const response = await echo(streamed('POST', body), params);
    expect(await response.json()).toEqual({ bytes: MAX_BODY_BYTES });
  });

  it('lets a route declare a larger cap', async () => {
    const big = route({ auth: 'public', body: 200_000 }, async ({ request }) => Response.json({ bytes: (await request.arrayBuffer()).byteLength }));
    const { body } = chunked(150_000);
    expect(await (await big(streamed('PATCH', body), params)).json()).toEqual({ bytes: 150_000 });
  });

  it('leaves the body of a route that reads its own (uploads) untouched', async () => {
    const own = route({ auth: 'public', body: 'own' }, ({ request }) => Response.json({ unread: request.body !== null && !request.bodyUsed }));
    const { body, pulled } = chunked(1024 * 1024);
    const response = await own(streamed('POST', body, { 'content-length': String(1024 * 1024) }), params);
    expect(await response.json()).toEqual({ unread: true });
    expect(pulled.bytes).toBeLessThanOrEqual(16 * 1024 * 4);
  });
});

describe('route(): origin, session, errors', () => {
  const handler = vi.fn(async () => new Response('done'));
  const guarded = route({ auth: 'session' }, handler);

  it('refuses a cross-site POST before the session or the body are looked at', async () => {
    signedIn = 'user-1';
    const response = await guarded(new NextRequest(URL_, { method: 'POST', headers: { origin: 'https://evil.example', host: 'app.test' } }), params);
    expect(response.status).toBe(403);
    expect((await errorBody(response)).code).toBe('forbidden:origin');
    expect(handler).not.toHaveBeenCalled();
  });

  it('answers 401 without a session, and passes the user id to the handler with one', async () => {
    signedIn = undefined;
    const refused = await guarded(new NextRequest(URL_), params);
    expect(refused.status).toBe(401);
    expect((await errorBody(refused)).code).toBe('unauthorized:auth');
    signedIn = 'user-2';
    const seen = route({ auth: 'session' }, ({ userId }) => Response.json({ userId }));
    expect(await (await seen(new NextRequest(URL_), params)).json()).toEqual({ userId: 'user-2' });
  });

  it('answers a thrown AppError with its own status and body, and a zod failure names the field', async () => {
    const validating = route({ auth: 'public' }, async ({ request }) => Response.json(await parseJsonBody(request, z.object({ name: z.string() }))));
    const response = await validating(new NextRequest(URL_, { method: 'POST', body: '{"name":1}' }), params);
    expect(response.status).toBe(400);
    expect((await errorBody(response)).message).toMatch(/^name: /);
    const conflict = route({ auth: 'public' }, () => {
      throw new AppError('conflict:thing', 'Already done.');
    });
    expect(await errorBody(await conflict(new NextRequest(URL_), params))).toEqual({ code: 'conflict:thing', message: 'Already done.' });
  });

  it('answers an unexpected error with a generic 500 and logs it without its message', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const failing = route({ auth: 'public' }, () => {
      throw new Error('secret transcript text');
    });
    const response = await failing(new NextRequest(`http://app.test/api/share/${'A'.repeat(43)}/events`), params);
    expect(response.status).toBe(500);
    const error = await errorBody(response);
    expect(error.code).toBe('internal:server');
    expect(error.message).not.toContain('secret');
    const line = String(logged.mock.calls[0]?.[0]);
    expect(JSON.parse(line)).toMatchObject({ event: 'route.unexpected', instance: expect.stringMatching(/^i-[0-9a-f]{12}$/), path: '/api/share/:secret/events' });
    expect(line).not.toContain('secret transcript text');
    expect(line).not.toContain('A'.repeat(43));
    logged.mockRestore();
  });
});

describe('route(): personal API keys', () => {
  const keyed = route({ auth: 'api-key' }, ({ userId, apiKey }) => Response.json({ userId, apiKey }));
  const withAuthorization = (authorization?: string) => new NextRequest('http://app.test/v1/models', { headers: authorization ? { authorization } : {} });
  const openAIBody = async (response: Response) => ((await response.json()) as { error: Record<string, unknown> }).error;

  it('passes the key’s user and the key (id, name) to the handler', async () => {
    signedIn = 'someone-else';
    const response = await keyed(withAuthorization(`Bearer ${KNOWN_KEY}`), params);
    expect(await response.json()).toEqual({ userId: 'user-9', apiKey: { id: 'key-1', name: 'Shortcut' } });
  });

  it('answers a missing, malformed or unknown key with OpenAI’s 401, and never a session instead', async () => {
    signedIn = 'user-1';
    for (const authorization of [undefined, 'Bearer sk-proj-123', `Bearer vb_${'b'.repeat(43)}`, `Basic ${KNOWN_KEY}`]) {
      const response = await keyed(withAuthorization(authorization), params);
      expect(response.status).toBe(401);
      const error = await openAIBody(response);
      expect(error).toMatchObject({ type: 'invalid_request_error', param: null, message: expect.any(String) });
      expect(error.code).toBe(authorization?.startsWith('Bearer') ? 'invalid_api_key' : null);
    }
  });

  it('answers every other error in OpenAI’s envelope too, with Retry-After on a 429', async () => {
    const limited = route({ auth: 'api-key' }, () => {
      throw new AppError('rate_limit:concurrency', 'Too many at once.', { retryAfterSeconds: 7 });
    });
    const response = await limited(withAuthorization(`Bearer ${KNOWN_KEY}`), params);
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(await openAIBody(response)).toEqual({ message: 'Too many at once.', type: 'requests', param: null, code: 'rate_limit_exceeded' });
  });

  it('lets an SDK read a refusal of a declared body up to 64 MB (Node drains it); cuts larger or undeclared ones off', async () => {
    const refusing = route({ auth: 'api-key', body: 'own' }, () => {
      throw new AppError('payload_too_large:transcription', 'Too large.');
    });
    const upload = (headers: Record<string, string>) =>
      refusing(streamed('POST', chunked(1024).body, { authorization: `Bearer ${KNOWN_KEY}`, ...headers }), params);
    const drained = await upload({ 'content-length': String(26 * 1024 * 1024) });
    expect(drained.status).toBe(413);
    expect(drained.headers.get('connection')).toBeNull();
    expect((await upload({ 'content-length': String(65 * 1024 * 1024) })).headers.get('connection')).toBe('close');
    expect((await upload({})).headers.get('connection')).toBe('close');
  });

  it('lets a key authenticate nothing but api-key routes', async () => {
    signedIn = undefined;
    const sessionRoute = route({ auth: 'session' }, () => new Response('secret'));
    const refused = await sessionRoute(new NextRequest(URL_, { headers: { authorization: `Bearer ${KNOWN_KEY}` } }), params);
    expect(refused.status).toBe(401);
    expect((await errorBody(refused)).code).toBe('unauthorized:auth');
  });
});
