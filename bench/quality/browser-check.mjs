#!/usr/bin/env node
// Runs bench/quality/browser-check.html in headless Chromium with WebGPU (as bench/run.mjs does) for the configs in
// <configs.json> and writes the browser's samples to <out.json>. Driven by bench/quality/check_browser.py.
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'vite';
import puppeteer from 'puppeteer-core';

const [input, output] = process.argv.slice(2);
if (!input || !output) throw new Error('usage: node bench/quality/browser-check.mjs <configs.json> <out.json>');
const configs = readFileSync(input, 'utf8');
const server = await createServer({ configFile: 'vite.config.ts', server: { port: 0, host: '127.0.0.1', hmr: false }, logLevel: 'error' });
await server.listen();
const { port } = server.httpServer.address();
const browser = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
  headless: true,
  protocolTimeout: 3_600_000,
  args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
    '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-vulkan=swiftshader', '--use-webgpu-adapter=swiftshader', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
});
try {
  const page = await browser.newPage();
  page.on('console', (m) => m.type() === 'error' && console.error('page:', m.text()));
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`http://127.0.0.1:${port}/bench/quality/browser-check.html#${encodeURIComponent(configs)}`);
  await page.waitForFunction(() => window.checkResult !== undefined, { timeout: 0 });
  const result = await page.evaluate(() => window.checkResult);
  if (result.error) throw new Error(`browser: ${result.error}`);
  writeFileSync(output, JSON.stringify({ browser: await browser.version(), ...result }));
} finally {
  await browser.close();
  await server.close();
}
