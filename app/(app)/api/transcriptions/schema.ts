import { z } from 'zod';
import { transcriptIdSchema } from '@/lib/owned-transcript';

const TRANSCRIPT_SOURCES = ['upload', 'recording', 'api'] as const;

/** Where a browser upload says its audio came from (`?source=`); the API's own route sets `api`. */
export const uploadSourceSchema = z.object({ source: z.enum(['upload', 'recording']).default('upload') });

export const listQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z
    .string()
    .max(200)
    .optional()
    .transform((value, context) => {
      if (!value) return undefined;
      const [createdAt, id] = Buffer.from(value, 'base64url').toString('utf8').split('|');
      if (!createdAt || !id) {
        context.addIssue({ code: 'custom', message: 'Invalid cursor.' });
        return z.NEVER;
      }
      return { createdAt, id };
    }),
});

export function encodeCursor(cursor: { createdAt: string; id: string } | null) {
  return cursor ? Buffer.from(`${cursor.createdAt}|${cursor.id}`).toString('base64url') : null;
}

const isoDay = z.iso.date();

export const listFilterSchema = z.object({
  q: z.string().trim().max(200).optional(),
  status: z.enum(['done', 'failed', 'transcribing', 'cancelled']).optional().or(z.literal('').transform(() => undefined)),
  source: z.enum(TRANSCRIPT_SOURCES).optional().or(z.literal('').transform(() => undefined)),
  /** Calendar days (YYYY-MM-DD) in UTC, both included. */
  from: isoDay.optional().or(z.literal('').transform(() => undefined)),
  to: isoDay.optional().or(z.literal('').transform(() => undefined)),
});

/** The filter for the query layer: `to` includes its whole day. */
export function toTranscriptFilter({ q, status, source, from, to }: z.infer<typeof listFilterSchema>) {
  const dayAfter = (day: string) => new Date(Date.parse(`${day}T00:00:00.000Z`) + 86_400_000).toISOString();
  return {
    search: q || undefined,
    status,
    source,
    from: from ? `${from}T00:00:00.000Z` : undefined,
    to: to ? dayAfter(to) : undefined,
  };
}

export const bulkDeleteSchema = z.object({ ids: z.array(transcriptIdSchema).min(1).max(100) });

export const MAX_TITLE_LENGTH = 200;
export const MAX_TEXT_LENGTH = 1_000_000;

export const transcriptPatchSchema = z.union([
  z.object({ title: z.string().trim().min(1, { error: 'The title cannot be empty.' }).max(MAX_TITLE_LENGTH) }).strict(),
  z.object({ text: z.string().max(MAX_TEXT_LENGTH) }).strict(),
]);

export const SHARE_EXPIRY_DAYS = ['1', '7', '30', 'never'] as const;

export const shareLinkSchema = z
  .object({
    name: z.string().trim().max(80).optional(),
    expiresIn: z.enum(SHARE_EXPIRY_DAYS).default('7'),
    includeAudio: z.boolean().default(false),
  })
  .strict();
