import 'server-only';

import { sql } from 'kysely';
import { getAudioStore } from '@/lib/audio-store';
import { getDb } from '@/lib/db/connection';
import { log } from '@/lib/log';
import { processSingleton } from '@/lib/process-singleton';

export type PartHealth = 'ok' | 'failing';

/** A part that does not answer within this long counts as failing: a load balancer waits for no one. */
const PART_TIMEOUT_MS = 3_000;

/** A few bytes the check reads back; written once per process, so a probe costs a read, not a write. */
const PROBE_KEY = 'health-probe';
const PROBE = new TextEncoder().encode('ok');
const probeWritten = processSingleton('health-probe-written', () => ({ value: false }));

async function checkDatabase() {
  await sql`select 1`.execute(await getDb());
}

async function checkAudioStore() {
  const store = getAudioStore();
  if (probeWritten.value && (await store.size(PROBE_KEY)) === PROBE.byteLength) return;
  await store.put(PROBE_KEY, new Blob([PROBE]).stream());
  if ((await store.size(PROBE_KEY)) !== PROBE.byteLength) throw new Error('The probe did not read back.');
  probeWritten.value = true;
}

async function check(part: string, work: () => Promise<void>): Promise<PartHealth> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), PART_TIMEOUT_MS);
  });
  try {
    await Promise.race([work(), timeout]);
    return 'ok';
  } catch (error) {
    // Logged here with its kind only; the answer names the part, never the cause.
    log.error('health.failing', { part, name: error instanceof Error ? error.name : typeof error });
    return 'failing';
  } finally {
    clearTimeout(timer);
  }
}

/** Whether the database and the audio store answer, checked side by side. */
export async function checkHealth() {
  const [database, audioStore] = await Promise.all([check('database', checkDatabase), check('audioStore', checkAudioStore)]);
  return { ok: database === 'ok' && audioStore === 'ok', database, audioStore };
}
