import { z } from 'zod';

/**
 * Who a request to the built-in engine is for: a keyed pseudonym of the user, set by the app's
 * upstream client so that the engine can share its line fairly. Only holders of the engine's key
 * reach the engine, so the header cannot be forged from outside.
 */
export const ENGINE_USER_HEADER = 'X-Engine-User';

const engineUserSchema = z.string().regex(/^[\w-]{1,64}$/);

/** Callers that name no user (the engine's own API clients) share one place in the rotation. */
export const ANONYMOUS_ENGINE_USER = 'anonymous';

export function engineUserOf(headers: Headers): string {
  const parsed = engineUserSchema.safeParse(headers.get(ENGINE_USER_HEADER));
  return parsed.success ? parsed.data : ANONYMOUS_ENGINE_USER;
}
