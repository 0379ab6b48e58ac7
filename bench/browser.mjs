// Shared by the browser benchmarks: headless Chromium with WebGPU on the machine's adapter (the flags measured in
// webgpu-testing.md; SwiftShader on GPU-less machines), a Vite server for the bench pages, and the results header.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { createServer } from 'vite';
import puppeteer from 'puppeteer-core';

export const WEBGPU_CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-webgpu-adapter=swiftshader',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
];

/** `options` go to puppeteer.launch as they are (e.g. dumpio: true to see the GPU process's own messages). */
export function launchWebGpuChromium(options = {}) {
  return puppeteer.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    headless: true,
    protocolTimeout: 3_600_000,
    // A copy: puppeteer merges its own --enable-features into the array it is given and drops ours from it, so a
    // second launch from the shared constant would come up without Vulkan (and without a WebGPU adapter).
    args: [...WEBGPU_CHROMIUM_ARGS],
    ...options,
  });
}

/** A Vite dev server on a free port, serving the repo (bench pages import src/ directly). */
export async function startDevServer() {
  const server = await createServer({
    configFile: 'vite.config.ts',
    server: { port: 0, host: '127.0.0.1', hmr: false },
    logLevel: 'error',
  });
  await server.listen();
  return { url: `http://127.0.0.1:${server.httpServer.address().port}`, close: () => server.close() };
}

/** The date, machine, load, browser and adapter lines every committed result starts with. */
export async function resultHeader(title, command, browser, adapter, extra = []) {
  const cpu = os.cpus();
  return [
    `# ${title}`,
    '',
    `- Date: ${new Date().toISOString().slice(0, 10)}`,
    `- Machine: ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}, no GPU; load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} (other jobs may share the cores)`,
    `- Browser: ${await browser.version()}; WebGPU adapter: ${adapter} (SwiftShader, a CPU Vulkan: compare ratios, not absolute numbers)`,
    `- Command: ${command}`,
    ...extra,
    '',
  ].join('\n');
}

export function writeResult(file, text) {
  console.log(text);
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(`bench/results/${file}`, text);
}
