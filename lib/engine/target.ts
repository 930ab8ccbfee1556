import 'server-only';

import { getConfig } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { readOrCreateEngineKey } from './key';
import { ENGINE_MODEL_NAME } from './model';
import { getOwnOrigin } from './own-address';
import { getEngineStatus } from './status';

export type TranscriptionTarget = { baseUrl: string; apiKey: string | undefined; model: string };

/** Where transcription requests go: the configured service, or this server's own offline engine. */
export function getTranscriptionTarget(): TranscriptionTarget {
  const { transcription } = getConfig();
  if (transcription.engine === 'external') return { baseUrl: transcription.baseUrl, apiKey: transcription.apiKey, model: transcription.model };
  const origin = getOwnOrigin();
  // Only before the server's first request, e.g. work resumed at start-up: retried shortly.
  if (!origin) throw new AppError('upstream:unreachable', 'The offline engine is still starting. Try again in a moment.');
  return { baseUrl: `${origin}/api/engine/v1`, apiKey: getEngineKey(), model: ENGINE_MODEL_NAME };
}

let engineKey: string | undefined;

/** The engine's key, read (or created) on first use rather than when the configuration loads. */
export function getEngineKey(): string {
  engineKey ??= readOrCreateEngineKey(getConfig().dataDir);
  return engineKey;
}

/**
 * Whether transcription can work: an external service with both a base URL and a key, or the
 * built-in engine with its programs installed.
 */
export function isTranscriptionConfigured() {
  const { transcription } = getConfig();
  if (transcription.engine === 'builtin') return getEngineStatus().available;
  return Boolean(transcription.baseUrl && transcription.apiKey);
}
