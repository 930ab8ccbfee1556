// Verbatim's service worker: opens the app shell offline and receives audio shared from other apps.
// Same-origin and script-free pages only; API requests and uploads are never intercepted.
// The build's version, from the registration's script URL: each build caches apart, and its
// worker deletes the caches of earlier builds when it activates.
const SHELL_CACHE = `verbatim-shell-${new URL(self.location.href).searchParams.get('v') || 'unversioned'}`;
const SHARE_CACHE = 'verbatim-share'; // read by lib/client/shared-file.ts
const SHARED_FILE_URL = '/share-target/file';
const SHELL_PAGE = '/';
const PRECACHE = ['/manifest.webmanifest', '/icon-192.png', '/icon-512.png'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name.startsWith('verbatim-shell-') && name !== SHELL_CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  if (request.method === 'POST' && url.pathname === '/share-target') {
    event.respondWith(receiveSharedFile(request));
    return;
  }
  if (request.method !== 'GET') return;
  if (request.mode === 'navigate' && url.pathname === SHELL_PAGE) {
    event.respondWith(networkFirst(request));
    return;
  }
  // Build assets never change under the same name.
  if (url.pathname.startsWith('/_next/static/')) event.respondWith(cacheFirst(request));
});

async function receiveSharedFile(request) {
  try {
    const form = await request.formData();
    const file = form.getAll('audio').find((value) => value instanceof File && value.size > 0);
    if (!file) return Response.redirect('/?shared=none', 303);
    const cache = await caches.open(SHARE_CACHE);
    await cache.put(
      SHARED_FILE_URL,
      new Response(file, { headers: { 'Content-Type': file.type || 'application/octet-stream', 'X-File-Name': encodeURIComponent(file.name) } }),
    );
    return Response.redirect('/?shared=1', 303);
  } catch {
    return Response.redirect('/?shared=failed', 303);
  }
}

// The signed-in page, fresh when online; the last copy when offline, so recording still works.
async function networkFirst(request) {
  const cache = await caches.open(SHELL_CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected) await cache.put(SHELL_PAGE, response.clone());
    // Sent to sign-in: signed out (maybe in another tab), so the last signed-in copy must go.
    else if (response.redirected) await cache.delete(SHELL_PAGE);
    return response;
  } catch (error) {
    const cached = await cache.match(SHELL_PAGE);
    if (cached) return cached;
    throw error;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(SHELL_CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}
