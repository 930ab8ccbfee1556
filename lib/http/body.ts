import type { z } from 'zod';
import { AppError } from '@/lib/errors';

/** Every request body but an upload's: JSON of a few fields, a sign-in form. */
export const MAX_BODY_BYTES = 64 * 1024;
/** A transcript edit carries the whole text (up to 1,000,000 characters), JSON-escaped. */
export const MAX_TRANSCRIPT_EDIT_BYTES = 1_100_000;

export function tooLarge(maxBytes: number) {
  return new AppError('payload_too_large:request', `The request body is larger than ${Math.floor(maxBytes / 1024)} KB.`);
}

/** The declared Content-Length, when it is a valid one. */
export function declaredContentLength(headers: Headers) {
  const value = headers.get('content-length');
  if (value === null || !/^\d{1,16}$/.test(value.trim())) return undefined;
  return Number(value);
}

/**
 * The whole body, refused with 413 once it passes `maxBytes`: from Content-Length before a byte
 * is read, else by counting as it arrives (chunked), so that no more than the cap is ever held.
 */
export async function readCappedBody(request: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = declaredContentLength(request.headers);
  if (declared !== undefined && declared > maxBytes) throw tooLarge(maxBytes);
  if (!request.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/** The request's JSON body (none counts as `{}`) checked against `schema`; a 400 names the first bad field. */
export async function parseJsonBody<T>(request: Request, schema: z.ZodType<T>, { maxBytes = MAX_BODY_BYTES }: { maxBytes?: number } = {}): Promise<T> {
  const text = new TextDecoder().decode(await readCappedBody(request, maxBytes));
  let body: unknown;
  try {
    body = text.trim() ? JSON.parse(text) : {};
  } catch {
    throw new AppError('bad_request:api', 'The request body must be JSON.');
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.');
  throw new AppError('bad_request:api', field ? `${field}: ${issue?.message}` : (issue?.message ?? 'Invalid request.'));
}
