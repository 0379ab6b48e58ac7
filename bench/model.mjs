#!/usr/bin/env node
// `npm run bench:model`: runs bench/model.html (our WGSL UNet vs onnxruntime-web WebGPU and WASM, plus the adapter's
// FMA ceiling) in headless Chromium with WebGPU, prints the table and writes bench/results/model-speed.md with the
// date and machine.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { createServer } from 'vite';
import puppeteer from 'puppeteer-core';

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
  await page.goto(`http://127.0.0.1:${port}/bench/model.html`);
  await page.waitForFunction(() => window.benchResult !== undefined);
  const { table, adapter } = await page.evaluate(() => window.benchResult);
  const cpu = os.cpus();
  const header = [
    '# Benchmark: the Fashion-MNIST UNet, WGSL vs onnxruntime-web',
    '',
    `- Date: ${new Date().toISOString().slice(0, 10)}`,
    `- Machine: ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}, no GPU; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} (other jobs share the cores)`,
    `- Browser: ${await browser.version()}; WebGPU adapter: ${adapter} (SwiftShader, a CPU Vulkan: compare ratios, not absolute numbers)`,
    '- Command: npm run bench:model',
    '',
  ].join('\n');
  const text = `${header}\n${table}\n`;
  console.log(text);
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/model-speed.md', text);
} finally {
  await browser.close();
  await server.close();
}
