import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Lets several checkouts run their end-to-end tests side by side (e.g. E2E_PORT_OFFSET=100). */
const PORT_OFFSET = Number(process.env.E2E_PORT_OFFSET ?? 0);

export const FAKE_UPSTREAM_PORT = 4010 + PORT_OFFSET;
export const FAKE_UPSTREAM_API_KEY = 'sk-test-CANARY-0123456789';
export const FAKE_UPSTREAM_ORIGIN = `http://127.0.0.1:${FAKE_UPSTREAM_PORT}`;
export const FAKE_UPSTREAM_URL = `${FAKE_UPSTREAM_ORIGIN}/v1`;

/** A fake GitHub and Google for OAuth sign-in (e2e/support/fake-oauth.ts). */
export const FAKE_OAUTH_PORT = 4020 + PORT_OFFSET;
export const FAKE_OAUTH_ORIGIN = `http://127.0.0.1:${FAKE_OAUTH_PORT}`;
export const FAKE_OAUTH_CLIENTS = {
  github: { id: 'fake-github-client', secret: 'fake-github-secret' },
  google: { id: 'fake-google-client.apps.googleusercontent.com', secret: 'fake-google-secret' },
} as const;

export const APP_PORT = 3100 + PORT_OFFSET;
export const APP_BASE_URL = `http://127.0.0.1:${APP_PORT}`;

export const E2E_DATA_DIR = fileURLToPath(new URL('../../.e2e-data', import.meta.url));

/** A second app instance from the same build with no upstream configured: it uses its offline engine. */
export const ENGINE_APP_PORT = 3101 + PORT_OFFSET;
export const ENGINE_APP_BASE_URL = `http://127.0.0.1:${ENGINE_APP_PORT}`;
export const E2E_ENGINE_DATA_DIR = fileURLToPath(new URL('../../.e2e-data-engine', import.meta.url));

/** Extra app instances that a test starts and stops itself (kill -9 recovery, strict limits). */
export const SPARE_APP_PORTS = [3102 + PORT_OFFSET, 3103 + PORT_OFFSET, 3104 + PORT_OFFSET, 3105 + PORT_OFFSET, 3106 + PORT_OFFSET] as const;

/** The main app's output (build and server), for tests that check what reaches the logs. */
export const E2E_SERVER_LOG = `${E2E_DATA_DIR}/server.log`;

/**
 * The fake Vercel Blob server (e2e/support/fake-blob.ts) and the app instance that stores audio
 * there. The browser's Blob API address is fixed when Next builds, so the port is too; the host is
 * `localhost`, for which the SDK uploads from the browser with XHR (Chromium refuses streamed
 * request bodies over HTTP/1.1).
 */
export const FAKE_BLOB_PORT = 4011 + PORT_OFFSET;
export const FAKE_BLOB_API_URL = `http://localhost:${FAKE_BLOB_PORT}/api/blob`;
export const BLOB_APP_PORT = 3108 + PORT_OFFSET;
/** The two instances of the multi-instance project (e2e/cluster), on one PostgreSQL database. */
export const CLUSTER_APP_PORTS = [3109 + PORT_OFFSET, 3110 + PORT_OFFSET] as const;
