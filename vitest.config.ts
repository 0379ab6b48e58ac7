import { defineConfig } from 'vitest/config';

// Two projects: `unit` runs in Node (float64 references, schedules, plans, RNG mirror, validation); `gpu` drives
// headless Chromium on WebGPU (SwiftShader here) through puppeteer, against float64 references computed in Node.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
          // The property-based and lint tests take seconds on a loaded 2-core machine; 5 s is too tight there.
          testTimeout: 60_000,
          setupFiles: ['tests/setup-node.ts'],
        },
      },
      {
        test: {
          name: 'gpu',
          include: ['tests/gpu/**/*.test.ts', 'tests/e2e/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['tests/setup-node.ts'],
          globalSetup: ['tests/browser/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
