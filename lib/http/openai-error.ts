import { AppError } from '@/lib/errors';

type OpenAIErrorType = 'invalid_request_error' | 'server_error' | 'requests';

/**
 * Errors in the wire format of OpenAI-compatible APIs: `{"error":{"message","type","param","code"}}`,
 * which every OpenAI SDK turns into its own typed error by the status. Spoken by the built-in
 * engine to the app's upstream client and by `/v1` to people's OpenAI clients.
 */
export class OpenAIError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: { type?: OpenAIErrorType; param?: string | null; code?: string | null; retryAfterSeconds?: number } = {},
  ) {
    super(message);
  }

  toBody() {
    return {
      error: {
        message: this.message,
        type: this.details.type ?? (this.status >= 500 ? 'server_error' : 'invalid_request_error'),
        param: this.details.param ?? null,
        code: this.details.code ?? null,
      },
    };
  }

  toResponse(headers: Record<string, string> = {}) {
    const response = Response.json(this.toBody(), { status: this.status, headers: { 'Cache-Control': 'no-store', ...headers } });
    if (this.details.retryAfterSeconds !== undefined) response.headers.set('Retry-After', String(this.details.retryAfterSeconds));
    return response;
  }
}

/**
 * OpenAI's status and code for each of our error kinds, so that an OpenAI client raises the error
 * it would raise against OpenAI (AuthenticationError, RateLimitError…). The message stays ours.
 */
type OpenAIEquivalent = { status: number; code: string | null; param?: string; type?: OpenAIErrorType };

const openAIByKind: Record<string, OpenAIEquivalent> = {
  bad_request: { status: 400, code: 'invalid_value' },
  unauthorized: { status: 401, code: 'invalid_api_key' },
  forbidden: { status: 403, code: null },
  not_found: { status: 404, code: null },
  conflict: { status: 409, code: null },
  payload_too_large: { status: 413, code: 'request_too_large', param: 'file' },
  // OpenAI answers a file it cannot read with a 400 naming the file.
  unsupported_media_type: { status: 400, code: 'invalid_file_format', param: 'file' },
  rate_limit: { status: 429, code: 'rate_limit_exceeded', type: 'requests' },
  cancelled: { status: 499, code: null },
  internal: { status: 500, code: 'server_error' },
  upstream: { status: 502, code: 'upstream_error' },
  unavailable: { status: 503, code: 'service_unavailable' },
  timeout: { status: 504, code: 'timeout' },
};

/** Codes whose OpenAI equivalent is more precise than their kind's. */
const openAIByCode: Record<string, OpenAIEquivalent> = {
  'unauthorized:api_key_missing': { status: 401, code: null },
  'not_found:model': { status: 404, code: 'model_not_found', param: 'model' },
  'bad_request:model_missing': { status: 400, code: 'missing_required_parameter', param: 'model' },
  'bad_request:response_format': { status: 400, code: 'unsupported_value', param: 'response_format' },
};

/** An error of ours (or anything thrown) as OpenAI would answer it. */
export function toOpenAIError(error: unknown): OpenAIError {
  if (error instanceof OpenAIError) return error;
  const appError = error instanceof AppError ? error : new AppError('internal:server');
  const [kind = 'internal'] = appError.code.split(':');
  const mapped: OpenAIEquivalent = openAIByCode[appError.code] ?? openAIByKind[kind] ?? { status: 500, code: 'server_error' };
  return new OpenAIError(mapped.status, appError.message, {
    type: mapped.type,
    param: mapped.param ?? null,
    code: mapped.code,
    retryAfterSeconds: appError.retryAfterSeconds,
  });
}
