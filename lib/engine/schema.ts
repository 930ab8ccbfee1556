import { z } from 'zod';
import { ENGINE_MODEL_NAME } from './model';

/** English is all the PocketSphinx model knows; ISO-639-1 and -3. */
export const ENGLISH = new Set(['en', 'eng']);

export const engineFieldsSchema = z.object({
  model: z.string({ error: 'you must provide a model parameter' }).refine((model) => model === ENGINE_MODEL_NAME, {
    error: `The model must be "${ENGINE_MODEL_NAME}", the only model of this engine.`,
  }),
  language: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^([a-z]{2,3})?$/, { error: 'language must be an ISO-639-1 or ISO-639-3 code such as "en".' })
    .optional()
    .transform((value) => value || undefined),
  /** Accepted for compatibility; PocketSphinx cannot use it. */
  prompt: z.string().max(4000, { error: 'prompt must be at most 4000 characters.' }).optional(),
  response_format: z.enum(['json', 'text'], { error: 'response_format must be "json" or "text" with this engine.' }).default('json'),
  stream: z.enum(['true', 'false'], { error: 'stream must be "true" or "false".' }).default('false').transform((value) => value === 'true'),
});

export type EngineFields = z.infer<typeof engineFieldsSchema>;
