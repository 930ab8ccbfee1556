import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const MB = 1024 * 1024;

/** The process and its descendants. */
export function processTree(pid: number): number[] {
  const children = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        return readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.split(' ')[1] === String(pid);
      } catch {
        return false;
      }
    })
    .map(Number);
  return [pid, ...children.flatMap(processTree)];
}

/** Resident memory of a process and its descendants, in bytes. */
function treeRss(pid: number): number {
  let kb = 0;
  for (const each of processTree(pid)) {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${each}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return kb * 1024;
}

export async function peakRssGrowth(pid: number, work: () => Promise<unknown>) {
  global.gc?.();
  await sleep(500);
  const baseline = treeRss(pid);
  let peak = baseline;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, treeRss(pid));
      await sleep(25);
    }
  })();
  await work();
  sampling = false;
  await sampler;
  return { baselineMb: baseline / MB, peakMb: peak / MB, growthMb: (peak - baseline) / MB };
}

