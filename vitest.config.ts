import { defineConfig } from 'vitest/config';

// Integration tests start real servers and child processes; two cores means at most two files at
// once, and generous timeouts for the slow CI machine. bench/ is never part of the test run.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'bench/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
    pool: 'forks',
    // The browser tests need dist/renderer; this builds it once when missing or stale.
    globalSetup: ['test/e2e/global-setup.ts'],
  },
});
