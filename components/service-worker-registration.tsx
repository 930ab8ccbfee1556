'use client';

import { useEffect } from 'react';

/** Registers public/sw.js (app shell offline, files shared from other apps). Renders nothing. */
export function ServiceWorkerRegistration() {
  useEffect(() => {
    if (process.env.NODE_ENV !== 'production' || !('serviceWorker' in navigator)) return;
    // A new build's version is a new script URL: the browser installs that worker, which clears the old caches.
    const script = `/sw.js?v=${encodeURIComponent(process.env.SERVICE_WORKER_VERSION ?? '')}`;
    navigator.serviceWorker.register(script, { scope: '/', updateViaCache: 'none' }).catch(() => undefined);
  }, []);
  return null;
}
