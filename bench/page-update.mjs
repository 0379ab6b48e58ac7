#!/usr/bin/env node
// Measures one live update of the built page (dist/, from `npm run build`) in headless Chromium with WebGPU: the
// time from a steps change in panel 1 to its new samples being drawn (its run done, then two animation frames),
// for several particle counts and step counts. Writes bench/results/page-update.md with the date and machine.
// Usage: npm run build && node bench/page-update.mjs
import { existsSync } from 'node:fs';
import { preview } from 'vite';
import { launchWebGpuChromium, resultHeader, writeResult } from './browser.mjs';

if (!existsSync('dist/index.html')) throw new Error('dist/ is missing: run `npm run build` first');
const CASES = [
  { panels: 3, count: 256, steps: 10 },
  { panels: 3, count: 1024, steps: 10 },
  { panels: 3, count: 4096, steps: 10 },
  { panels: 3, count: 4096, steps: 50 },
  { panels: 1 + 5, count: 4096, steps: 50 },
];
const REPEATS = 5;

const server = await preview({
  configFile: 'vite.config.ts',
  preview: { port: 0, host: '127.0.0.1' },
  logLevel: 'error',
});
const { port } = server.httpServer.address();
const browser = await launchWebGpuChromium();

/** Panel 1 is Euler; the others cycle through Heun and the η-SDE (the first-load story, extended). */
function hash({ panels, count, steps }) {
  const others = ['heun:5:karras:0', 'sde:10:karras:1'];
  const list = [`euler:${steps}:karras:0`, ...Array.from({ length: panels - 1 }, (_, i) => others[i % 2])];
  return `#world=gmm:ring8&seed=42&count=${count}&p=${list.join('~')}&equal=0&nfe=10&smax=80&smin=0.002&rho=7&traj=0`;
}

const rows = [];
let adapter = 'unknown';
let parts;
try {
  for (const c of CASES) {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 1000 });
    page.on('console', (m) => m.type() === 'error' && console.error('page:', m.text()));
    await page.goto(`http://127.0.0.1:${port}/${hash(c)}`);
    await page.waitForFunction(
      () => {
        const panels = [
          ...(document.querySelector('sandbox-app')?.shadowRoot?.querySelectorAll('sampler-panel') ?? []),
        ];
        return (
          panels.length > 0 &&
          panels.every((p) => p.shadowRoot.querySelector('.status')?.getAttribute('data-status') === 'done')
        );
      },
      { timeout: 3_600_000, polling: 100 },
    );
    adapter = await page.evaluate(async () => {
      const a = await navigator.gpu.requestAdapter();
      return a ? `${a.info.vendor} ${a.info.architecture}` : 'none';
    });
    const times = [];
    const gpu = [];
    for (let k = 1; k <= REPEATS; k++) {
      // A new step count each time, so the run cache cannot answer.
      const { ms, gpuMs } = await page.evaluate(async (steps) => {
        const panel = document.querySelector('sandbox-app').shadowRoot.querySelector('sampler-panel').shadowRoot;
        const input = panel.querySelector('panel-controls').shadowRoot.querySelector('input[type=number]');
        const readout = () => panel.querySelector('run-readout').shadowRoot;
        const start = performance.now();
        input.value = String(steps);
        input.dispatchEvent(new Event('change'));
        await new Promise((resolve) => {
          const check = () => {
            const status = panel.querySelector('.status').getAttribute('data-status');
            const nfe = readout().querySelector('[data-field="nfe"]').textContent.trim();
            if (nfe === String(steps) && status !== 'running') resolve();
            else requestAnimationFrame(check);
          };
          requestAnimationFrame(check);
        });
        // The view draws on the animation frame after the result lands.
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        return {
          ms: performance.now() - start,
          gpuMs: Number(readout().querySelector('[data-field="gpu-ms"]').textContent),
        };
      }, c.steps + k);
      times.push(ms);
      gpu.push(gpuMs);
    }
    if (c === CASES[2])
      parts = await page.evaluate(async (count) => {
        // The parts of an update, timed through the public API on the same page: the run (with its trajectory read
        // back) and the CPU metrics (log-likelihood, RMSE, sliced W2 with 128 projections).
        const sandbox = await window.sandbox;
        const request = { world: 'gmm:ring8', sampler: 'euler', steps: 12, count, seed: 42, trajectory: true };
        let t = performance.now();
        const result = await sandbox.sample(request);
        const sampleMs = performance.now() - t;
        const reference = await sandbox.reference(request);
        t = performance.now();
        sandbox.evaluate({ world: 'gmm:ring8', samples: result.samples, reference, seed: 42 });
        return { sampleMs, gpuMs: result.ms, evaluateMs: performance.now() - t };
      }, c.count);
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    rows.push(
      `| ${c.panels} | ${c.count} | ${c.steps + 1}–${c.steps + REPEATS} | ${median(times).toFixed(0)} | ${Math.min(...times).toFixed(0)}–${Math.max(...times).toFixed(0)} | ${median(gpu).toFixed(0)} |`,
    );
    console.log(rows.at(-1));
    await page.close();
  }
  const header = await resultHeader(
    'Page: one live update',
    '`npm run build && node bench/page-update.mjs`',
    browser,
    adapter,
  );
  const text = [
    header.trimEnd(),
    '- What: the built page with the given panels (Euler, Heun, η-SDE, …) on gmm:ring8. Panel 1 (Euler) gets a new step count',
    `  through its steps box; the time runs from the change event to its run being done and drawn (two animation frames later),`,
    `  ${REPEATS} updates per row. Only the changed panel runs again; its trajectory (x_t and D(x_t) at every step) is read back`,
    '  for the scrubber. The reference solve is shared and cached, so it is not part of an update.',
    '',
    '| panels | particles | steps | update ms (median) | min–max | GPU ms of the run (median) |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
    `Parts of an update at ${CASES[2].count} particles, 12 steps (one run through the public API on the same page): sample with`,
    `trajectory ${parts.sampleMs.toFixed(0)} ms wall (${parts.gpuMs.toFixed(0)} ms GPU), evaluate (CPU) ${parts.evaluateMs.toFixed(0)} ms; the rest is Lit`,
    "rendering, the view's draw and waiting for animation frames.",
    '',
  ].join('\n');
  writeResult('page-update.md', text);
} finally {
  await browser.close();
  await server.close();
}
