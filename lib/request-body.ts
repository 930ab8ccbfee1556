import { AppError, type ErrorCode } from '@/lib/errors';

/**
 * A small JSON request body, read no further than maxBytes (a declared or actual excess is
 * refused), then parsed; the caller validates its shape. Errors carry `code`.
 */
export async function readSmallJson(request: Request, { maxBytes, code }: { maxBytes: number; code: ErrorCode }): Promise<unknown> {
  const tooLarge = () => new AppError(code, 'The request body must be a small JSON object.');
  if (Number(request.headers.get('content-length') ?? 0) > maxBytes || !request.body) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
    length += chunk.byteLength;
    if (length > maxBytes) throw tooLarge();
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new AppError(code, 'The request body must be JSON.');
  }
}
