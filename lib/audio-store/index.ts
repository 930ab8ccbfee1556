import 'server-only';

import { getConfig } from '@/lib/env';
import { createBlobAudioStore, defaultReadBaseUrl } from './blob';
import { createLocalAudioStore } from './local';
import type { AudioStore, DirectUploads } from './types';

export type { AudioStore, ByteRange, DirectUploads } from './types';

const DEFAULT_BLOB_API_URL = 'https://vercel.com/api/blob';

let configured: { store: AudioStore; uploads: DirectUploads | undefined } | undefined;

/** The one choice of backend: Vercel Blob when BLOB_READ_WRITE_TOKEN is set, else the local folder. */
function configuredStore() {
  if (configured) return configured;
  const { blob, audioDir } = getConfig();
  if (blob) {
    const { uploads, ...store } = createBlobAudioStore({
      token: blob.token,
      apiUrl: blob.apiUrl ?? DEFAULT_BLOB_API_URL,
      readBaseUrl: blob.readBaseUrl ?? defaultReadBaseUrl(blob.token),
    });
    configured = { store, uploads };
  } else {
    configured = { store: createLocalAudioStore(audioDir), uploads: undefined };
  }
  return configured;
}

export function getAudioStore(): AudioStore {
  return configuredStore().store;
}

/** Browsers' direct uploads: only with a store they can upload to (Vercel Blob). */
export function getDirectUploads(): DirectUploads | undefined {
  return configuredStore().uploads;
}
