#!/usr/bin/env node
// Runs bench/quality/browser-check.html in headless Chromium with WebGPU (bench/browser.mjs) for the configs in
// <configs.json> and writes the browser's samples to <out.json>. Driven by bench/quality/check_browser.py.
import { readFileSync, writeFileSync } from 'node:fs';
import { launchWebGpuChromium, startDevServer } from '../browser.mjs';

const [input, output] = process.argv.slice(2);
if (!input || !output) throw new Error('usage: node bench/quality/browser-check.mjs <configs.json> <out.json>');
const configs = readFileSync(input, 'utf8');
const server = await startDevServer();
const browser = await launchWebGpuChromium();
try {
  const page = await browser.newPage();
  page.on('console', (m) => m.type() === 'error' && console.error('page:', m.text()));
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${server.url}/bench/quality/browser-check.html#${encodeURIComponent(configs)}`);
  await page.waitForFunction(() => window.checkResult !== undefined, { timeout: 0 });
  const result = await page.evaluate(() => window.checkResult);
  if (result.error) throw new Error(`browser: ${result.error}`);
  writeFileSync(output, JSON.stringify({ browser: await browser.version(), ...result }));
} finally {
  await browser.close();
  await server.close();
}
