/**
 * Deletes what the service worker kept for the signed-in user (the `/` shell, a shared audio
 * file): after sign-out, the next person on this device must not open it offline.
 */
export async function clearSignedInCaches() {
  if (typeof caches === 'undefined') return;
  const names = await caches.keys();
  await Promise.all(names.filter((name) => name.startsWith('verbatim-')).map((name) => caches.delete(name)));
}
