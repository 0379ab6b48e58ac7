/** One Vite server and one Chromium for all GPU tests; tests connect through the provided endpoint. */
import type { TestProject } from 'vitest/node';
import { createServer, type ViteDevServer } from 'vite';
import type { Browser } from 'puppeteer-core';
import { launchChromium } from './chromium';

let server: ViteDevServer | undefined;
let browser: Browser | undefined;

export async function setup(project: TestProject) {
  server = await createServer({ configFile: 'vite.config.ts', server: { port: 0, host: '127.0.0.1', hmr: false }, logLevel: 'error' });
  await server.listen();
  const address = server.httpServer!.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  browser = await launchChromium();
  project.provide('baseUrl', `http://127.0.0.1:${port}`);
  project.provide('wsEndpoint', browser.wsEndpoint());
}

export async function teardown() {
  await browser?.close();
  await server?.close();
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    wsEndpoint: string;
  }
}
