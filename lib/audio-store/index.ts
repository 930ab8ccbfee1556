import 'server-only';

import { getConfig } from '@/lib/env';
import { createLocalAudioStore } from './local';
import type { AudioStore } from './types';

export type { AudioStore, ByteRange } from './types';

let store: AudioStore | undefined;

export function getAudioStore(): AudioStore {
  store ??= createLocalAudioStore(getConfig().audioDir);
  return store;
}
