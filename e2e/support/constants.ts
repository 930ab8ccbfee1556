import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const FAKE_UPSTREAM_PORT = 4010;
export const FAKE_UPSTREAM_API_KEY = 'sk-test-CANARY-0123456789';
export const FAKE_UPSTREAM_ORIGIN = `http://127.0.0.1:${FAKE_UPSTREAM_PORT}`;
export const FAKE_UPSTREAM_URL = `${FAKE_UPSTREAM_ORIGIN}/v1`;

export const APP_PORT = 3100;
export const APP_BASE_URL = `http://127.0.0.1:${APP_PORT}`;

export const E2E_DATA_DIR = fileURLToPath(new URL('../../.e2e-data', import.meta.url));
