import 'server-only';

import { Client } from 'pg';
import { z } from 'zod';
import { log } from '@/lib/log';
import { createListenerRegistry } from './listeners';
import { type JobBus, jobMessageSchema } from './types';

/** One channel for every job; the job id is in the payload. */
const CHANNEL = 'verbatim_jobs';
/** PostgreSQL refuses NOTIFY payloads of 8000 bytes and more. */
export const MAX_PAYLOAD_BYTES = 7900;
const RECONNECT_DELAY_MS = 1000;

const envelopeSchema = z.object({ jobId: z.string().min(1).max(100), message: jobMessageSchema });

/**
 * LISTEN/NOTIFY on a connection of its own: a pooled connection would be handed to other queries
 * and stop listening. The same connection sends, so one instance's messages arrive in order.
 * After a lost connection it reconnects; what was published meanwhile is lost, and followers
 * make up for it from the saved text.
 */
export function createPostgresBus({ connectionString }: { connectionString: string }): JobBus {
  const listeners = createListenerRegistry();
  let connection: Promise<Client> | undefined;
  let closed = false;

  function receive(payload: string | undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload ?? '');
    } catch {
      return;
    }
    const envelope = envelopeSchema.safeParse(parsed);
    if (envelope.success) listeners.deliver(envelope.data.jobId, envelope.data.message);
  }

  function connect(): Promise<Client> {
    if (closed) return Promise.reject(new Error('The job bus is closed.'));
    if (connection) return connection;
    const client = new Client({ connectionString });
    const current = (async () => {
      client.on('notification', (notification) => {
        if (notification.channel === CHANNEL) receive(notification.payload);
      });
      client.on('error', (error) => lose(current, error));
      client.on('end', () => lose(current));
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      return client;
    })();
    connection = current;
    current.catch((error: unknown) => lose(current, error));
    return current;
  }

  function lose(which: Promise<Client>, error?: unknown) {
    if (connection !== which) return;
    connection = undefined;
    which.then((client) => client.end()).catch(() => undefined);
    if (closed) return;
    log.warn('bus.disconnected', { cause: error instanceof Error ? error.message : undefined });
    // Jobs of this instance must go on hearing their cancels.
    setTimeout(() => connect().catch(() => undefined), RECONNECT_DELAY_MS).unref();
  }

  return {
    async publish(jobId, message) {
      const payload = JSON.stringify({ jobId, message });
      if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) throw new Error(`Job message of ${Buffer.byteLength(payload)} bytes is over the NOTIFY limit.`);
      const client = await connect();
      await client.query('select pg_notify($1, $2)', [CHANNEL, payload]);
    },
    async subscribe(jobId, listener) {
      const unsubscribe = listeners.add(jobId, listener);
      try {
        await connect();
      } catch (error) {
        unsubscribe();
        throw error;
      }
      return unsubscribe;
    },
    async close() {
      closed = true;
      const current = connection;
      connection = undefined;
      await current?.then((client) => client.end()).catch(() => undefined);
    },
  };
}
