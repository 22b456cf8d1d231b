import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests spawn the gateway and open SQLite files; keep them out of each other's way.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
