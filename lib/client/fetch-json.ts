import type { ErrorBody } from '@/lib/errors';

/** An API failure as the browser sees it: the server's code and its message for people. */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: string, message: string, status: number) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
  }
}

export const CONNECTION_LOST_MESSAGE = 'The connection was lost. Check your network and try again.';

function isErrorBody(value: unknown): value is ErrorBody {
  if (!value || typeof value !== 'object' || !('error' in value)) return false;
  const { error } = value as { error: unknown };
  return Boolean(error && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string');
}

/** Rebuilds the API's error from a failed response's body; a body that is not ours gets a generic message. */
export function apiErrorFromText(status: number, text: string): ApiError {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (isErrorBody(body)) return new ApiError(String(body.error.code), body.error.message, status);
  if (status === 413) return new ApiError('payload_too_large:http', 'The file is too large for the server.', status);
  return new ApiError(`http:${status}`, `The server answered with an error (${status}). Please try again.`, status);
}

export async function apiErrorFrom(response: Response): Promise<ApiError> {
  return apiErrorFromText(response.status, await response.text().catch(() => ''));
}

/** Like fetch, but a network failure becomes an ApiError with a message for people. */
export async function request(url: string, init?: RequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, headers: { Accept: 'application/json', ...init?.headers } });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError('network:connection', CONNECTION_LOST_MESSAGE, 0);
  }
  if (!response.ok) throw await apiErrorFrom(response);
  return response;
}

/** SWR fetcher: the parsed JSON body, or an ApiError carrying the API's code and message. */
export async function fetchJson<T>(url: string): Promise<T> {
  const response = await request(url);
  return (await response.json()) as T;
}
