import { z } from 'zod';

export const MAX_PROMPT_LENGTH = 1000;

/** The client fields we forward; everything else a client sends is dropped. */
export const ALLOWED_FIELDS = ['language', 'prompt', 'response_format', 'stream'] as const;
type AllowedField = (typeof ALLOWED_FIELDS)[number];

export const transcriptionOptionsSchema = z.object({
  language: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z]{2,3}$/, { error: 'language must be an ISO-639-1 or ISO-639-3 code such as "en".' })
    .optional()
    .or(z.literal('').transform(() => undefined)),
  prompt: z
    .string()
    .max(MAX_PROMPT_LENGTH, { error: `prompt must be at most ${MAX_PROMPT_LENGTH} characters.` })
    .optional()
    .transform((value) => (value?.trim() ? value : undefined)),
  response_format: z.enum(['json', 'text'], { error: 'response_format must be "json" or "text".' }).default('json'),
  stream: z
    .enum(['true', 'false'], { error: 'stream must be "true" or "false".' })
    .default('false')
    .transform((value) => value === 'true'),
});

export type TranscriptionOptions = z.infer<typeof transcriptionOptionsSchema>;

export function isAllowedField(name: string): name is AllowedField {
  return (ALLOWED_FIELDS as readonly string[]).includes(name);
}
