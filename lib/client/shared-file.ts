/**
 * The file another app shared into Verbatim (manifest `share_target`). The service worker
 * (public/sw.js) receives the POST, keeps the file here and opens `/?shared=1`; these names
 * must match the ones it uses.
 */
const SHARE_CACHE = 'verbatim-share';
const SHARED_FILE_URL = '/share-target/file';

/** Takes the shared file out of its cache: undefined when there is none (or it was taken). */
export async function takeSharedFile(): Promise<File | undefined> {
  if (!('caches' in window)) return undefined;
  const cache = await caches.open(SHARE_CACHE);
  const response = await cache.match(SHARED_FILE_URL);
  if (!response) return undefined;
  const name = decodeURIComponent(response.headers.get('X-File-Name') ?? '') || 'Shared audio';
  const file = new File([await response.blob()], name, { type: response.headers.get('Content-Type') ?? '' });
  await cache.delete(SHARED_FILE_URL);
  return file;
}
