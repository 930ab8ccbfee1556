import 'server-only';

import { unstable_rethrow } from 'next/navigation';
import { NextRequest } from 'next/server';
import type { AuthenticatedApiKey } from '@/lib/api-key';
import { AppError, isAppError } from '@/lib/errors';
import { log } from '@/lib/log';
import { crossOriginError } from '@/lib/same-origin';
import { MAX_BODY_BYTES, readCappedBody, tooLarge, declaredContentLength } from './body';
import { toOpenAIError } from './openai-error';

/**
 * Who may call a route: a signed-in user (`session`); anyone (`public`: share links, health,
 * Auth.js's own endpoints); the built-in engine's client, which the handler authenticates by
 * the engine's bearer key itself, answering in the OpenAI error shape (`engine-key`); or a
 * personal API key, `Authorization: Bearer vb_…` (`api-key`: the OpenAI-compatible `/v1` API,
 * whose every error, the wrapper's own included, is answered in OpenAI's shape). A key
 * authenticates only `api-key` routes, a session cookie never one.
 */
export type RouteAuth = 'session' | 'public' | 'engine-key' | 'api-key';

/** Dynamic segments as Next passes them; handlers validate the ones they use. */
export type RouteParams = Record<string, string | string[] | undefined>;

type BaseContext = { request: NextRequest; params: RouteParams };
export type RouteContext<A extends RouteAuth> = A extends 'session'
  ? BaseContext & { userId: string }
  : A extends 'api-key'
    ? BaseContext & AuthenticatedApiKey
    : BaseContext;

export type RouteOptions<A extends RouteAuth> = {
  auth: A;
  /**
   * The most bytes the body may have (default 64 KB): larger bodies are refused with 413 before the
   * handler runs, which then reads at most this many. `own`: the handler streams the body itself
   * under a limit of its own (uploads); the wrapper reads none of it.
   */
  body?: number | 'own';
};

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The most of a refused body an `api-key` route still lets Node read and discard instead of
 * closing the connection. OpenAI's SDKs send the whole file before they read an answer; a
 * connection closed under them is reset with the answer unread, and they would report a
 * connection error instead of the 413. Bodies declared larger, or not declared, are cut off.
 */
const API_DRAINED_BODY_MAX_BYTES = 64 * 1024 * 1024;

/**
 * What every route handler does before its own work, in one place (dub's `withWorkspace`): the
 * origin check for state-changing methods, authentication, the body cap, and one answer shape
 * for every error, `{ error: { code, message } }` (OpenAI's envelope on `api-key` routes).
 * Unexpected errors are logged without user content and answered with a generic 500.
 */
export function route<A extends RouteAuth>(options: RouteOptions<A>, handler: (context: RouteContext<A>) => Response | Promise<Response>) {
  return async function handle(request: NextRequest, { params }: { params: Promise<RouteParams> }): Promise<Response> {
    // Until the body has been read whole, an answer closes the connection: Node would otherwise
    // read (and discard) all of a refused body to keep the connection alive.
    let bodyRead = request.body === null;
    try {
      if (!SAFE_METHODS.has(request.method)) {
        const crossOrigin = crossOriginError(request);
        if (crossOrigin) throw crossOrigin;
      }
      const identity = await authenticate(options.auth, request);
      let capped = request;
      if (options.body !== 'own') {
        capped = await withCappedBody(request, options.body ?? MAX_BODY_BYTES);
        bodyRead = true;
      }
      return await handler({ request: capped, params: await params, ...identity } as RouteContext<A>);
    } catch (error) {
      const failure = routeError(error, request);
      const response = options.auth === 'api-key' ? toOpenAIError(failure).toResponse() : failure.toResponse();
      if (!bodyRead && !drainsRefusedBody(options.auth, request)) response.headers.set('Connection', 'close');
      return response;
    }
  };
}

function drainsRefusedBody(auth: RouteAuth, request: Request) {
  const declared = declaredContentLength(request.headers);
  return auth === 'api-key' && declared !== undefined && declared <= API_DRAINED_BODY_MAX_BYTES;
}

async function authenticate(auth: RouteAuth, request: Request): Promise<{ userId: string } | AuthenticatedApiKey | object> {
  if (auth === 'session') return { userId: await signedInUserId() };
  if (auth === 'api-key') {
    const { authenticateApiKey } = await import('@/lib/api-key');
    return authenticateApiKey(request.headers.get('authorization'));
  }
  return {};
}

async function signedInUserId() {
  // Imported on use: Auth.js cannot load outside Next (unit tests of public routes).
  const { getSignedInUserId } = await import('@/app/(auth)/auth');
  const userId = await getSignedInUserId();
  if (!userId) throw new AppError('unauthorized:auth');
  return userId;
}

/**
 * The request with its body read up to the cap and held (at most `maxBytes`), so that whatever
 * reads it next (a handler, Auth.js) cannot read more. Safe methods keep their request: their
 * bodies are never read, and a declared oversize one is still refused.
 */
async function withCappedBody(request: NextRequest, maxBytes: number) {
  if (SAFE_METHODS.has(request.method)) {
    if ((declaredContentLength(request.headers) ?? 0) > maxBytes) throw tooLarge(maxBytes);
    return request;
  }
  const body = await readCappedBody(request, maxBytes);
  const headers = new Headers(request.headers);
  headers.delete('transfer-encoding');
  headers.set('content-length', String(body.byteLength));
  return new NextRequest(request.url, { method: request.method, headers, body: body.byteLength > 0 ? body : null, signal: request.signal });
}

/** The error a failure is answered with; unexpected ones are logged and become a generic 500. */
function routeError(error: unknown, request: Request): AppError {
  // Next's own control flow (redirect(), notFound()) passes through.
  unstable_rethrow(error);
  if (isAppError(error)) return error;
  if (request.signal.aborted) return new AppError('cancelled:request', 'The request was cancelled.');
  log.error('route.unexpected', { method: request.method, path: pathForLog(request.url), ...describeForLog(error) });
  return new AppError('internal:server');
}

/** The path without secrets: share tokens (43 characters) and anything as long are left out. */
function pathForLog(url: string) {
  return new URL(url).pathname.replace(/[^/]{40,}/g, ':secret');
}

/**
 * The error's kind and where it was thrown; not its message, which may quote the request
 * (JSON.parse does) or a transcript.
 */
function describeForLog(error: unknown) {
  if (!(error instanceof Error)) return { name: typeof error };
  const code = (error as { code?: unknown }).code;
  return {
    name: error.name,
    code: typeof code === 'string' ? code : undefined,
    at: error.stack?.split('\n').find((line) => line.trimStart().startsWith('at '))?.trim(),
  };
}
