import { defineConfig, mergeConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import viteConfig from './vite.config';
import { startRequestLog, stopRequestLog } from './test/browser/commands';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export default mergeConfig(
  viteConfig,
  defineConfig({
    test: {
      projects: [
        {
          extends: true,
          test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node', testTimeout: 60_000 },
        },
        {
          extends: true,
          // pre-bundled up front: discovering a dependency mid-run makes Vite reload the page under a test
          optimizeDeps: { include: ['mediabunny', 'comlink'] },
          test: {
            name: 'browser',
            include: ['test/browser/**/*.test.ts'],
            testTimeout: 120_000,
            browser: {
              enabled: true,
              headless: true,
              provider: playwright({
                launchOptions: {
                  executablePath: chromium,
                  args: ['--enable-unsafe-webgpu', '--disable-quic', '--no-sandbox', '--no-first-run',
                    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
                },
              }),
              instances: [{ browser: 'chromium' }],
              // every request the browser makes (workers included), for the same-origin test
              commands: { startRequestLog, stopRequestLog },
            },
          },
        },
      ],
    },
  }),
);
