import 'server-only';

import { randomUUID } from 'node:crypto';
import { renewTranscriptLease } from '@/lib/db/jobs';
import { getConfig } from '@/lib/env';
import { processSingleton } from '@/lib/process-singleton';

/**
 * This process's name in leases. A restarted process is a new instance: it has no claim on its
 * predecessor's jobs, which expire and are taken over like any other instance's.
 */
export const instanceId: string = processSingleton('instance-id', () => randomUUID());

/**
 * Renews a running job's lease until the returned function is called. `onLost` runs when the
 * job is no longer this instance's: taken over after a pause longer than the lease, or its row
 * ended or deleted elsewhere.
 */
export function keepLease({ id, userId, onLost }: { id: string; userId: string; onLost: () => void }) {
  const { leaseMs, heartbeatMs } = getConfig().jobs;
  let stopped = false;
  const beat = async () => {
    // A database error is logged by the query; the next beat tries again before the lease runs out.
    const held = await renewTranscriptLease({ id, userId, instanceId, leaseMs }).catch(() => true);
    if (!held && !stopped) onLost();
  };
  const timer = setInterval(() => void beat(), heartbeatMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
