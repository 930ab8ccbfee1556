import 'server-only';

import { AppError } from '@/lib/errors';
import { log } from '@/lib/log';

export const now = () => new Date().toISOString();

/** Runs one data-access operation: database failures are logged with their cause and surface as a generic error. */
export async function run<T>(operation: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AppError) throw error;
    log.error('db', { operation, cause: error instanceof Error ? error.message : String(error) });
    throw new AppError('internal:database');
  }
}
