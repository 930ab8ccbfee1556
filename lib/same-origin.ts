import { AppError } from '@/lib/errors';

/**
 * Refuses a state-changing request that a browser sent from another site. Requests without
 * `Origin` come from non-browser clients (which hold no victim's cookies) and pass.
 */
export function crossOriginError(request: Request): AppError | undefined {
  const refused = new AppError('forbidden:origin', 'This request came from another site and was refused.');
  if (request.headers.get('sec-fetch-site') === 'cross-site') return refused;
  const origin = request.headers.get('origin');
  if (origin === null) return undefined;
  const host = request.headers.get('x-forwarded-host') ?? request.headers.get('host');
  try {
    return new URL(origin).host === host ? undefined : refused;
  } catch {
    return refused;
  }
}
