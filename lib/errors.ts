/**
 * One error type for the whole app. The code reads `kind:surface`; the kind decides the HTTP
 * status and the client rebuilds the same error from the JSON body `{ error: { code, message } }`.
 */
const statusByKind = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limit: 429,
  cancelled: 499,
  internal: 500,
  upstream: 502,
  unavailable: 503,
  timeout: 504,
} as const;

type ErrorKind = keyof typeof statusByKind;
export type ErrorCode = `${ErrorKind}:${string}`;

const defaultMessages: Record<string, string> = {
  'unauthorized:auth': 'Sign in to continue.',
  'not_found:transcript': 'This transcript does not exist.',
  'conflict:email': 'An account with this email already exists. Sign in instead.',
  'internal:database': 'Something went wrong on our side. Please try again.',
  'internal:storage': 'The audio could not be stored. Please try again.',
  'unavailable:transcription': 'Transcription is not set up on this server yet.',
};

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown; retryAfterSeconds?: number }) {
    super(message ?? defaultMessages[code] ?? 'Something went wrong. Please try again.', { cause: options?.cause });
    this.code = code;
    this.status = statusByKind[code.split(':')[0] as ErrorKind] ?? 500;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }

  toJSON() {
    return { code: this.code, message: this.message };
  }

  toResponse(extra?: Record<string, unknown>) {
    const headers = new Headers({ 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    if (this.retryAfterSeconds !== undefined) headers.set('Retry-After', String(this.retryAfterSeconds));
    return new Response(JSON.stringify({ error: this.toJSON(), ...extra }), { status: this.status, headers });
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/**
 * How a transcription ends when its upload stops growing for UPLOAD_WAIT_SECONDS (a closed laptop,
 * no signal): paused, not failed for good. It goes on by itself when the upload grows again.
 */
export const UPLOAD_STALLED = 'timeout:upload' satisfies ErrorCode;

/** Shape of an error body as the browser receives it. */
export type ErrorBody = { error: { code: string; message: string } };
