import { randomBytes } from 'node:crypto';
import { processSingleton } from '@/lib/process-singleton';

/**
 * This process among the app's instances, for log lines and health answers. Random rather than
 * the host name, which would tell anyone reading a health answer about the machine.
 */
export const instanceId = processSingleton('instance-id', () => `i-${randomBytes(6).toString('hex')}`);
