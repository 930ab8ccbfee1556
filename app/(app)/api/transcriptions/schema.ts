import { z } from 'zod';

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

export const transcriptIdSchema = z.uuid();
