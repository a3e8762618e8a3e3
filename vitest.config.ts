import os from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Most integration files wait on real time (stall windows, segments, RTSP servers), not CPU:
    // two files at a time even on a 2-core box (vitest's default there is one) halves the wall time.
    poolOptions: { forks: { maxForks: Math.max(2, os.availableParallelism() - 1), minForks: 1 } },
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      reporter: ['text-summary', 'json-summary'],
    },
  },
});
