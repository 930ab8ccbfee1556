import 'server-only';

import { getAudioStore } from '@/lib/audio-store';
import { isPlaceholderEmail } from '@/lib/db/oauth-identities';
import { deleteUserById } from '@/lib/db/users';
import { log } from '@/lib/log';

/**
 * Removes the account and everything in it: rows first, in one transaction (so that nobody is
 * left half-deleted), then each transcript's audio. Audio that fails to go is logged by key and
 * left orphaned; no row points to it any more, so nobody can reach it.
 */
export async function deleteAccount({ userId }: { userId: string }) {
  const { audioKeys } = await deleteUserById({ userId });
  const store = getAudioStore();
  const results = await Promise.allSettled(audioKeys.map((key) => store.delete(key)));
  const failed = results.filter((result) => result.status === 'rejected').length;
  if (failed > 0) log.error('account.delete_audio', { failed, of: audioKeys.length });
}

/** What an account without a password types to confirm its deletion: its email, when it has one. */
export function deletionPhraseFor({ email }: { email: string }) {
  return isPlaceholderEmail(email) ? 'delete my account' : email;
}
