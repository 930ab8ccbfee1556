import { z } from 'zod';

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: 'Enter a valid email address.' }).max(254, { error: 'That email address is too long.' }));

export const passwordSchema = z
  .string()
  .min(8, { error: 'Use at least 8 characters for your password.' })
  .max(200, { error: 'Use at most 200 characters for your password.' });

export const credentialsSchema = z.object({ email: emailSchema, password: passwordSchema });

/** Only same-site paths, so that a crafted link cannot send people elsewhere after sign-in. */
export function safeCallbackPath(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  return value;
}
