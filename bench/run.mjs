#!/usr/bin/env node
// Runs a browser benchmark page (bench/<page>.html, which sets window.benchResult = { table, adapter, title? }) in
// headless Chromium with WebGPU, prints its table and writes it to bench/results/<result>.md with the date and machine.
// Usage: node bench/run.mjs <page> [result name, default: the page name]
import { launchWebGpuChromium, resultHeader, startDevServer, writeResult } from './browser.mjs';

const page = process.argv[2] ?? 'engine';
const result = process.argv[3] ?? page;
const server = await startDevServer();
const browser = await launchWebGpuChromium();
try {
  const tab = await browser.newPage();
  tab.on('console', (m) => m.type() === 'error' && console.error('page:', m.text()));
  tab.on('pageerror', (e) => console.error('page error:', e.message));
  await tab.goto(`${server.url}/bench/${page}.html`);
  await tab.waitForFunction(() => window.benchResult !== undefined);
  const { table, adapter, title } = await tab.evaluate(() => window.benchResult);
  writeResult(
    `${result}.md`,
    `${await resultHeader(title ?? `Benchmark: ${page}`, `npm run bench:${page}`, browser, adapter)}\n${table}\n`,
  );
} finally {
  await browser.close();
  await server.close();
}
