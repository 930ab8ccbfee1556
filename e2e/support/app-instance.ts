import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { E2E_DATA_DIR, FAKE_UPSTREAM_API_KEY, FAKE_UPSTREAM_URL, PROJECT_ROOT } from './constants';

export type AppInstance = {
  baseUrl: string;
  pid: number;
  dataDir: string;
  /** Everything the server printed so far. */
  output: () => string;
  /** SIGKILL: no shutdown hooks, no flushing, as a crash or the OOM killer would. */
  kill: () => Promise<void>;
  stop: () => Promise<void>;
};

/**
 * Starts one more `next start` from the build the test run already made, with its own data
 * folder and environment, against the fake upstream.
 */
export async function startAppInstance({
  name,
  port,
  hostname = '127.0.0.1',
  env = {},
  keepData = false,
}: {
  name: string;
  port: number;
  hostname?: string;
  env?: Record<string, string>;
  keepData?: boolean;
}): Promise<AppInstance> {
  const dataDir = path.join(E2E_DATA_DIR, 'instances', name);
  if (!keepData) rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const baseUrl = `http://${hostname}:${port}`;
  const child: ChildProcess = spawn(path.join(PROJECT_ROOT, 'node_modules/.bin/next'), ['start', '-p', String(port), '-H', hostname], {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      TRANSCRIBE_BASE_URL: FAKE_UPSTREAM_URL,
      TRANSCRIBE_API_KEY: FAKE_UPSTREAM_API_KEY,
      TRANSCRIBE_IDLE_TIMEOUT_MS: '3000',
      // Tests sign up many accounts from one address.
      RATE_LIMIT_SIGN_UPS_PER_IP: '100000',
      // Today's 25 MB limit unless a spec asks for long audio (e2e/long-audio.spec.ts).
      MAX_UPLOAD_MB: '25',
      AUTH_SECRET: `e2e-${name}-secret-not-for-production-0123456789`,
      AUTH_TRUST_HOST: 'true',
      NODE_ENV: 'production',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  for (let waited = 0; ; waited += 200) {
    if (child.exitCode !== null) throw new Error(`next start exited early:\n${output}`);
    const ready = await fetch(`${baseUrl}/sign-in`).then((response) => response.ok, () => false);
    if (ready) break;
    if (waited > 30_000) throw new Error(`next start did not answer within 30 s:\n${output}`);
    await sleep(200);
  }

  const signal = async (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    await exited;
  };
  return { baseUrl, pid: child.pid ?? 0, dataDir, output: () => output, kill: () => signal('SIGKILL'), stop: () => signal('SIGTERM') };
}
