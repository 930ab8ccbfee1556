export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { recordPeerAddresses } = await import('@/lib/client-address');
  recordPeerAddresses();
  // Jobs of instances that stopped are taken over once their lease expires; live ones, never.
  const { startJobTakeover } = await import('@/lib/transcription/takeover');
  startJobTakeover();
}
