export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { getConfig } = await import('@/lib/env');
  try {
    getConfig();
  } catch (error) {
    // A configuration that cannot work (e.g. PostgreSQL without AUTH_SECRET) stops the server
    // with its reason, instead of a server that answers every request with a 500.
    console.error(`Verbatim cannot start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  const { recordPeerAddresses } = await import('@/lib/client-address');
  recordPeerAddresses();
  const { recordOwnAddress } = await import('@/lib/engine/own-address');
  recordOwnAddress();
  // Jobs of instances that stopped are taken over once their lease expires; live ones, never.
  const { startJobTakeover } = await import('@/lib/transcription/takeover');
  startJobTakeover();
}
