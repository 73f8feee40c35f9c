import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    // Chromium and a PostgreSQL for a fresh machine: see test/_setup/global.ts.
    globalSetup: ['test/_setup/global.ts'],
    // Many tests run real node processes; on a busy 2-core machine they need room.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: true,
    maxWorkers: 2,
  },
});
