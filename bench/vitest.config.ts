import { defineConfig } from 'vitest/config';

// `npm run bench:check`: the harness's own check (a --quick run end to end). Kept out of
// `npm test`, which checks behaviour only; speed is what `npm run bench` reports.
export default defineConfig({
  test: {
    include: ['bench/check/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 600_000,
    maxWorkers: 1,
    pool: 'forks',
  },
});
