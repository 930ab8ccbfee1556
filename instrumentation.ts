export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { recordPeerAddresses } = await import('@/lib/client-address');
  recordPeerAddresses();
  const { recordOwnAddress } = await import('@/lib/engine/own-address');
  recordOwnAddress();
  const { failInterruptedTranscripts } = await import('@/lib/db/transcripts');
  const { log } = await import('@/lib/log');
  const interrupted = await failInterruptedTranscripts();
  if (interrupted > 0) log.warn('startup.interrupted_transcriptions', { count: interrupted });
}
