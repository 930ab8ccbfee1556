import type { NextConfig } from 'next';

/** Headers for every response; pages also get their nonce-based CSP from proxy.ts. */
const commonHeaders = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  { key: 'Permissions-Policy', value: 'microphone=(self), camera=(), geolocation=(), payment=(), usb=()' },
];

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // Inlined into the build: names the service worker's caches (public/sw.js), so that each
  // build's assets replace the previous build's.
  env: { SERVICE_WORKER_VERSION: Date.now().toString(36) },
  serverExternalPackages: ['better-sqlite3'],
  experimental: {
    // Server actions (sign-in, sign-up) take a few form fields: the same cap as route handlers
    // (lib/http/body.ts), enforced by Next while it reads the body (413 beyond it).
    serverActions: { bodySizeLimit: '64kb' },
    // Pages matched by proxy.ts (server actions post to them) have their body buffered for the
    // proxy first, up to this much, by default 10 MB per request; a little above the actions' cap.
    proxyClientMaxBodySize: '128kb',
  },
  async headers() {
    // For one key, a later matching rule overrides an earlier one.
    return [
      { source: '/:path*', headers: commonHeaders },
      {
        source: '/:path*',
        has: [{ type: 'header', key: 'x-forwarded-proto', value: 'https' }],
        headers: [{ key: 'Strict-Transport-Security', value: 'max-age=63072000; includeSubDomains' }],
      },
      {
        // JSON, SSE and audio: nothing in them may run or be framed.
        source: '/api/:path*',
        headers: [{ key: 'Content-Security-Policy', value: "default-src 'none'; frame-ancestors 'none'; sandbox" }],
      },
      {
        // The OpenAI-compatible API answers JSON and SSE like /api.
        source: '/v1/:path*',
        headers: [{ key: 'Content-Security-Policy', value: "default-src 'none'; frame-ancestors 'none'; sandbox" }],
      },
      {
        source: '/s/:token',
        headers: [
          { key: 'Referrer-Policy', value: 'no-referrer' },
          { key: 'X-Robots-Tag', value: 'noindex, nofollow' },
        ],
      },
    ];
  },
};

export default nextConfig;
