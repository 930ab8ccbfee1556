import { z } from 'zod';

export const MAX_API_KEY_NAME_LENGTH = 80;
/** Enough for every script and device one person runs; a leak stays easy to review. */
export const MAX_API_KEYS_PER_USER = 25;

export const apiKeyCreateSchema = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, { error: 'Give the key a name, e.g. the script or device that will use it.' })
      .max(MAX_API_KEY_NAME_LENGTH, { error: `The name can have at most ${MAX_API_KEY_NAME_LENGTH} characters.` })
      // Control characters would garble the history's "API · name" label.
      .regex(/^[^\p{Cc}]*$/u, { error: 'The name cannot contain control characters.' }),
  })
  .strict();

export const apiKeyIdSchema = z.uuid();
