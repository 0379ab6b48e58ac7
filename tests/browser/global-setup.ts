/** One Vite server and one Chromium for all GPU tests; tests connect through the provided endpoint. The built page
 *  (dist/, from `npm run build`) is served as well, for the end-to-end tests in tests/e2e/. */
import { existsSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { createServer, preview, type PreviewServer, type ViteDevServer } from 'vite';
import type { Browser } from 'puppeteer-core';
import { launchChromium } from './chromium';

let server: ViteDevServer | undefined;
let browser: Browser | undefined;
let built: PreviewServer | undefined;

export async function setup(project: TestProject) {
  server = await createServer({
    configFile: 'vite.config.ts',
    server: { port: 0, host: '127.0.0.1', hmr: false },
    logLevel: 'error',
  });
  await server.listen();
  const address = server.httpServer!.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  browser = await launchChromium();
  project.provide('baseUrl', `http://127.0.0.1:${port}`);
  project.provide('wsEndpoint', browser.wsEndpoint());
  // The kernel tests do not need dist/; without it the e2e tests fail, saying to run `npm run build` first.
  if (existsSync('dist/index.html')) {
    built = await preview({ configFile: 'vite.config.ts', preview: { port: 0, host: '127.0.0.1' }, logLevel: 'error' });
    const builtAddress = built.httpServer.address();
    project.provide(
      'distUrl',
      `http://127.0.0.1:${typeof builtAddress === 'object' && builtAddress ? builtAddress.port : 0}`,
    );
  } else {
    project.provide('distUrl', '');
  }
}

export async function teardown() {
  await browser?.close();
  await server?.close();
  await built?.close();
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    wsEndpoint: string;
    /** The built page's origin, or '' when dist/ does not exist (the e2e tests then fail saying so). */
    distUrl: string;
  }
}
