#!/usr/bin/env node
// `npm run bench:model`: one NFE of the Fashion-MNIST UNet (bench/model.ts) for our WGSL network now and at an
// earlier commit (the kernels before and after), onnxruntime-web's WebGPU and WASM backends, and the adapter's FMA
// ceiling, all in one run: configurations interleaved round-robin over several rounds, each call measured by the CPU
// time of Chromium's GPU process (SwiftShader runs the shaders there) and of the tab's renderer (WASM runs there),
// bench/cpu-time.mjs; medians and min–max. Writes bench/results/model-speed.md.
// Usage: node bench/model.mjs [rounds, default 3] [earlier commit, default BEFORE below]
import { execSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { chromiumProcesses, cpuNs, gpuProcessPid, median, spread } from './cpu-time.mjs';
import { launchWebGpuChromium, resultHeader, startDevServer, writeResult } from './browser.mjs';

const ROUNDS = Math.max(3, Number(process.argv[2] ?? 3));
/** The last commit with 44 dispatches per evaluation, and what set it apart (printed in the result). */
const BEFORE = process.argv[3] ?? 'abdb470';
const BEFORE_WHAT = process.argv[3]
  ? 'the commit given on the command line'
  : 'the conditioning chain as five steps, the EDM entry and each 1×1 skip projection as their own dispatches';
const BATCHES = { wgsl: [1, 16, 64], onnxWebGpu: [1, 16], onnxWasm: [1, 16, 64] };

// The earlier network's sources, served by the dev server at /bench/.before/ (git-ignored).
rmSync('bench/.before', { recursive: true, force: true });
mkdirSync('bench/.before');
execSync(`git archive ${BEFORE} src shaders | tar -x -C bench/.before`);
const beforeTitle = execSync(`git log -1 --format='%h %ad' --date=short ${BEFORE}`).toString().trim();

const server = await startDevServer();
const browser = await launchWebGpuChromium();
try {
  const tab = await browser.newPage();
  tab.on('console', (m) => ['error', 'warn'].includes(m.type()) && console.error('page:', m.text()));
  tab.on('pageerror', (e) => console.error('page error:', e.message));
  await tab.goto(`${server.url}/bench/model.html`);
  await tab.waitForFunction(() => window.benchModel !== undefined, { timeout: 600_000 });
  const { configs, adapter } = await tab.evaluate((b) => window.benchModel.start(b), BATCHES);
  const gpuPid = gpuProcessPid(browser.process().pid);
  const renderers = chromiumProcesses(browser.process().pid, 'renderer');
  const measured = new Map(configs.map((c) => [c.id, { gpu: [], renderer: [], wall: [] }]));
  for (const c of configs) await tab.evaluate((id) => window.benchModel.run(id), c.id); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of configs) {
      const [g0, r0] = [cpuNs(gpuPid), cpuNs(...renderers)];
      const r = await tab.evaluate((id) => window.benchModel.run(id), c.id);
      const [g1, r1] = [cpuNs(gpuPid), cpuNs(...renderers)];
      const m = measured.get(c.id);
      m.gpu.push((g1 - g0) / 1e6);
      m.renderer.push((r1 - r0) / 1e6);
      m.wall.push(r.wallMs);
    }
    console.log(`round ${round + 1}/${ROUNDS} done`);
  }
  const agreement = await tab.evaluate(() => window.benchModel.agreement());
  const fma = configs.find((c) => c.id === 'fma');
  const fmaCpu = measured.get('fma').gpu;
  const ceiling = fma.flops / median(fmaCpu) / 1e6;
  const total = (m) => m.gpu.map((g, k) => g + m.renderer[k]);
  const rows = configs
    .filter((c) => c.id !== 'fma')
    .map((c) => {
      const m = measured.get(c.id);
      const cpu = median(total(m));
      const rate = c.flops / cpu / 1e6;
      return `| ${c.engine} | ${c.batch} | ${median(m.gpu).toFixed(0)} (${spread(m.gpu)}) | ${median(m.renderer).toFixed(0)} (${spread(m.renderer)}) | ${((1000 * c.batch) / cpu).toFixed(1)} | ${rate.toFixed(2)} | ${((rate / ceiling) * 100).toFixed(0)} % | ${median(m.wall).toFixed(0)} (${spread(m.wall)}) |`;
    });
  const perImage = (id) => median(total(measured.get(id))) / configs.find((c) => c.id === id).batch;
  const speedups = BATCHES.wgsl
    .filter((b) => measured.has(`before:${b}`))
    .map((b) => `batch ${b}: ${(perImage(`before:${b}`) / perImage(`ours:${b}`)).toFixed(2)}×`);
  const header = await resultHeader(
    'Benchmark: the Fashion-MNIST UNet, WGSL now and before, vs onnxruntime-web',
    '`npm run bench:model`',
    browser,
    adapter,
    [
      `- What: one NFE at ${28}×${28} (${(configs.find((c) => c.id === 'ours:1').flops / 1e6).toFixed(1)} MFLOP per image: the conv and linear multiply-adds ×2 of our compiled graph,`,
      `  counted the same for every engine). "Before" is the same network at commit ${beforeTitle} (${BEFORE_WHAT}),`,
      '  on its own device in the same page.',
      `- Method: one warm-up call per configuration, then ${ROUNDS} rounds with the configurations interleaved round-robin.`,
      "  CPU ms: the first field of /proc/<pid>/task/<tid>/schedstat summed over the threads of Chromium's --type=gpu-process",
      "  (SwiftShader runs the shaders there) and of the tab's --type=renderer (WASM runs there), around each call; median",
      '  (min–max). Rates are per CPU-second of both together; the ceiling is the FMA kernel in the same run, GPU process.',
    ],
  );
  const text = [
    header.trimEnd(),
    '',
    `**FMA ceiling:** ${ceiling.toFixed(2)} GFLOP per CPU-second (${spread(
      fmaCpu.map((x) => fma.flops / x / 1e6),
      2,
    )} over the rounds).`,
    '',
    '| engine | batch | GPU-process CPU ms | renderer CPU ms | images per CPU-second | GFLOP per CPU-second | of the ceiling | wall ms |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Our network now vs before, CPU per image: ${speedups.join(', ')}.`,
    '',
    '## Agreement on D(x; σ) (same x, σ log-uniform in [0.002, 80], labels cycling through 0–9 and the null class)',
    '',
    '| configuration | max over pixels of abs(D_ours − D_other), relative to max abs(D_other) |',
    '|---|---|',
    ...agreement.map((a) => `| ${a.id} | ${a.difference.toExponential(1)} |`),
    '',
  ].join('\n');
  writeResult('model-speed.md', text);
} finally {
  await browser.close();
  await server.close();
}
