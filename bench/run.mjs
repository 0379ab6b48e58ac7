#!/usr/bin/env node
// Runs a browser benchmark page (bench/<name>.html) in headless Chromium with WebGPU, prints its table and writes
// it to bench/results/<name>.md with the date and machine. Usage: node bench/run.mjs engine
import { writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import { createServer } from 'vite';
import puppeteer from 'puppeteer-core';

const name = process.argv[2] ?? 'engine';
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
  await page.goto(`http://127.0.0.1:${port}/bench/${name}.html`);
  await page.waitForFunction(() => window.benchResult !== undefined);
  const { table, adapter } = await page.evaluate(() => window.benchResult);
  const header = [
    `# Benchmark: ${name}`,
    '',
    `- Date: ${new Date().toISOString().slice(0, 10)}`,
    `- Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}, no GPU`,
    `- Browser: ${await browser.version()}; WebGPU adapter: ${adapter} (SwiftShader, a CPU Vulkan: compare ratios, not absolute numbers)`,
    `- Command: npm run bench:${name}`,
    '',
  ].join('\n');
  const text = `${header}\n${table}\n`;
  console.log(text);
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(`bench/results/${name}.md`, text);
} finally {
  await browser.close();
  await server.close();
}
