import 'server-only';

import { getConfig } from '@/lib/env';
import { processSingleton } from '@/lib/process-singleton';
import { createMemoryBus } from './memory';
import { createPostgresBus } from './postgres';
import type { JobBus } from './types';

export type { JobBus, JobListener, JobMessage } from './types';

/** PostgreSQL serves several instances, so they talk through it; SQLite means one process. */
export function getJobBus(): JobBus {
  return processSingleton('job-bus', () => {
    const { database } = getConfig();
    return database.dialect === 'postgres' ? createPostgresBus({ connectionString: database.url }) : createMemoryBus();
  });
}
