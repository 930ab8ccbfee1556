import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      '@': root,
      // Unit tests run server modules directly, as the server would (React's server condition).
      'server-only': `${root}node_modules/server-only/empty.js`,
    },
  },
  test: { include: ['lib/**/*.test.ts'], environment: 'node' },
});
